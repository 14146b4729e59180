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

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from applicants.models import Profile
from programs.models import Program
from strategy.season import SOAP_MAX_APPLICATIONS, SOAP_SPECIALTIES
from tiering import scoring
from tiering.models import ListEntry
from tiering.scope import snapshot
from tiering.scored import applicant_of

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


def soap_list(profile: Profile, *, limit: int = SOAP_MAX_APPLICATIONS,
              on_list: set[int] | None = None) -> list[SoapChoice]:
    """At most ``limit`` (the NRMP's SOAP limit) programs, in the order to apply to them.
    ``on_list``: the ids of the programs on the main list, when the caller has them."""
    limit = min(limit, SOAP_MAX_APPLICATIONS)
    applicant = applicant_of(profile)
    # From the process's catalog snapshot: no program is loaded from the database when warm.
    pairs = sorted((pair for pairs in snapshot().by_specialty.values() for pair in pairs
                    if pair[0].specialty.code in SOAP_SPECIALTIES),
                   key=lambda pair: pair[0].acgme_id)
    results = scoring.score_programs(applicant=applicant, programs=[f for _, f in pairs])
    if on_list is None:
        on_list = set(ListEntry.objects.on_list().filter(profile=profile).values_list(
            "program_id", flat=True))
    visa = applicant.visa_need
    visa_name = {"j1": "J-1", "h1b": "H-1B"}.get(visa, "")
    pool = [(program, facts, result) for (program, facts), result in zip(pairs, results,
                                                                        strict=True)
            if result.eligible and _visa_rank(facts, visa) < 2]
    pool.sort(key=lambda item: (not item[0].in_border_region, _visa_rank(item[1], visa),
                                item[2].tier, -item[2].score, item[0].name))
    choices = []
    for place, (program, facts, result) in enumerate(pool[:limit], start=1):
        parts = [_("%(specialty)s, a broader specialty for SOAP")
                 % {"specialty": program.specialty.name}]
        if program.in_border_region:
            parts.append(_("in the US-Mexico border region"))
        if visa_name:
            parts.append((_("takes %(visa)s visas") if _visa_rank(facts, visa) == 0
                          else _("%(visa)s policy unknown: ask")) % {"visa": visa_name})
        parts.append(_("%(tier)s for you, score %(score)s")
                     % {"tier": TIER_NAMES[result.tier], "score": result.score})
        choices.append(SoapChoice(place=place, program=program, tier=result.tier,
                                  score=result.score, on_main_list=program.pk in on_list,
                                  reason="; ".join(parts) + "."))
    return choices
