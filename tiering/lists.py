"""The stored tiered list: scoring a profile against its programs and keeping the result.

Results are stored per (profile, program) in ``ListEntry`` so that the list page, the advisor
dashboard and the tracker read them with a handful of queries. A list is recomputed when the
profile is saved, and lazily when the catalog or the scoring model changed since.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime

from django.db import transaction
from django.db.models import Exists, Max, OuterRef, Q, QuerySet
from django.utils import timezone

from applicants.models import EcfmgStatus, Profile
from programs.models import PROVENANCE_KEYS, Program
from programs.sources import short_name
from programs.verification import approved_prefetch, with_verified
from tiering import budget, scoring
from tiering.models import EntryEvent, ListEntry, Status, Tier

# Bump when the scoring model changes, so stored lists are recomputed on their next view.
SCORING_VERSION = "2026.11-3"  # issue 12: IMG year rule, stale answers, armed forces

# The stored tier of each scoring tier, and back.
STORED_TIER = {
    scoring.Tier.TIER_1: Tier.TIER_1,
    scoring.Tier.TIER_2: Tier.TIER_2,
    scoring.Tier.TIER_3: Tier.TIER_3,
    scoring.Tier.NOT_ELIGIBLE: Tier.NOT_ELIGIBLE,
}
SCORING_TIER = {stored: scored for scored, stored in STORED_TIER.items()}


def season_year() -> int:
    return timezone.now().year


def applicant_of(profile: Profile, *, as_of_year: int | None = None) -> scoring.Applicant:
    return scoring.Applicant(
        step1_passed=profile.step1_passed,
        step1_attempts=profile.step1_attempts,
        step2_score=profile.step2_score,
        step2_attempts=profile.step2_attempts,
        step3_passed=profile.step3_passed,
        step3_attempts=profile.step3_attempts,
        graduation_year=_required(profile.graduation_year, "graduation year"),
        visa_need=profile.visa_need,
        citizenship=profile.citizenship,
        ecfmg_certified=profile.ecfmg_status == EcfmgStatus.CERTIFIED,
        usce_hands_on_months=profile.usce_hands_on_months,
        usce_observership_months=profile.usce_observership_months,
        usce_border_months=profile.usce_border_months,
        us_letters=profile.us_letters,
        research_experiences=profile.research_experiences,
        border_or_underserved_projects=profile.border_or_underserved_projects,
        spanish_level=profile.spanish_level,
        as_of_year=as_of_year or season_year(),
    )


def _required(value: int | None, what: str) -> int:
    # An unknown graduation year must not score as a recent one: a list needs it.
    if value is None:
        raise ValueError(f"The profile has no {what}; it cannot be scored.")
    return value


def facts_of(program: Program) -> scoring.ProgramFacts:
    program = with_verified(program)  # approved verified facts are the newest source
    provenance = program.provenance or {}
    return scoring.ProgramFacts(
        acgme_id=program.acgme_id,
        name=program.name,
        specialty_code=program.acgme_id[:3],
        state=program.state,
        in_border_region=program.in_border_region,
        border_distance_km=program.border_distance_km,
        setting=program.setting,
        j1_accepted=program.j1_accepted,
        h1b_sponsored=program.h1b_sponsored,
        citizens_only=program.citizens_only,
        img_share_pct=program.img_share_pct,
        non_us_img_share_pct=program.non_us_img_share_pct,
        min_step2_score=program.min_step2_score,
        min_step2_strictness=program.min_step2_strictness,
        max_years_since_graduation=program.max_years_since_graduation,
        max_years_since_graduation_strictness=program.max_years_since_graduation_strictness,
        max_attempts_per_step=program.max_attempts_per_step,
        max_attempts_per_step_strictness=program.max_attempts_per_step_strictness,
        min_usce_months=program.min_usce_months,
        min_usce_months_strictness=program.min_usce_months_strictness,
        step3_required=program.step3_required,
        step3_strictness=program.step3_strictness,
        armed_forces=program.armed_forces,
        usce_within_years=program.usce_within_years,
        steps_within_years=program.steps_within_years,
        conflicts=conflicts_of(program),
        fact_years={k: provenance[k].get("year") for k in PROVENANCE_KEYS if k in provenance},
        fact_sources={
            k: short_name(provenance[k]["source"])
            for k in PROVENANCE_KEYS
            if provenance.get(k, {}).get("source")
        },
    )


def conflicts_of(program: Program) -> dict[str, tuple[str, ...]]:
    """Facts on which two current answers disagree: key -> each value with its source."""
    others = [o for o in program.other_values or [] if o.get("kind") == "conflict"]
    if not others:
        return {}
    provenance = program.provenance or {}
    out: dict[str, tuple[str, ...]] = {}
    for key in dict.fromkeys(o["key"] for o in others):
        origin = provenance.get(key, {})
        values = [(getattr(program, key, ""), origin.get("source", ""), origin.get("year"))]
        values += [(o["value"], o["source"], o["year"]) for o in others if o["key"] == key]
        out[key] = tuple(
            f"{value} ({short_name(source) if source else 'source not stated'}"
            f"{f', {year}' if year else ''})"
            for value, source, year in values
        )
    return out


def programs_for(specialties: Iterable, states: Iterable[str]) -> QuerySet[Program]:
    """The programs of these specialties, in these states when any are given."""
    programs = (
        Program.objects.filter(specialty__in=specialties)
        .select_related("specialty")
        .prefetch_related(approved_prefetch())
    )
    states = list(states)
    if states:
        programs = programs.filter(state__in=states)
    return programs.order_by("acgme_id")


def programs_in_scope(profile: Profile) -> QuerySet[Program]:
    return programs_for(profile.target_specialties.all(), profile.target_states or [])


def explanation_of(result: scoring.ProgramResult) -> dict:
    return {
        "eligible": result.eligible,
        "hard_reasons": list(result.hard_reasons),
        "reasons": [
            {"component": r.component, "points": r.points, "text": r.text} for r in result.reasons
        ],
        "tier_notes": list(result.tier_notes),
        "to_verify": list(result.to_verify),
        "confidence_label": result.confidence_label,
        "components": dict(result.components),
    }


def list_recompute(profile: Profile) -> int:
    """Score every program in scope and store the results; keep the applicant's and advisor's
    work on entries that fall out of scope. Returns the number of programs in scope."""
    programs = list(programs_in_scope(profile))
    results = scoring.score_programs(
        applicant=applicant_of(profile), programs=[facts_of(p) for p in programs]
    )
    entries = [
        ListEntry(
            profile=profile,
            program=program,
            in_scope=True,
            computed_tier=STORED_TIER[result.tier],
            score=result.score,
            confidence=result.confidence,
            explanation=explanation_of(result),
        )
        for program, result in zip(programs, results, strict=True)
    ]
    with transaction.atomic():
        ListEntry.objects.bulk_create(
            entries,
            batch_size=500,
            update_conflicts=True,
            unique_fields=["profile", "program"],
            update_fields=["in_scope", "computed_tier", "score", "confidence", "explanation"],
        )
        out_of_scope = ListEntry.objects.filter(profile=profile).exclude(
            program_id__in=[p.pk for p in programs]
        )
        _without_work(out_of_scope).delete()
        out_of_scope.update(in_scope=False)
        Profile.objects.filter(pk=profile.pk).update(
            list_computed_at=timezone.now(), list_scoring_version=SCORING_VERSION
        )
    return len(programs)


def _without_work(entries: QuerySet[ListEntry]) -> QuerySet[ListEntry]:
    """Entries nobody has worked on: safe to drop when they leave the list's scope."""
    return entries.filter(
        override_tier__isnull=True, excluded=False, status=Status.NOT_STARTED, signal=False,
        date_applied__isnull=True, interview_date__isnull=True, letters_sent__isnull=True,
        fee__isnull=True, notes="",
    ).exclude(Exists(EntryEvent.objects.filter(entry=OuterRef("pk")))).exclude(
        Q(advisor_notes__isnull=False)
    )


