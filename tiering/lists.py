"""The list: scoring a profile against the catalog, building the list from the results, and
the changes people make to it by hand.

Only the list is stored (``ListEntry``: the programs applied to, and the ones removed by hand);
candidates are scored from the catalog when a page needs them. A list is rebuilt when the
profile is saved, and lazily when the catalog or the scoring model changed since; a rebuild
keeps every pinned, added and removed program and everything tracked.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.core.cache import cache
from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from applicants.models import EcfmgStatus, Profile, User
from programs.models import PROVENANCE_KEYS, Program
from programs.sources import short_name
from programs.verification import approved_prefetch, with_verified
from programs.versions import catalog_latest_change
from tiering import budget, bulk, choosing, scope, scoring, selection
from tiering.explain import explanation_of, translated
from tiering.models import ApplicantList, EntryEvent, ListBuild, ListEntry, Tier

# Bump when the scoring model changes, so stored lists are recomputed on their next view.
SCORING_VERSION = "2026.12-7"  # issue 23: tiers relative to the applicant, the list's rule
BUILDS_KEPT = 20  # per applicant

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
        preferred_divisions=tuple(sorted(profile.geographic_divisions or ())),
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
        step_score_band=program.step_score_band,
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


# ---------------------------------------------------------------------------------------------
# Scoring the catalog for a profile (candidates are never stored)
# ---------------------------------------------------------------------------------------------

catalog_facts = scope.catalog_facts

# ProgramFacts per (program id, last change): the catalog changes rarely and building the
# facts costs more than scoring them, so each process keeps them across requests.
_FACTS: dict[tuple[int, datetime | None], scoring.ProgramFacts] = {}


def cached_facts(program: Program) -> scoring.ProgramFacts:
    key = (program.pk, program.updated_at)
    facts = _FACTS.get(key)
    if facts is None:
        if len(_FACTS) > 50_000:  # a rebuilt catalog leaves old keys behind
            _FACTS.clear()
        facts = _FACTS[key] = facts_of(program)
    return facts


@dataclass(frozen=True, slots=True)
class Scored:
    program: Program
    facts: scoring.ProgramFacts
    result: scoring.ProgramResult


def score_scope(profile: Profile) -> list[Scored]:
    """Every program in the profile's specialties and states, scored for it (from the
    process's catalog snapshot: no program is loaded from the database when warm)."""
    pairs = scope.snapshot().in_scope(
        profile.target_specialties.values_list("pk", flat=True), profile.target_states)
    results = scoring.score_programs(applicant=applicant_of(profile),
                                     programs=[facts for _, facts in pairs])
    return [Scored(p, f, r) for (p, f), r in zip(pairs, results, strict=True)]


# What the selection reads of a scored program, and the size: decided in one place for the
# list, the what-ifs, the try-it page and the command (tiering.choosing).
candidate_of = choosing.candidate_of
facts_known = choosing.facts_known


def attach_explanations(profile: Profile, entries: Iterable[ListEntry]) -> None:
    """Score the entries' programs again and set ``entry.explanation`` (not stored)."""
    entries = list(entries)
    if not entries or not profile.is_complete:
        return
    results = scoring.score_programs(
        applicant=applicant_of(profile), programs=[cached_facts(e.program) for e in entries]
    )
    for entry, result in zip(entries, results, strict=True):
        entry.explanation = explanation_of(result, step2_score=profile.step2_score)


# ---------------------------------------------------------------------------------------------
# Building the list
# ---------------------------------------------------------------------------------------------


class ListChanged(Exception):
    """The list changed since the page was loaded (another tab, or the advisor)."""

    message = gettext_lazy("Your list was changed in another tab or by your advisor since this "
                           "page was loaded. Nothing was changed; the page now shows the "
                           "current list.")


@dataclass(frozen=True, slots=True)
class BuildResult:
    selection: selection.Selection
    came_in: list[Program]
    went_out: list[Program]


def applicant_list(profile: Profile) -> ApplicantList:
    return ApplicantList.objects.get_or_create(profile=profile)[0]


