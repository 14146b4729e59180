"""Reading an uploaded tracker workbook into rows, or refusing it with messages naming the row
and the column.

Workbooks are untrusted: openpyxl parses them with defusedxml (installed with the project), the
size is checked before parsing and the unpacked size before loading, and the whole reading runs
in a child process with a hard time and memory limit (``read_upload``, tracker/sandbox.py), in
a task-queue worker (tracker/tasks.py), never in a web worker.
"""

from __future__ import annotations

import io
import time
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import IO, Any

from django.conf import settings
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from programs.spreadsheets import SpreadsheetDamaged, SpreadsheetTooLarge, sheet_only
from tracker.cells import (
    PARSERS,
    CellError,
    _blank,
    parse_acgme_id,
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
from tracker.sandbox import run_limited

# The upload limit is a setting (bytes); 5 MB holds a tracker of several thousand programs.
DEFAULT_UPLOAD_MAX_BYTES = 5 * 1024 * 1024  # 5 MB
# A zip can unpack to far more than it weighs. These limits are checked from the zip's table of
# contents, before any XML is parsed, so a crafted file costs milliseconds. A downloaded tracker
# of 119 programs unpacks to 0.23 MB (about 1.3 KB a row), so 2,000 rows fit in 4 MB.
MAX_UNPACKED_BYTES = 10 * 1024 * 1024  # all parts of the workbook together
MAX_SHEET_BYTES = 4 * 1024 * 1024  # one sheet's XML
MAX_ROWS = 2_000  # a list holds 80-120 programs; the margin is for hand additions
# A heavy sheet within the limits stops with a message naming the sheet when this share of the
# child's hard limit (TRACKER_READ_SECONDS) is spent (checked every few rows); the hard limit
# covers the rest, opening the workbook included. A fixed 1.5 s here refused real trackers on
# a busy machine once reading moved to a worker.
READ_SHARE = 0.8

TRACKING_FIELDS: tuple[str, ...] = tuple(TRACKING_HEADERS)


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
        raise TrackerFileError(
            f"“{name}” is a CSV file; CSV files cannot be uploaded. Open it in Excel or "
            "LibreOffice and save it as .xlsx (Excel Workbook), or upload the tracker you "
            "downloaded."
        )


def _open_workbook(file: IO[bytes], name: str) -> Any:
    old_format = name.lower().endswith((".xls", ".ods"))
    not_a_workbook = TrackerFileError(
        f"“{name}” could not be opened as an Excel workbook (.xlsx)"
        + (": it looks like an older spreadsheet format" if old_format else "")
        + ". Save it from Excel or LibreOffice as .xlsx (Excel Workbook) and try again."
    )
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
    except MemoryError:
        raise  # the child's memory limit: said as such, not as a damaged file
    except Exception:  # openpyxl raises many kinds on a damaged or foreign file
        raise not_a_workbook from None


def tracker_read(file: IO[bytes], *, name: str, size: int) -> tuple[list[UploadedRow],
                                                                     list[RowError]]:
    """The rows of an uploaded tracker, parsed; or every cell error, with row and column.

    Raises TrackerFileError when the file as a whole cannot be used. Columns are found by
    their header in row 1, so moved or added columns do no harm.
    """
    deadline = time.monotonic() + settings.TRACKER_READ_SECONDS * READ_SHARE
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
        except (TrackerFileError, MemoryError):
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
# Reading in a child process with limits
# ---------------------------------------------------------------------------------------------


def _read_as_json(data: bytes, name: str, size: int) -> dict:
    try:
        rows, errors = tracker_read(io.BytesIO(data), name=name, size=size)
    except TrackerFileError as problem:
        return {"file_error": str(problem)}
    return {
        "rows": [[row.row, row.acgme_id, row.id_letter,
                  {field: to_json(field, value) for field, value in row.values.items()}]
                 for row in rows],
        "errors": [[error.row, error.column, error.letter, error.message] for error in errors],
    }


def read_upload(data: bytes, *, name: str, size: int,
                ) -> tuple[list[UploadedRow], list[RowError]]:
    """``tracker_read`` in a child process that is killed past TRACKER_READ_SECONDS or
    TRACKER_READ_MEMORY_MB: TrackerFileError as ``tracker_read``, SandboxFailed when killed."""
    answer = run_limited(lambda: _read_as_json(data, name, size),
                         seconds=settings.TRACKER_READ_SECONDS,
                         memory_mb=settings.TRACKER_READ_MEMORY_MB)
    if "file_error" in answer:
        raise TrackerFileError(answer["file_error"])
    rows = [UploadedRow(row=row, acgme_id=acgme_id, id_letter=letter,
                        values={field: from_json(field, value)
                                for field, value in values.items()})
            for row, acgme_id, letter, values in answer["rows"]]
    return rows, [RowError(*error) for error in answer["errors"]]
