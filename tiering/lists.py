"""The stored list: building it from the scored scope, and keeping it current.

Only the list is stored (``ListEntry``: the programs applied to, and the ones removed by hand);
candidates are scored from the catalog when a page needs them (``tiering.scope``). A list is
rebuilt when the profile is saved, and lazily when the catalog or the scoring model changed
since; a rebuild keeps every pinned, added and removed program and everything tracked (the
changes by hand are in ``tiering.edits``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from django.core.cache import cache
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from applicants.models import Profile, User
from programs.models import Program
from programs.versions import catalog_latest_change
from tiering import budget, bulk, choice_field, choosing, selection
from tiering.models import ApplicantList, EntryEvent, ListBuild, ListEntry, ListGroups
from tiering.scope import (
    first_candidates_to_store,
    keep_ranks,
    score_scope,
    snapshot,
    with_programs,
)
from tiering.scored import (
    INPUTS_TTL_SECONDS,
    SCORING_VERSION,
    STORED_TIER,
    applicant_of,
    list_inputs,
)
from tiering.what_if import budget_what_if_to_store

BUILDS_KEPT = 20  # per applicant


# ---------------------------------------------------------------------------------------------
# Building the list
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BuildResult:
    selection: selection.Selection
    came_in: list[Program]
    went_out: list[Program]


def applicant_list(profile: Profile) -> ApplicantList:
    return ApplicantList.objects.get_or_create(profile=profile)[0]


def list_read(profile: Profile) -> ApplicantList:
    """The list's row as read with the profile (``select_related("program_list")``, as the
    page's key read it) or read again by ``list_ensure_current`` after a rebuild; read (or
    made) now when neither did."""
    try:
        return profile.program_list
    except ApplicantList.DoesNotExist:
        return applicant_list(profile)


class Kept(NamedTuple):
    """What a list's build kept beside its entries (ListGroups)."""

    groups: str
    budget_what_if: dict | None
    first_candidates: dict | None


def list_kept(profile: Profile) -> Kept:
    """The list's stored groups, and the budget what-if and candidates' first page its build
    kept (ListGroups), in one query."""
    row = ListGroups.objects.filter(profile=profile).values_list(
        "groups", "budget_what_if", "first_candidates").first() or ("", None, None)
    return Kept(row[0] or "", row[1], row[2])


def list_groups(profile: Profile) -> str:
    """The list's stored groups (ListGroups; choice_field.attach_groups reads them)."""
    return list_kept(profile).groups


def list_entries(profile: Profile, *, also: Iterable[int] = ()) -> list[ListEntry]:
    """The list's entries in scope (on the list and removed), each with its program from the
    process's catalog snapshot. ``also``: other programs (ids) the caller shows, read with
    theirs."""
    return with_programs(ListEntry.objects.filter(profile=profile, in_scope=True), also=also)


def first_candidate_ids(stored: dict | None) -> list[int]:
    """The programs of the candidates' first page kept with the list, and of the next
    candidates its rows name (``tiering.scope.first_candidates``)."""
    stored = stored or {}
    return [*stored.get("programs", ()), *stored.get("next", ())]