def list_rebuild(profile: Profile, *, actor: User | None = None,
                 cause: str = "Your profile changed") -> BuildResult:
    """Build the list from the profile, keeping every decision made by hand."""
    scored = score_scope(profile)
    by_id = {item.program.acgme_id: item for item in scored}
    with transaction.atomic():
        the_list = ApplicantList.objects.select_for_update().get_or_create(profile=profile)[0]
        # Programs from the process's snapshot, and only which entries have a history (not
        # the events themselves): a rebuild reads no more than it decides on.
        entries = {e.program.acgme_id: e for e in
                   scope.with_programs(ListEntry.objects.filter(profile=profile))}
        with_history = set(EntryEvent.objects.filter(entry__profile=profile)
                           .order_by().values_list("entry_id", flat=True).distinct())
        kept_ids = {code for code, e in entries.items()
                    if not e.excluded and (e.pinned or e.added or e.has_user_data
                                           or e.pk in with_history)}
        decisions = selection.Decisions(
            pinned=frozenset(i for i in kept_ids if not entries[i].added),
            added=frozenset(i for i in kept_ids if entries[i].added),
            removed=frozenset(i for i, e in entries.items() if e.excluded),
        )
        applicant = applicant_of(profile)
        states = profile.target_states or []
        chosen = choosing.choose(applicant=applicant, scored=scored, states=states,
                                 budget_usd=profile.budget_usd, decisions=decisions)
        note = short_note(chosen)
        if chosen.budget_limited:
            full = choosing.choose(applicant=applicant, scored=scored, states=states,
                                   budget_usd=None, decisions=decisions)
            note = budget_note(profile.budget_usd or 0, chosen, full)
        before = {i for i, e in entries.items() if e.in_scope and not e.excluded}
        came_in, went_out = [], []
        # Written in one statement each (new, changed, gone), not a query per row.
        to_create, to_update, to_delete = [], [], []
        for acgme_id, choice in chosen.chosen.items():
            item = by_id[acgme_id]
            entry = entries.get(acgme_id)
            if entry is None:
                entry = ListEntry(profile=profile, program=item.program)
                came_in.append(item.program)
            elif acgme_id not in before:
                came_in.append(item.program)
            code = choice.code
            if code == "pinned" and not entry.pinned:
                code = "tracked"  # kept because someone worked on it, not pinned
            computed = (True, STORED_TIER[item.result.tier], item.result.score,
                        item.result.confidence, _as_stored({"code": code,
                                                            "params": dict(choice.params)}))
            if entry.pk is not None and computed == (
                    entry.in_scope, entry.computed_tier, entry.score, entry.confidence,
                    entry.choice):
                continue  # a budget-only edit leaves most rows as they were: no write
            (entry.in_scope, entry.computed_tier, entry.score, entry.confidence,
             entry.choice) = computed
            (to_update if entry.pk is not None else to_create).append(entry)
        for acgme_id, entry in entries.items():
            if acgme_id in chosen.chosen:
                continue
            in_scope = acgme_id in by_id
            if entry.excluded or acgme_id in kept_ids:
                if entry.in_scope != in_scope:
                    entry.in_scope = in_scope
                    entry.save(update_fields=["in_scope"])
                if not in_scope and acgme_id in before:
                    went_out.append(entry.program)
                continue
            if acgme_id in before:
                went_out.append(entry.program)
            to_delete.append(entry.pk)
        ListEntry.objects.filter(pk__in=to_delete).delete()
        bulk.update_computed(to_update)
        ListEntry.objects.bulk_create(to_create, batch_size=500)
        built_at = timezone.now()
        ApplicantList.objects.filter(pk=the_list.pk).update(
            revision=F("revision") + 1, built_at=built_at,
            profile_version=profile.version,
            scoring_version=SCORING_VERSION, target=chosen.target,
            budget_limited=chosen.budget_limited, budget_note=note,
        )
        ListBuild.objects.create(
            profile=profile, actor=actor, cause=cause[:200], kept=len(before) - len(went_out),
            came_in=[{"acgme_id": p.acgme_id, "name": p.name} for p in came_in],
            went_out=[{"acgme_id": p.acgme_id, "name": p.name} for p in went_out],
        )
        # Keep the latest builds only: the changes by hand are in the entries' own history,
        # and an applicant who saves the profile often must not grow without bound.
        old = ListBuild.objects.filter(profile=profile).values_list("pk", flat=True)[
            BUILDS_KEPT:]
        ListBuild.objects.filter(pk__in=list(old)).delete()
    _remember_inputs(profile, built_at, the_list.revision + 1)
    return BuildResult(selection=chosen, came_in=came_in, went_out=went_out)