def catalog_changed_at() -> datetime | None:
    return Program.objects.aggregate(latest=Max("updated_at"))["latest"]


def list_is_stale(profile: Profile, *, catalog_time: datetime | None = None) -> bool:
    if profile.list_computed_at is None or profile.list_scoring_version != SCORING_VERSION:
        return True
    if profile.updated_at > profile.list_computed_at:
        return True
    catalog_time = catalog_time if catalog_time is not None else catalog_changed_at()
    return catalog_time is not None and catalog_time > profile.list_computed_at


def list_ensure_current(profile: Profile) -> bool:
    """Recompute when stale; True when it did. An incomplete profile has no list to compute."""
    if not profile.is_complete or not list_is_stale(profile):
        return False
    list_recompute(profile)
    profile.refresh_from_db(fields=["list_computed_at", "list_scoring_version"])
    return True


def list_plan(
    profile: Profile,
    available: Mapping[tuple[str, scoring.Tier], int],
    specialty_names: Mapping[str, str],
) -> budget.Recommendation:
    """How many of a list's programs to apply to, their cost, and what the budget buys.

    ``available`` counts the programs per (specialty code, tier). The Step 2 CK benchmark is
    the main specialty's: the one with the most programs, ties going to the first by name.
    """
    by_name = sorted(specialty_names.items(), key=lambda item: item[1])
    main = max(
        by_name, default=None,
        key=lambda item: sum(n for (code, _), n in available.items() if code == item[0]),
    )
    step2_z = (
        scoring.step2_z(applicant=applicant_of(profile), specialty_code=main[0])
        if main is not None else None
    )
    return budget.recommend(available=available, budget_usd=profile.budget_usd, step2_z=step2_z)
