"""From the scored scope to the list: the candidates with what breaks their ties, the size, the
specialties' shares and mission first, decided the same way for the list page, the what-ifs,
the try-it page and the ``tier_list`` command (docs/scoring.md 10, "Building the list").

No database access: it reads the scored programs it is given.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence

from tiering import budget, scoring, selection
from tiering.facts import facts_known
from tiering.scored import Scored
from tiering.scoring.divisions import division_of
from tiering.scoring.few_imgs import has_few_imgs
from tiering.scoring.gap import list_z, specialty_weights

NO_DECISIONS = selection.Decisions()
# Mission fit as the list reads it: the border band and the program's community (Spanish
# speakers, a shortage area; tiering/scoring/community.py).
MISSION_COMPONENTS = (scoring.C_BORDER, scoring.C_SPANISH, scoring.C_SHORTAGE)
_VISA_KEYS = {"j1": "j1_accepted", "h1b": "h1b_sponsored"}


def candidate_of(item: Scored, applicant: scoring.Applicant | None = None,
                 states: Iterable[str] = ()) -> selection.Candidate:
    """The scored program as the selection sees it; ``applicant`` and ``states`` (the
    applicant's) give what breaks ties between equal scores."""
    p, facts, result = item.program, item.facts, item.result
    visa_year = None
    key = _VISA_KEYS.get(applicant.visa_need if applicant else "")
    if key and getattr(facts, key) == scoring.YES:
        visa_year = facts.fact_years.get(key)
    divisions = set(applicant.preferred_divisions) if applicant else set()
    return selection.Candidate(
        acgme_id=p.acgme_id, name=p.name, city=p.city, state=p.state,
        specialty_code=p.acgme_id[:3], tier=result.tier, score=result.score,
        in_border=bool(p.in_border_region), facts_known=facts_known(facts),
        mission=_mission(result), img_presence=result.components.get(scoring.C_IMG, 0.0),
        visa_year=visa_year,
        home=p.state in set(states) or division_of(p.state) in divisions,
        few_imgs=has_few_imgs(facts),
    )


def _mission(result: scoring.ProgramResult) -> float:
    return sum(result.components.get(key, 0.0) for key in MISSION_COMPONENTS)


def candidates_of(scored: Iterable[Scored], applicant: scoring.Applicant,
                  states: Iterable[str] = (), *,
                  like: Sequence[selection.Candidate] | None = None
                  ) -> list[selection.Candidate]:
    """Every scored program as the selection sees it. ``like``: the same programs' candidates
    for another applicant who differs in nothing a candidate reads beside the result (the
    needed visa, the chosen divisions: ``same_ties``); their program's own values are kept
    and only what the result says is taken again, which saves reading each program's facts
    once more for a what-if."""
    states = tuple(states)
    if like is None:
        return [candidate_of(item, applicant, states) for item in scored]
    out = []
    for item, before in zip(scored, like, strict=True):
        result = item.result
        mission = _mission(result)
        img = result.components.get(scoring.C_IMG, 0.0)
        if (before.tier == result.tier and before.score == result.score
                and before.mission == mission and before.img_presence == img):
            out.append(before)
        else:
            out.append(dataclasses.replace(before, tier=result.tier, score=result.score,
                                           mission=mission, img_presence=img))
    return out


def same_ties(one: scoring.Applicant, other: scoring.Applicant) -> bool:
    """Whether two applicants' candidates differ only by what each program's result says."""
    return (one.visa_need == other.visa_need
            and set(one.preferred_divisions) == set(other.preferred_divisions))


def eligible_specialties(scored: Iterable[Scored]) -> set[str]:
    return {item.program.acgme_id[:3] for item in scored if item.result.eligible}


def list_target(applicant: scoring.Applicant, scored: Iterable[Scored]) -> int:
    """The size the guidance suggests, read against the z of the list's mix of specialties."""
    return budget.target_total(list_z(applicant, eligible_specialties(scored)))


def choose(*, applicant: scoring.Applicant, scored: list[Scored], budget_usd: int | None,
           decisions: selection.Decisions = NO_DECISIONS,
           states: Iterable[str] = (), target: int | None = None,
           candidates: Sequence[selection.Candidate] | None = None,
           eligible: set[str] | None = None) -> selection.Selection:
    """The list for the applicant from the scored scope (``target``: another size than the
    guidance, for a longer or shorter list; ``candidates``: ``candidates_of`` the same scored
    scope, applicant and states, and ``eligible``, its ``eligible_specialties``, when the
    caller chooses from them more than once)."""
    if candidates is None:
        candidates = candidates_of(scored, applicant, states)
    if eligible is None:
        eligible = eligible_specialties(scored)
    return selection.select(
        candidates=candidates,
        target=budget.target_total(list_z(applicant, eligible)) if target is None else target,
        budget_usd=budget_usd, decisions=decisions,
        weights=specialty_weights(applicant, eligible),
        mission_first=scoring.brings_border_fit(applicant))
