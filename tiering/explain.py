"""What the pages say: the parts of one program's score and its explanation, why a program is
on the list, and the list as a whole (composition, border programs, visas to verify, cost)."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils import timezone

from applicants.models import Profile
from tiering import budget, scoring
from tiering.models import ApplicantList, ListEntry, Status, Tier

if TYPE_CHECKING:
    from tiering.lists import Scored


# What each component is called on the page, and its most points (scoring/weights.py).
COMPONENT_NAMES = {
    scoring.C_IMG: "IMG presence",
    scoring.C_STEP2: "Step 2 CK",
    scoring.C_ATTEMPTS: "Exam attempts",
    scoring.C_VISA: "Visa",
    scoring.C_YOG: "Years since graduation",
    scoring.C_USCE: "US clinical experience and letters",
    scoring.C_BORDER: "Border mission fit",
    scoring.C_GEO: "Geographic preference",
    scoring.C_PREFERENCES: "Stated preferences missed",
}


def component_maxima(specialty_code: str) -> dict[str, float]:
    """The most points each component can give in this specialty: where Step 2 CK does not
    separate matched from unmatched applicants, its points move to IMG presence."""
    separates = scoring.benchmark_for(specialty_code).separates
    return {
        scoring.C_IMG: scoring.WEIGHT_IMG if separates else scoring.WEIGHT_IMG_NON_SEPARATING,
        scoring.C_STEP2: (scoring.WEIGHT_STEP2 if separates
                          else scoring.WEIGHT_STEP2_NON_SEPARATING),
        scoring.C_ATTEMPTS: scoring.WEIGHT_ATTEMPTS,
        scoring.C_VISA: scoring.WEIGHT_VISA,
        scoring.C_YOG: scoring.WEIGHT_YOG,
        scoring.C_USCE: scoring.WEIGHT_USCE,
        scoring.C_BORDER: scoring.WEIGHT_BORDER,
        scoring.C_GEO: scoring.WEIGHT_GEO_PREFERENCE,
        scoring.C_PREFERENCES: 0.0,
    }


def _whole_parts(values: list[float]) -> list[int]:
    """Whole numbers that add up to the rounded total (largest remainder), so the parts shown
    add up to the score shown."""
    total = round(sum(values))
    floors = [math.floor(v) for v in values]
    order = sorted(range(len(values)), key=lambda i: floors[i] - values[i])
    for i in order[:max(0, total - sum(floors))]:
        floors[i] += 1
    return floors


def score_parts(result: scoring.ProgramResult, *, step2_score: int | None = None) -> list[dict]:
    """The components that make the score, largest first, each as points out of its most."""
    maxima = component_maxima(result.acgme_id[:3])
    shown = [(code, points) for code, points in result.components.items()
             if points or code not in (scoring.C_PREFERENCES, scoring.C_BORDER, scoring.C_GEO)]
    wholes = _whole_parts([points for _, points in shown])
    parts = []
    for (code, _), points in zip(shown, wholes, strict=True):
        name = COMPONENT_NAMES[code]
        if code == scoring.C_STEP2 and step2_score is not None:
            name = f"Step 2 CK {step2_score}"
        parts.append({"component": code, "name": name, "points": points,
                      "max": round(maxima[code])})
    return sorted(parts, key=lambda part: -part["points"])


def explanation_of(result: scoring.ProgramResult, *, step2_score: int | None = None) -> dict:
    parts = score_parts(result, step2_score=step2_score) if result.eligible else []
    return {
        "eligible": result.eligible,
        "parts": parts,
        "parts_total": sum(part["points"] for part in parts),
        "hard_reasons": list(result.hard_reasons),
        "reasons": [
            {"component": r.component, "points": r.points, "text": r.text} for r in result.reasons
        ],
        "tier_notes": list(result.tier_notes),
        "to_verify": list(result.to_verify),
        "confidence_label": result.confidence_label,
        "components": dict(result.components),
    }


@dataclass(frozen=True, slots=True, kw_only=True)
class ListSummary:
    """The list as a whole, for the top of the list page."""

    size: int
    target: int
    budget_limited: bool
    budget_note: str
    counts: dict[tuple[str, int], int]  # (specialty code, shown tier) -> programs
    specialties: dict[str, str]  # code -> name, for the specialties on the list
    tiers: dict[int, int]  # shown tier -> programs
    border: int
    visa_to_verify: int
    cost: budget.Cost
    budget_usd: int | None
    over_budget_usd: int  # what the list costs beyond the budget (hand-made additions)
    revision: int

    def count(self, code: str, tier: int) -> int:
        return self.counts.get((code, tier), 0)


def list_summary(profile: Profile, entries: Iterable[ListEntry]) -> ListSummary:
    """Composition, border programs, visas to verify and cost of the entries on the list."""
    entries = list(entries)
    counts: dict[tuple[str, int], int] = {}
    tiers = {tier.value: 0 for tier in Tier}
    specialties: dict[str, str] = {}
    per_specialty: dict[str, int] = {}
    border = visa_to_verify = 0
    year = timezone.now().year  # the season, as tiering.lists.season_year
    visa_key = {"j1": "j1_accepted", "h1b": "h1b_sponsored"}.get(profile.visa_need)
    for entry in entries:
        program = entry.program
        code = program.acgme_id[:3]
        specialties[code] = program.specialty.name
        counts[(code, entry.tier)] = counts.get((code, entry.tier), 0) + 1
        tiers[entry.tier] += 1
        if entry.status != Status.WITHDRAWN:  # the tracker's Summary counts the same way
            per_specialty[code] = per_specialty.get(code, 0) + 1
        border += bool(program.in_border_region)
        if visa_key:
            fact_year = (program.provenance or {}).get(visa_key, {}).get("year")
            if getattr(program, visa_key) != "yes" or fact_year is None \
                    or year - fact_year >= scoring.FACT_AGE_VERIFY:
                visa_to_verify += 1
    cost = budget.season_cost(per_specialty)
    the_list = ApplicantList.objects.get_or_create(profile=profile)[0]
    over = max(0, cost.total_usd - profile.budget_usd) if profile.budget_usd is not None else 0
    return ListSummary(
        size=len(entries), target=the_list.target, budget_limited=the_list.budget_limited,
        budget_note=the_list.budget_note, counts=counts,
        specialties=dict(sorted(specialties.items(), key=lambda kv: kv[1])),
        tiers=tiers, border=border, visa_to_verify=visa_to_verify, cost=cost,
        budget_usd=profile.budget_usd, over_budget_usd=over, revision=the_list.revision,
    )


def no_eligible_reasons(scored: Iterable[Scored], top: int = 3) -> list[tuple[str, int]]:
    """The most common hard reasons, by how many programs each closes."""
    counts: dict[str, int] = {}
    for item in scored:
        for reason in item.result.hard_reasons:
            # The citation in brackets differs per program; count the rule itself.
            rule = reason.split(" (")[0]
            counts[rule] = counts.get(rule, 0) + 1
    return sorted(counts.items(), key=lambda kv: -kv[1])[:top]


def choice_text(entry: ListEntry, specialty_names: Mapping[str, str]) -> str:
    """Why the entry is on the list, in words."""
    choice = entry.choice or {}
    code, params = choice.get("code"), choice.get("params", {})
    if code == "pinned":
        return "Pinned: kept on the list whatever the rebuild."
    if code == "added":
        return "Added by hand from the candidates."
    if code == "tracked":
        return "Kept: you or your advisor already worked on it."
    if code != "ranked":
        return ""
    specialty = specialty_names.get(params.get("specialty", ""), "this specialty")
    text = (f"Tier {params['tier']} place {params['rank']} of {params['taken']} in {specialty} "
            f"(of {params['available']} candidates), score {params['score']}")
    if params.get("border_first"):
        text += "; a reach program in the border region, which reach places go to first"
    if params.get("next_name"):
        text += (f". The next candidate, {params['next_name']} (score {params['next_score']}), "
                 "was left out")
    return text + "."
