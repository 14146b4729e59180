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
    return _candidate(item, *_ties(applicant, states))


def _ties(applicant: scoring.Applicant | None, states: Iterable[str]
          ) -> tuple[str | None, frozenset[str], frozenset[str]]:
    """What of the applicant breaks ties (the needed visa's fact, the states, the chosen
    divisions), read once for all the programs of a scope."""
    return (_VISA_KEYS.get(applicant.visa_need if applicant else ""), frozenset(states),
            frozenset(applicant.preferred_divisions) if applicant else frozenset())


# What a candidate reads of the program's facts alone, per facts object: the process's catalog
# snapshot hands the same objects to every page until the catalog changes, and every list
# page's what-if reads the whole scope's. Keyed by id() with the object itself held, so that
# an id is never reused while its entry lives.
_PROGRAM_PARTS: dict[int, tuple[scoring.ProgramFacts, int, bool]] = {}


def _program_part(facts: scoring.ProgramFacts) -> tuple[scoring.ProgramFacts, int, bool]:
    """(the facts, ``facts_known``, ``has_few_imgs``) of the program."""
    found = _PROGRAM_PARTS.get(id(facts))
    if found is None or found[0] is not facts:
        if len(_PROGRAM_PARTS) > 100_000:  # a changed catalog leaves old objects behind
            _PROGRAM_PARTS.clear()
        found = _PROGRAM_PARTS[id(facts)] = (facts, facts_known(facts), has_few_imgs(facts))
    return found


def _candidate(item: Scored, visa_key: str | None, states: frozenset[str],
               divisions: frozenset[str]) -> selection.Candidate:
    p, facts, result = item.program, item.facts, item.result
    _, known, few = _program_part(facts)
    visa_year = None
    if visa_key and getattr(facts, visa_key) == scoring.YES:
        visa_year = facts.fact_years.get(visa_key)
    return selection.Candidate(
        acgme_id=p.acgme_id, name=p.name, city=p.city, state=p.state,
        specialty_code=p.acgme_id[:3], tier=result.tier, score=result.score,
        in_border=bool(p.in_border_region), facts_known=known,
        mission=_mission(result), img_presence=result.components.get(scoring.C_IMG, 0.0),
        visa_year=visa_year,
        home=p.state in states or division_of(p.state) in divisions,
        few_imgs=few,
    )


def _mission(result: scoring.ProgramResult) -> float:
    parts = result.components
    return sum([parts.get(key, 0.0) for key in MISSION_COMPONENTS])


def candidates_of(scored: Iterable[Scored], applicant: scoring.Applicant,
                  states: Iterable[str] = (), *,
                  like: Sequence[selection.Candidate] | None = None
                  ) -> list[selection.Candidate]:
    """Every scored program as the selection sees it. ``like``: the same programs' candidates
    for another applicant who differs in nothing a candidate reads beside the result (the
    needed visa, the chosen divisions: ``same_ties``); their program's own values are kept
    and only what the result says is taken again, which saves reading each program's facts
    once more for a what-if."""
    if like is None:
        ties = _ties(applicant, states)
        return [_candidate(item, *ties) for item in scored]
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
           candidates: Sequence[selection.Candidate] | None = None) -> selection.Selection:
    """The list for the applicant from the scored scope (``target``: another size than the
    guidance, for a longer or shorter list; ``candidates``: ``candidates_of`` the same scored
    scope, applicant and states, when the caller chooses from them more than once)."""
    return choose_sizes(applicant=applicant, scored=scored, budget_usd=budget_usd,
                        decisions=decisions, states=states, targets=[target],
                        candidates=candidates)[0]


def choose_sizes(*, applicant: scoring.Applicant, scored: list[Scored], budget_usd: int | None,
                 targets: Sequence[int | None], decisions: selection.Decisions = NO_DECISIONS,
                 states: Iterable[str] = (),
                 candidates: Sequence[selection.Candidate] | None = None
                 ) -> list[selection.Selection]:
    """``choose`` for each of ``targets`` (the budget what-if's longer and shorter lists),
    the candidates sorted once for all of them."""
    if candidates is None:
        candidates = candidates_of(scored, applicant, states)
    eligible = eligible_specialties(scored)
    weights = specialty_weights(applicant, eligible)
    prepared = selection.prepare(candidates, decisions=decisions,
                                 mission_first=scoring.brings_border_fit(applicant))
    guided = None
    out = []
    for target in targets:
        if target is None:
            guided = guided or budget.target_total(list_z(applicant, eligible))
        out.append(selection.select(
            candidates=candidates, target=guided if target is None else target,
            budget_usd=budget_usd, weights=weights, prepared=prepared))
    return out