def _as_stored(value: dict) -> dict:
    # JSONField gives back lists for tuples: compare what the database would hold.
    return json.loads(json.dumps(value))


def budget_note(budget_usd: int, chosen: selection.Selection,
                full: selection.Selection) -> str:
    """What the budget did to the list, and what more money would buy: stored as its code and
    figures, and said in the reader's language by ``tiering.explain.budget_note_text``."""
    more = full.cost.total_usd - budget_usd
    if budget_usd < budget.FIXED_COSTS_USD:
        code, params = "below_fixed", {
            "budget": budget_usd, "fixed": budget.FIXED_COSTS_USD,
            "token": budget.ECFMG_ERAS_TOKEN_USD, "transcript": budget.USMLE_TRANSCRIPT_USD,
            "more": more, "full": full.size}
    elif chosen.size < chosen.tier_1_available:
        code, params = "below_tier_1", {
            "budget": budget_usd, "size": chosen.size, "tier_1": chosen.tier_1_available,
            "more": more, "full": full.size}
    else:
        code, params = "set_size", {
            "budget": budget_usd, "size": chosen.size, "full": full.size,
            "full_cost": full.cost.total_usd, "more": more}
    return json.dumps({"code": code, "params": params}, separators=(",", ":"))


def short_note(chosen: selection.Selection) -> str:
    """For a list the budget did not limit: how many candidates the rule could choose (and how
    many it left out for few IMGs), stored with the list so that a list below its target
    (after a removal, say) names its real limit (``tiering.explain.short_list``) without
    scoring the scope again."""
    if chosen.budget_limited:
        return ""
    return json.dumps({"code": "short", "params": {"eligible": chosen.eligible,
                                                    "few_imgs": chosen.few_imgs}},
                      separators=(",", ":"))


def list_recompute(profile: Profile) -> int:
    """Rebuild; returns the number of programs on the list."""
    return list_rebuild(profile).selection.size


def list_inputs(profile: Profile) -> str:
    """Everything of the profile that the scoring and the list are built from, as one key."""
    inputs = (applicant_of(profile), sorted(profile.target_specialties.values_list("pk",
                                                                                 flat=True)),
              sorted(profile.target_states or []), profile.budget_usd)
    return hashlib.sha256(repr(inputs).encode()).hexdigest()


def _inputs_key(profile: Profile) -> str:
    return f"list-inputs:{profile.pk}"


def _remember_inputs(profile: Profile, built_at: datetime, revision: int) -> None:
    cache.set(_inputs_key(profile), (list_inputs(profile), built_at.isoformat(), revision),
              INPUTS_TTL_SECONDS)


INPUTS_TTL_SECONDS = 30 * 24 * 3600  # a forgotten record only costs one rebuild


def list_update_after_save(profile: Profile) -> bool:
    """After a profile save: rebuild only when the save changed something the list is built
    from (or the list changed since it was built). True when it rebuilt.

    What the last build read is remembered in the cache; without that record (a cleared
    cache), the list is rebuilt, as it always was."""
    the_list = ApplicantList.objects.filter(profile=profile).first()
    if the_list is None or the_list.built_at is None \
            or the_list.scoring_version != SCORING_VERSION \
            or cache.get(_inputs_key(profile)) != (list_inputs(profile),
                                                   the_list.built_at.isoformat(),
                                                   the_list.revision):
        list_rebuild(profile)
        return True
    catalog_time = catalog_changed_at()
    if catalog_time is not None and catalog_time > the_list.built_at:
        list_rebuild(profile, cause="The catalog or the scoring model changed")
        return True
    # Nothing changed: the list is current for the saved profile (list_is_stale compares).
    built_at = timezone.now()
    ApplicantList.objects.filter(pk=the_list.pk).update(built_at=built_at,
                                                        profile_version=profile.version)
    _remember_inputs(profile, built_at, the_list.revision)
    return False


def catalog_changed_at() -> datetime | None:
    return catalog_latest_change()


def list_is_stale(profile: Profile, *, catalog_time: datetime | None = None) -> bool:
    try:
        the_list = profile.program_list  # cached when read with select_related("program_list")
    except ApplicantList.DoesNotExist:
        return True
    if the_list is None or the_list.built_at is None \
            or the_list.scoring_version != SCORING_VERSION:
        return True
    if the_list.profile_version != profile.version or profile.updated_at > the_list.built_at:
        return True
    catalog_time = catalog_time if catalog_time is not None else catalog_changed_at()
    return catalog_time is not None and catalog_time > the_list.built_at


