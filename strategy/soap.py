"""The SOAP backup list: programs to apply to in the Supplemental Offer and Acceptance Program
if the applicant does not match, prepared in advance as the advisors' guidance recommends.

Built from the catalog, not from the main list: the broader specialties (Family Medicine,
Internal Medicine, Pediatrics) in every state, the programs open to the applicant, border-region
programs first, then (for an applicant who needs a J-1) programs known to take J-1 visas, then
the realistic ones; never more than the NRMP's limit on SOAP applications
(``strategy.season.SOAP_MAX_APPLICATIONS``). Which programs are unfilled is known only in Match
week, so this is a list to check against the NRMP's List of Unfilled Programs, not a promise.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.core.cache import cache
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from applicants.models import Profile
from programs import current
from programs.models import Program, Specialty
from strategy.season import SOAP_MAX_APPLICATIONS, SOAP_SPECIALTIES
from tiering import scoring
from tiering.models import ListEntry
from tiering.scope import snapshot
from tiering.scored import SCORING_VERSION, applicant_of

TIER_NAMES = {scoring.Tier.TIER_1: gettext_lazy("Tier 1"),
              scoring.Tier.TIER_2: gettext_lazy("Tier 2"),
              scoring.Tier.TIER_3: gettext_lazy("Tier 3")}


@dataclass(frozen=True)
class SoapChoice:
    place: int
    program: Program
    tier: scoring.Tier
    score: int
    on_main_list: bool
    reason: str

    @property
    def tier_name(self) -> str:
        return str(TIER_NAMES[self.tier])


def _visa_rank(facts: scoring.ProgramFacts, visa_need: str) -> int:
    if visa_need == "none":
        return 0
    status = facts.j1_accepted if visa_need == "j1" else facts.h1b_sponsored
    return {scoring.YES: 0, scoring.UNKNOWN: 1}.get(status, 2)


# The ranking is the costly part (every program of the broader specialties scored, about 1,700
# in the shipped catalog), and the same for every page view and download until the applicant's
# scored answers, the catalog or the scoring model change: it is kept in the shared cache under
# all three. The reasons (in the reader's language) and the main-list marks are made per call.
RANKING_SECONDS = 24 * 3600


def soap_list(profile: Profile, *, limit: int = SOAP_MAX_APPLICATIONS,
              on_list: set[int] | None = None) -> list[SoapChoice]:
    """At most ``limit`` (the NRMP's SOAP limit) programs, in the order to apply to them.
    ``on_list``: the ids of the programs on the main list, when the caller has them."""
    limit = min(limit, SOAP_MAX_APPLICATIONS)
    applicant = applicant_of(profile)
    # From the process's catalog snapshot: no program is loaded from the database when warm.
    shot = snapshot()
    # Only the broader specialties are loaded, not the whole catalog.
    soap_ids = Specialty.objects.filter(code__in=SOAP_SPECIALTIES).values_list("pk", flat=True)
    pairs = {program.pk: (program, facts) for pairs in shot.specialty_pairs(soap_ids).values()
             for program, facts in pairs}
    ranked = _ranking(applicant, pairs, version=shot.version, limit=limit)
    if on_list is None:
        on_list = set(ListEntry.objects.on_list().filter(profile=profile).values_list(
            "program_id", flat=True))
    visa = applicant.visa_need
    visa_name = {"j1": "J-1", "h1b": "H-1B"}.get(visa, "")
    choices = []
    for place, (program_id, tier_name, score) in enumerate(ranked, start=1):
        program, facts = pairs[program_id]
        tier = scoring.Tier[tier_name]
        parts = [_("%(specialty)s, a broader specialty for SOAP")
                 % {"specialty": program.specialty.name}]
        if program.in_border_region:
            parts.append(_("in the US-Mexico border region"))
        if visa_name and _visa_rank(facts, visa) == 0:
            # With its date or year, as every page shows the fact (programs.current).
            when = current.fact(program, "j1_accepted" if visa == "j1" else "h1b_sponsored").when
            parts.append(_("takes %(visa)s visas (%(when)s)") % {"visa": visa_name, "when": when})
        elif visa_name:
            parts.append(_("%(visa)s policy unknown: ask") % {"visa": visa_name})
        parts.append(_("%(tier)s for you, score %(score)s")
                     % {"tier": TIER_NAMES[tier], "score": score})
        choices.append(SoapChoice(place=place, program=program, tier=tier,
                                  score=score, on_main_list=program.pk in on_list,
                                  reason="; ".join(parts) + "."))
    return choices


def _ranking(applicant: scoring.Applicant, pairs: dict[int, tuple[Program, scoring.ProgramFacts]],
             *, version: str, limit: int) -> list[tuple[int, str, int]]:
    """(program id, tier name, score) in the order to apply, from the cache when it has it."""
    key = "soap-ranking:" + hashlib.sha256(repr((
        applicant, version, SCORING_VERSION, limit, sorted(SOAP_SPECIALTIES),
    )).encode()).hexdigest()
    found = cache.get(key)
    if found is not None and all(program_id in pairs for program_id, _, _ in found):
        return found
    ordered = sorted(pairs.values(), key=lambda pair: pair[0].acgme_id)
    # The order reads the tiers and scores alone: the reasons are not written (words=False).
    results = scoring.score_programs(applicant=applicant, programs=[f for _, f in ordered],
                                     words=False)
    visa = applicant.visa_need
    pool = [(program, facts, result) for (program, facts), result in zip(ordered, results,
                                                                        strict=True)
            if result.eligible and _visa_rank(facts, visa) < 2]
    pool.sort(key=lambda item: (not item[0].in_border_region, _visa_rank(item[1], visa),
                                item[2].tier, -item[2].score, item[0].name))
    ranked = [(program.pk, result.tier.name, result.score) for program, _, result in pool[:limit]]
    cache.set(key, ranked, RANKING_SECONDS)
    return ranked
