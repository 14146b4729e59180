"""The changes made to a list by hand: add, remove, pin. Each raises the list's revision, so a
page loaded before another tab's (or the advisor's) change refuses to apply its own."""

from __future__ import annotations

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext, gettext_lazy

from applicants.models import Profile, User
from programs.models import Program
from tiering.explain import translated
from tiering.models import ApplicantList, EntryEvent, ListEntry
from tiering.scope import score_scope_of
from tiering.scored import STORED_TIER


class ListChanged(Exception):
    """The list changed since the page was loaded (another tab, or the advisor)."""

    message = gettext_lazy("Your list was changed in another tab or by your advisor since this "
                           "page was loaded. Nothing was changed; the page now shows the "
                           "current list.")


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