def list_rebuild(profile: Profile, *, actor: User | None = None,
                 cause: str = "Your profile changed", keep: bool = True) -> BuildResult:
    """Build the list from the profile, keeping every decision made by hand. ``keep``: keep
    the scope's ranks for the list page (not for a batch of lists nobody is looking at)."""
    catalog = snapshot()
    scored = score_scope(profile, catalog=catalog)
    if keep:
        # The list page this build leads to needs the scope's ranks: kept, not scored again.
        keep_ranks(profile, scored, version=catalog.version)
    by_id = {item.program.acgme_id: item for item in scored}
    with transaction.atomic():
        the_list = ApplicantList.objects.select_for_update().get_or_create(profile=profile)[0]
        # Programs from the process's snapshot, and only which entries have a history (not
        # the events themselves): a rebuild reads no more than it decides on.
        entries = {e.program.acgme_id: e for e in
                   with_programs(ListEntry.objects.filter(profile=profile))}
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
        groups: dict[tuple[int, str], dict] = {}
        stored = list_kept(profile)
        old_groups = choice_field.decode_groups(stored.groups)
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
            # The entry keeps its own part of the choice; its tier and specialty's part is
            # kept once per list (ListGroups).
            own, group = choice_field.split(_as_stored({"code": code,
                                                        "params": dict(choice.params)}))
            if group is not None:
                groups[group[0]] = group[1]
            computed = (True, STORED_TIER[item.result.tier], item.result.score,
                        item.result.confidence, own)
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
                # Its choice, from an earlier build, keeps the words it had.
                whole = choice_field.keep_group(entry.choice, old_groups, groups)
                changed = []
                if whole is not None:
                    entry.choice = whole
                    changed.append("choice")
                if entry.in_scope != in_scope:
                    entry.in_scope = in_scope
                    changed.append("in_scope")
                if changed:  # one write for both
                    entry.save(update_fields=changed)
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
        # The list page's budget what-if and candidates' first page, kept with the list: a
        # worker whose cache is empty shows the page without three selections over the scope,
        # nor ranking it.
        what_if, first = stored.budget_what_if, stored.first_candidates
        if keep:
            after = list_entries(profile)
            what_if = budget_what_if_to_store(profile, scored, after, applicant)
            first = first_candidates_to_store(
                profile, scored, {e.program_id for e in after}, version=catalog.version,
                following=[by_id[g["next_id"]].program.pk for g in groups.values()
                           if g.get("next_id") in by_id])
        # Written only when the build changed them (most rebuilds do not), in one write.
        to_keep: dict = {}
        encoded = choice_field.encode_groups(groups)
        if encoded != stored.groups:
            to_keep["groups"] = encoded
        for name, value in (("budget_what_if", what_if), ("first_candidates", first)):
            if json.loads(json.dumps(value)) != getattr(stored, name):  # as read back
                to_keep[name] = value
        if to_keep:
            ListGroups.objects.update_or_create(profile=profile, defaults=to_keep)
        ListBuild.objects.create(
            profile=profile, actor=actor, cause=cause[:200], kept=len(before) - len(went_out),
            # The programs that came in are in the catalog, which names them when the history
            # is read (most of a first build's list); the ones that went out may have left it.
            came_in=[p.acgme_id for p in came_in],
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
    """The choice as the entry keeps it (compared with the stored one to skip a write). The
    next candidate is kept by its ACGME id alone: its name, the same on every entry of a tier
    and specialty, is read from the catalog when shown (tiering.choice_field)."""
    params = value.get("params") or {}
    if "next_id" in params:
        value = {**value, "params": {k: v for k, v in params.items() if k != "next_name"}}
    # JSONField gives back lists for tuples: compare what the database would hold.
    return json.loads(json.dumps(value))


def short_note(chosen: selection.Selection) -> str:
    """For a list the budget did not limit: how many candidates the rule could choose (and how
    many it left out for few IMGs), stored with the list so that a list below its target
    (after a removal, say) names its real limit (``tiering.list_summary.short_list``) without
    scoring the scope again."""
    if chosen.budget_limited:
        return ""
    return json.dumps({"code": "short", "params": {"eligible": chosen.eligible,
                                                    "few_imgs": chosen.few_imgs}},
                      separators=(",", ":"))


def budget_note(budget_usd: int, chosen: selection.Selection,
                full: selection.Selection) -> str:
    """What the budget did to the list, and what more money would buy: stored as its code and
    figures, and said in the reader's language by ``tiering.list_summary.budget_note_text``."""
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


def list_recompute(profile: Profile) -> int:
    """Rebuild; returns the number of programs on the list."""
    return list_rebuild(profile).selection.size


def _inputs_key(profile: Profile) -> str:
    return f"list-inputs:{profile.pk}"


def _remember_inputs(profile: Profile, built_at: datetime, revision: int) -> None:
    cache.set(_inputs_key(profile), (list_inputs(profile), built_at.isoformat(), revision),
              INPUTS_TTL_SECONDS)


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


def list_ensure_current(profile: Profile, *, keep: bool = True) -> bool:
    """Rebuild when stale; True when it did. An incomplete profile has no list to build.
    ``keep``: as for ``list_rebuild``."""
    if not profile.is_complete or not list_is_stale(profile):
        return False
    list_rebuild(profile, cause="The catalog or the scoring model changed", keep=keep)
    # The row read with the profile is the list before the rebuild: what the caller reads of
    # it now (its revision, a page's key) is the rebuilt list's.
    profile.program_list = ApplicantList.objects.get(profile=profile)
    return True


