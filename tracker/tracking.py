"""The applicant's tracking of each program (status, signal, dates, letters, fee, notes): an
uploaded tracker's rows (tracker/reading.py) compared with the list and applied all or nothing;
and the same fields changed one entry at a time from the app.

``tracker_diff`` compares the rows read from a workbook with the stored list; ``tracker_apply``
writes the changes in one transaction, or none if the list changed since the preview.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Count, Max
from django.utils import timezone

from applicants.models import Profile, User
from strategy.signals import SignalLimitError, problems_after
from tiering import budget, event_changes
from tiering.event_changes import FIELD_LABELS, display
from tiering.models import ApplicantList, EntryEvent, ListEntry
from tracker.cells import (  # noqa: F401 (CellError and the parsers are imported from here)
    CellError,
    normalize_notes,
    parse_date,
    unguard,
)
from tracker.export import ACGME_ID_HEADER
from tracker.reading import (  # noqa: F401 (the reading's names are imported from here too)
    TRACKING_FIELDS,
    RowError,
    TrackerFileError,
    UploadedRow,
    check_file,
    from_json,
    read_upload,
    to_json,
    tracker_read,
    upload_max_bytes,
)

SCHEDULE_FEES = frozenset({Decimal(budget.ERAS_FEE_FIRST_PROGRAMS_USD),
                           Decimal(budget.ERAS_FEE_LATER_PROGRAMS_USD)})
@dataclass(frozen=True, slots=True)
class FieldChange:
    field: str
    old: Any
    new: Any

    @property
    def label(self) -> str:
        return FIELD_LABELS[self.field]

    @property
    def old_text(self) -> str:
        return display(self.field, self.old)

    @property
    def new_text(self) -> str:
        return display(self.field, self.new)


@dataclass(frozen=True, slots=True)
class EntryChange:
    entry_id: int
    acgme_id: str
    program: str
    fields: tuple[FieldChange, ...]


@dataclass(frozen=True, slots=True)
class UploadPreview:
    changes: tuple[EntryChange, ...] = ()
    errors: tuple[RowError, ...] = ()
    rows_read: int = 0

    @property
    def field_changes(self) -> int:
        return sum(len(change.fields) for change in self.changes)


# ---------------------------------------------------------------------------------------------
# Values
# ---------------------------------------------------------------------------------------------


def current_values(entry: ListEntry) -> dict[str, Any]:
    values = {name: getattr(entry, name) for name in TRACKING_FIELDS}
    values["notes"] = normalize_notes(values["notes"])
    return values


# ---------------------------------------------------------------------------------------------
# Comparing and applying
# ---------------------------------------------------------------------------------------------


def tracker_diff(profile: Profile, rows: Sequence[UploadedRow],
                 ) -> tuple[list[EntryChange], list[RowError]]:
    """What the uploaded rows would change on the profile's list, and the rows that name a
    program not on it. Two queries, whatever the size of the file."""
    entries = {
        entry.program.acgme_id: entry
        for entry in ListEntry.objects.filter(profile=profile).select_related("program")
    }
    changes: list[EntryChange] = []
    errors: list[RowError] = []
    for row in rows:
        entry = entries.get(row.acgme_id)
        if entry is None:
            errors.append(RowError(row.row, ACGME_ID_HEADER, row.id_letter,
                                   f"{row.acgme_id} is not a program on your list"))
            continue
        before = current_values(entry)
        fields = []
        for name in TRACKING_FIELDS:
            if name not in row.values:
                continue  # the cell had an error, reported already
            new = row.values[name]
            # The Fee column shows an ERAS schedule fee where the user recorded none. Which of
            # the two a row showed depends on its place in the list when it was downloaded,
            # and that moves when a program leaves the list; so any schedule fee read back on a
            # row with no recorded fee records nothing.
            if name == "fee" and before["fee"] is None and new in SCHEDULE_FEES:
                new = None
            if new != before[name]:
                fields.append(FieldChange(name, before[name], new))
        if fields:
            changes.append(EntryChange(entry.pk, row.acgme_id, entry.program.name,
                                       tuple(fields)))
    return changes, errors


def tracker_preview(profile: Profile, data: bytes, *, name: str, size: int,
                    ) -> UploadPreview:
    """Read an uploaded tracker (in a child process with limits) and say what it would change;
    TrackerFileError when the file cannot be used at all, SandboxFailed when reading it was
    stopped."""
    rows, errors = read_upload(data, name=name, size=size)
    changes, unknown = tracker_diff(profile, rows)
    _check_signals(profile, changes)
    all_errors = sorted([*errors, *unknown], key=lambda e: (e.row, e.letter))
    if all_errors:
        return UploadPreview(errors=tuple(all_errors), rows_read=len(rows))
    return UploadPreview(changes=tuple(changes), rows_read=len(rows))


def _check_signals(profile: Profile, changes: Iterable[EntryChange]) -> None:
    """Refuse more signals than the season allows (strategy.season), naming the number."""
    signals = {change.entry_id: f.new for change in changes for f in change.fields
               if f.field == "signal"}
    if any(signals.values()):
        problems = problems_after(profile, signals)
        if problems:
            raise TrackerFileError("Too many signals: " + " ".join(problems)
                                   + " Change the Signal column and upload again.")


def list_stamp(profile: Profile) -> str:
    """Changes whenever the list is rebuilt or changed by hand, or any tracking changes."""
    state = ListEntry.objects.filter(profile=profile).aggregate(
        n=Count("pk"), tracked=Max("tracking_updated_at"))
    built = ApplicantList.objects.filter(profile=profile).values_list("revision", "built_at")
    return "|".join(str(part) for part in (state["n"], state["tracked"], built.first()))


def pending_of(profile: Profile, changes: Iterable[EntryChange], *, token: str,
               file_name: str) -> dict:
    """The preview as JSON, kept in the session until the user confirms it."""
    return {
        "token": token,
        "profile": profile.pk,
        "stamp": list_stamp(profile),
        "file": file_name,
        "changes": [
            {"entry": change.entry_id, "acgme_id": change.acgme_id, "program": change.program,
             "fields": {f.field: [to_json(f.field, f.old), to_json(f.field, f.new)]
                        for f in change.fields}}
            for change in changes
        ],
    }


def changes_of(pending: Mapping) -> list[EntryChange]:
    # In the tracker's column order: PostgreSQL's jsonb, where a pending upload is kept, does
    # not keep the order of an object's keys.
    return [
        EntryChange(
            entry_id=item["entry"], acgme_id=item["acgme_id"], program=item["program"],
            fields=tuple(FieldChange(name, from_json(name, item["fields"][name][0]),
                                     from_json(name, item["fields"][name][1]))
                         for name in TRACKING_FIELDS if name in item["fields"]),
        )
        for item in pending["changes"]
    ]


class ListChanged(Exception):
    """The list changed between the preview and the confirmation."""


def tracker_apply(profile: Profile, pending: Mapping, *, actor: User) -> int:
    """Apply a confirmed preview in one transaction; ListChanged (and nothing written) if the
    list changed since the preview. Returns the number of fields changed."""
    changes = changes_of(pending)
    with transaction.atomic():
        # Locking the profile row makes two confirmations of the same preview run one after
        # the other: the second sees the first one's stamp and is refused.
        Profile.objects.select_for_update().filter(pk=profile.pk).first()
        if list_stamp(profile) != pending["stamp"]:
            raise ListChanged
        entries = ListEntry.objects.select_for_update().in_bulk(
            [change.entry_id for change in changes])
        for change in changes:
            entry = entries.get(change.entry_id)
            if entry is None or entry.profile_id != profile.pk:
                raise ListChanged
            before = current_values(entry)
            if any(before[f.field] != f.old for f in change.fields):
                raise ListChanged
        return _write(
            [(entries[change.entry_id], change.fields) for change in changes],
            actor=actor, kind=EntryEvent.Kind.UPLOAD,
        )


def entry_update_tracking(entry: ListEntry, values: Mapping[str, Any], *, actor: User,
                          ) -> list[FieldChange]:
    """Change some tracking fields of one entry from the app; returns what changed."""
    before = current_values(entry)
    fields = [
        FieldChange(name, before[name], value)
        for name, value in values.items()
        if name in TRACKING_FIELDS and value != before[name]
    ]
    if any(f.field == "signal" and f.new for f in fields):
        problems = problems_after(entry.profile, {entry.pk: True})
        if problems:
            raise SignalLimitError(" ".join(problems))
    if fields:
        with transaction.atomic():
            _write([(entry, tuple(fields))], actor=actor, kind=EntryEvent.Kind.TRACKING)
    return fields


def _write(changes: Sequence[tuple[ListEntry, Sequence[FieldChange]]], *, actor: User,
           kind: str) -> int:
    """Save the changes, one history event per entry; returns the number of fields changed."""
    now = timezone.now()
    events = []
    for entry, fields in changes:
        for change in fields:
            setattr(entry, change.field, change.new)
        events.append(_event(entry, fields, actor=actor, kind=kind))
        entry.tracking_updated_at = now
    ListEntry.objects.bulk_update([entry for entry, _ in changes],
                                  [*TRACKING_FIELDS, "tracking_updated_at"], batch_size=500)
    EntryEvent.objects.bulk_create(events, batch_size=500)
    ApplicantList.touch(entry.profile_id for entry, _ in changes)  # bulk_update sends no signal
    return sum(len(fields) for _, fields in changes)


def _event(entry: ListEntry, fields: Sequence[FieldChange], *, actor: User,
           kind: str) -> EntryEvent:
    """One event for a save, however many fields it changed (one row per field made tracking
    the largest part of what an applicant stores), kept as one short line of raw values
    (tiering.event_changes); as words when the line cannot hold them."""
    changes = [(f.field, f.old, f.new) for f in fields]
    line = event_changes.encode(changes)
    if line is not None:
        return EntryEvent(entry=entry, actor=actor, kind=kind, changes=line)
    text, before, after = event_changes.shown_words(changes)
    return EntryEvent(entry=entry, actor=actor, kind=kind, text=text, before=before,
                      after=after)
