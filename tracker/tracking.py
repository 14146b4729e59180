"""The applicant's tracking of each program (status, signal, dates, letters, fee, notes): read
back from an uploaded tracker workbook, compared with the list, and applied all or nothing; and
the same fields changed one entry at a time from the app.

An upload is read in three steps: ``tracker_read`` turns the file into rows or refuses it with
messages naming the row and the column; ``tracker_diff`` compares those rows with the stored
list; ``tracker_apply`` writes the changes in one transaction, or none if the list changed
since the preview. Workbooks are untrusted: openpyxl parses them with defusedxml (installed
with the project), the size is checked before parsing and the unpacked size before loading.
"""

from __future__ import annotations

import time
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import IO, Any

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Max
from django.utils import timezone
from django.utils.translation import gettext
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from applicants.models import Profile, User
from programs.spreadsheets import SpreadsheetDamaged, SpreadsheetTooLarge, sheet_only
from strategy.signals import SignalLimitError, problems_after
from tiering import budget
from tiering.models import ApplicantList, EntryEvent, ListEntry, Status
from tracker.cells import (  # noqa: F401 (CellError and the parsers are imported from here)
    PARSERS,
    CellError,
    _blank,
    normalize_notes,
    parse_acgme_id,
    parse_date,
    unguard,
)
from tracker.export import (
    ACGME_ID_HEADER,
    SHEET_TRACKER,
    TRACKING_HEADERS,
)
from tracker.i18n import (
    canonical_header,
    tracker_sheet_name,
)

# The upload limit is a setting (bytes); 5 MB holds a tracker of several thousand programs.
DEFAULT_UPLOAD_MAX_BYTES = 5 * 1024 * 1024  # 5 MB
# A zip can unpack to far more than it weighs. These limits are checked from the zip's table of
# contents, before any XML is parsed, so a crafted file costs milliseconds. A downloaded tracker
# of 119 programs unpacks to 0.23 MB (about 1.3 KB a row), so 2,000 rows fit in 4 MB.
MAX_UNPACKED_BYTES = 10 * 1024 * 1024  # all parts of the workbook together
MAX_SHEET_BYTES = 4 * 1024 * 1024  # one sheet's XML
MAX_ROWS = 2_000  # a list holds 80-120 programs; the margin is for hand additions
# A damaged file or a heavy sheet within the limits must still not hold a web worker: reading
# stops with a clear message after this long (checked every few rows).
READ_SECONDS = 1.5  # from the start of reading, opening included
SCHEDULE_FEES = frozenset({Decimal(budget.ERAS_FEE_FIRST_PROGRAMS_USD),
                           Decimal(budget.ERAS_FEE_LATER_PROGRAMS_USD)})

TRACKING_FIELDS: tuple[str, ...] = tuple(TRACKING_HEADERS)
FIELD_LABELS: dict[str, str] = {
    "status": "Status",
    "signal": "Signal",
    "date_applied": "Date applied",
    "interview_date": "Interview date",
    "letters_sent": "Letters sent",
    "fee": "Fee",
    "notes": "Notes",
}


def upload_max_bytes() -> int:
    return getattr(settings, "TRACKER_UPLOAD_MAX_BYTES", DEFAULT_UPLOAD_MAX_BYTES)


class TrackerFileError(Exception):
    """The file as a whole cannot be used; the message says why."""


@dataclass(frozen=True, slots=True)
class RowError:
    row: int
    column: str  # the header
    letter: str
    message: str

    def __str__(self) -> str:
        return f"Row {self.row}, column {self.letter} ({self.column}): {self.message}"


@dataclass(frozen=True, slots=True)
class UploadedRow:
    row: int
    acgme_id: str
    id_letter: str  # the ACGME id's column, to name it in a message
    values: Mapping[str, Any]  # by ListEntry field, already parsed


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