def list_ensure_current(profile: Profile) -> bool:
    """Rebuild when stale; True when it did. An incomplete profile has no list to build."""
    if not profile.is_complete or not list_is_stale(profile):
        return False
    list_rebuild(profile, cause="The catalog or the scoring model changed")
    return True


# ---------------------------------------------------------------------------------------------
# Changes by hand: add, remove, pin (each raises the list's revision)
# ---------------------------------------------------------------------------------------------


class ListEditError(Exception):
    pass


def _bump(profile: Profile, revision: int | None) -> None:
    """Raise the list's revision; refuse when the page's revision is no longer current."""
    updated = ApplicantList.objects.filter(profile=profile)
    if revision is not None:
        updated = updated.filter(revision=revision)
    if not updated.update(revision=F("revision") + 1):
        raise ListChanged(ListChanged.message)


def _reason(profile: Profile, by: User, reason: str) -> str:
    reason = (reason or "").strip()
    if by.pk != profile.user_id and not reason:
        raise ListEditError(gettext("Say why: your client sees the reason in the list's "
                                    "history."))
    return reason


def entry_add(profile: Profile, program: Program, *, by: User, reason: str = "",
              revision: int | None = None) -> ListEntry:
    """Put a candidate on the list by hand. Not eligible programs cannot be added."""
    reason = _reason(profile, by, reason)
    [item] = score_scope_of(profile, [program])
    if not item.result.eligible:
        raise ListEditError(gettext("%(program)s is not eligible for you: %(reasons)s") % {
            "program": program.name,
            "reasons": "; ".join(translated(text) for text in item.result.hard_reasons)})
    with transaction.atomic():
        _bump(profile, revision)
        entry, created = ListEntry.objects.get_or_create(
            profile=profile, program=program,
            defaults={"computed_tier": STORED_TIER[item.result.tier],
                      "score": item.result.score, "confidence": item.result.confidence},
        )
        if not created and not entry.excluded and entry.in_scope:
            raise ListEditError(gettext("%(program)s is already on the list.")
                                % {"program": program.name})
        entry.excluded, entry.excluded_reason, entry.in_scope = False, "", True
        entry.added = True
        entry.choice = {"code": "added", "params": {}}
        entry.save()
        EntryEvent.objects.create(entry=entry, actor=by, kind=EntryEvent.Kind.ADD,
                                  after="On the list", text=reason)
    return entry


def entry_remove(entry: ListEntry, *, by: User, reason: str = "",
                 revision: int | None = None) -> ListEntry:
    reason = _reason(entry.profile, by, reason)
    if entry.excluded:
        raise ListEditError(gettext("%(program)s is not on the list.")
                            % {"program": entry.program.name})
    with transaction.atomic():
        _bump(entry.profile, revision)
        entry.excluded, entry.excluded_reason, entry.pinned = True, reason, False
        entry.save(update_fields=["excluded", "excluded_reason", "pinned"])
        EntryEvent.objects.create(entry=entry, actor=by, kind=EntryEvent.Kind.REMOVE,
                                  before="On the list", after="Removed", text=reason)
    return entry


def entry_pin(entry: ListEntry, *, by: User, pinned: bool, reason: str = "",
              revision: int | None = None) -> ListEntry:
    reason = _reason(entry.profile, by, reason)
    if entry.excluded:
        raise ListEditError(gettext("Put the program back on the list before pinning it."))
    with transaction.atomic():
        _bump(entry.profile, revision)
        entry.pinned = pinned
        entry.save(update_fields=["pinned"])
        EntryEvent.objects.create(
            entry=entry, actor=by, kind=EntryEvent.Kind.PIN if pinned else EntryEvent.Kind.UNPIN,
            text=reason,
        )
    return entry


def score_scope_of(profile: Profile, programs: Iterable[Program]) -> list[Scored]:
    programs = list(programs)
    facts = [cached_facts(p) for p in programs]
    results = scoring.score_programs(applicant=applicant_of(profile), programs=facts)
    return [Scored(p, f, r) for p, f, r in zip(programs, facts, results, strict=True)]