def display(field_name: str, value: Any) -> str:
    if value is None or value == "":
        return "—"
    if field_name == "status":
        return str(Status(value).label)
    if field_name == "signal":
        return "Yes" if value else "No"
    if field_name == "fee":
        return f"${Decimal(value):,.2f}"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def to_json(field_name: str, value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def from_json(field_name: str, value: Any) -> Any:
    if value is None:
        return None
    if field_name in ("date_applied", "interview_date"):
        return date.fromisoformat(value)
    if field_name == "fee":
        return Decimal(value)
    return value


def current_values(entry: ListEntry) -> dict[str, Any]:
    values = {name: getattr(entry, name) for name in TRACKING_FIELDS}
    values["notes"] = normalize_notes(values["notes"])
    return values


# ---------------------------------------------------------------------------------------------
# Reading the file
# ---------------------------------------------------------------------------------------------


MEGABYTE = 1024 * 1024


def _size(size: int) -> str:
    if size >= MEGABYTE:
        return f"{size / MEGABYTE:.2f}".rstrip("0").rstrip(".") + " MB"
    return f"{max(1, round(size / 1024))} KB"


def check_file(name: str, size: int) -> None:
    """The checks that need no parsing: the name and the size."""
    limit = upload_max_bytes()
    if size > limit:
        raise TrackerFileError(
            f"The file is {_size(size)}, over the {_size(limit)} limit. "
            "Upload the tracker workbook you downloaded, without added pictures or sheets."
        )
    # The name is only a hint: what the file holds decides (a workbook renamed .xls still
    # opens), except for CSV, which cannot carry the tracker's columns and checks.
    if name.lower().endswith(".csv"):
        raise TrackerFileError(gettext(
            "“%(name)s” is a CSV file; CSV files cannot be uploaded. Open it in Excel or "
            "LibreOffice and save it as .xlsx (Excel Workbook), or upload the tracker you "
            "downloaded.") % {"name": name})


def _open_workbook(file: IO[bytes], name: str) -> Any:
    old_format = name.lower().endswith((".xls", ".ods"))
    not_a_workbook = TrackerFileError((gettext(
        "“%(name)s” could not be opened as an Excel workbook (.xlsx): it looks like an older "
        "spreadsheet format. Save it from Excel or LibreOffice as .xlsx (Excel Workbook) and "
        "try again.") if old_format else gettext(
        "“%(name)s” could not be opened as an Excel workbook (.xlsx). Save it from Excel or "
        "LibreOffice as .xlsx (Excel Workbook) and try again.")) % {"name": name})
    try:
        file = sheet_only(file, max_total=MAX_UNPACKED_BYTES, max_sheet=MAX_SHEET_BYTES,
                          sheet=tracker_sheet_name)
    except SpreadsheetTooLarge:
        raise TrackerFileError(f"“{name}” is too large once unpacked for a tracker of one "
                               f"list (at most {MAX_ROWS:,} programs); upload the tracker "
                               "workbook you downloaded.") from None
    except SpreadsheetDamaged:
        raise TrackerFileError(
            f"“{name}” could not be read: part of the file is damaged. Open it in Excel or "
            "LibreOffice, save it again as .xlsx and upload that file.") from None
    except (zipfile.BadZipFile, OSError, ValueError):
        raise not_a_workbook from None
    try:
        file.seek(0)
        values = load_workbook(file, read_only=True, data_only=True)
        file.seek(0)
        # The same file with formulas as written: a formula cell that no spreadsheet program
        # computed has no value, and must not read as a cleared cell.
        formulas = load_workbook(file, read_only=True, data_only=False)
        return values, formulas
    except Exception:  # openpyxl raises many kinds on a damaged or foreign file
        raise not_a_workbook from None


def tracker_read(file: IO[bytes], *, name: str, size: int) -> tuple[list[UploadedRow],
                                                                     list[RowError]]:
    """The rows of an uploaded tracker, parsed; or every cell error, with row and column.

    Raises TrackerFileError when the file as a whole cannot be used. Columns are found by
    their header in row 1, so moved or added columns do no harm.
    """
    deadline = time.monotonic() + READ_SECONDS
    check_file(name, size)
    workbook, formulas = _open_workbook(file, name)
    try:
        # The workbook may be in any of the site's languages ("Tracker", "Seguimiento", ...).
        sheet_name = tracker_sheet_name(workbook.sheetnames)
        if sheet_name is None:
            raise TrackerFileError(
                f"The workbook has no sheet named “{SHEET_TRACKER}”. Upload the tracker you "
                f"downloaded from this site (its sheets: Summary, Tracker, Sources); found: "
                f"{', '.join(workbook.sheetnames[:10])}."
            )
        sheet, written = workbook[sheet_name], formulas[sheet_name]
        # Other programs may store wrong dimensions; read them all.
        sheet.reset_dimensions()
        written.reset_dimensions()
        try:
            return _read_rows(sheet, written, deadline=deadline)
        except TrackerFileError:
            raise
        except Exception:  # a damaged sheet fails only while its rows are read
            raise TrackerFileError(
                f"“{name}” could not be read: part of the {SHEET_TRACKER} sheet is damaged. "
                "Open it in Excel or LibreOffice, save it again as .xlsx and upload that file."
            ) from None
    finally:
        workbook.close()
        formulas.close()


def _read_rows(sheet: Any, written: Any, *, deadline: float,
               ) -> tuple[list[UploadedRow], list[RowError]]:
    # Only the columns the upload uses (a padded sheet's other cells are not kept).
    rows = sheet.iter_rows(values_only=True)
    written_rows = written.iter_rows(values_only=True)
    next(written_rows, None)
    header = next(rows, None) or ()
    positions: dict[str, int] = {}
    for index, title in enumerate(header):
        if isinstance(title, str) and title.strip():
            positions.setdefault(canonical_header(title), index)
    wanted = {"acgme_id": ACGME_ID_HEADER, **TRACKING_HEADERS}
    missing = [title for title in wanted.values() if title not in positions]
    if missing:
        raise TrackerFileError(
            f"The {SHEET_TRACKER} sheet has no column "
            + ", ".join(f"“{title}”" for title in missing)
            + " in row 1. Keep the header row of the tracker you downloaded."
        )
    columns = {name: positions[title] for name, title in wanted.items()}

    letters = {name: get_column_letter(index + 1) for name, index in columns.items()}
    parsed: list[UploadedRow] = []
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    last = max(columns.values())
    for number, cells in enumerate(rows, start=2):
        as_written = next(written_rows, None) or ()
        if number - 1 > MAX_ROWS:
            raise TrackerFileError(f"The {SHEET_TRACKER} sheet has more than {MAX_ROWS:,} rows; "
                                   "upload the tracker you downloaded.")
        if time.monotonic() > deadline:
            raise TrackerFileError(f"The {SHEET_TRACKER} sheet takes too long to read; upload "
                                   "the tracker you downloaded, without added columns.")
        if len(cells) > last + 1:
            cells = cells[:last + 1]
        raw = {name: cells[index] if index < len(cells) else None
               for name, index in columns.items()}
        # A formula without a computed value: leave that field as it is.
        unread = {name for name, index in columns.items()
                  if raw[name] is None and index < len(as_written)
                  and isinstance(as_written[index], str) and as_written[index].startswith("=")}
        if all(_blank(value) for value in raw.values()):
            continue  # an empty row, or one the user added for their own sums
        row_errors: list[tuple[str, str]] = []
        values: dict[str, Any] = {}
        acgme_id = ""
        if _blank(raw["acgme_id"]):
            row_errors.append(("acgme_id", "is empty; every row needs the program's ACGME id"))
        else:
            try:
                acgme_id = parse_acgme_id(raw["acgme_id"])
            except CellError as problem:
                row_errors.append(("acgme_id", str(problem)))
        if acgme_id in seen:
            row_errors.append(("acgme_id", f"{acgme_id} is already in row {seen[acgme_id]}"))
            acgme_id = ""
        for name in TRACKING_FIELDS:
            if name in unread:
                continue
            try:
                values[name] = PARSERS[name](raw[name])
            except CellError as problem:
                row_errors.append((name, str(problem)))
        errors += [RowError(number, wanted[name], letters[name], message)
                   for name, message in row_errors]
        if acgme_id:
            seen[acgme_id] = number
            parsed.append(UploadedRow(row=number, acgme_id=acgme_id,
                                      id_letter=letters["acgme_id"], values=values))
    return parsed, errors


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


def tracker_preview(profile: Profile, file: IO[bytes], *, name: str, size: int,
                    ) -> UploadPreview:
    """Read an uploaded tracker and say what it would change; TrackerFileError when the file
    cannot be used at all."""
    rows, errors = tracker_read(file, name=name, size=size)
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
    return [
        EntryChange(
            entry_id=item["entry"], acgme_id=item["acgme_id"], program=item["program"],
            fields=tuple(FieldChange(name, from_json(name, old), from_json(name, new))
                         for name, (old, new) in item["fields"].items()),
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
    now = timezone.now()
    events = []
    for entry, fields in changes:
        for change in fields:
            setattr(entry, change.field, change.new)
            events.append(EntryEvent(
                entry=entry, actor=actor, kind=kind, text=change.label,
                before=change.old_text[:200], after=change.new_text[:200],
            ))
        entry.tracking_updated_at = now
    ListEntry.objects.bulk_update([entry for entry, _ in changes],
                                  [*TRACKING_FIELDS, "tracking_updated_at"], batch_size=500)
    EntryEvent.objects.bulk_create(events, batch_size=500)
    return len(events)

