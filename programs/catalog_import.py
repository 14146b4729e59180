"""Import a program catalog from CSV or XLSX: validate every row, then upsert all or nothing.

The file format is documented in docs/catalog-format.md. Reading uses pandas with every cell
as text, so that "0400121010" keeps its leading zero and nothing is guessed for us.
"""

from __future__ import annotations

import math
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
from django.db import transaction
from django.utils import timezone

from programs import current
from programs.catalog_columns import (
    FACT_COLUMNS,
    OTHER_VALUES,
    PROVENANCE_COLUMNS,
    CellError,
    read_acgme_id,
    read_other_values,
)
from programs.geo import distance_to_polyline_km, load_border_line
from programs.models import (
    BORDER_REGION_KM,
    Program,
    Specialty,
    TriState,
)
from programs.spreadsheets import SpreadsheetTooLarge, check_unpacked_size
from programs.versions import bump_catalog_version

KNOWN_COLUMNS = {"acgme_id", *FACT_COLUMNS, *PROVENANCE_COLUMNS, OTHER_VALUES}
REQUIRED_FOR_NEW = ("name", "city", "state")
# Model fields written by the import (specialty_* become the specialty foreign key).
MODEL_FIELDS = [
    *(c for c in FACT_COLUMNS if c not in {"specialty_code", "specialty_name"}), OTHER_VALUES
]
UNKNOWN_VALUES = {TriState.UNKNOWN, "", None}


@dataclass(frozen=True)
class RowError:
    row: int  # as a spreadsheet numbers it: the header is row 1
    column: str
    message: str

    def __str__(self) -> str:
        where = f"row {self.row}" + (f", column {self.column}" if self.column else "")
        return f"{where}: {self.message}"


@dataclass
class ImportResult:
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    new_specialties: list[str] = field(default_factory=list)
    specialty_names: dict[str, str] = field(default_factory=dict)  # code -> name, new ones

    @property
    def ok(self) -> bool:
        return not self.errors


class CatalogFileError(Exception):
    """The file as a whole cannot be read (wrong type, unreadable, no header)."""


# Checked from the zip's table of contents before anything is parsed. The shipped catalog of
# 5,216 programs is 2.2 MB as CSV; as a workbook it unpacks to a few times that.
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
MAX_SHEET_BYTES = 80 * 1024 * 1024


def read_table(path: Path, *, max_bytes: int | None = None) -> pd.DataFrame:
    if not path.exists():
        raise CatalogFileError(f"{path} does not exist")
    if max_bytes is not None and path.stat().st_size > max_bytes:
        raise CatalogFileError(f"{path} is larger than {max_bytes // (1024 * 1024)} MB")
    suffix = path.suffix.lower()
    if suffix not in {".csv", ".xlsx", ".xlsm"}:
        raise CatalogFileError(f"{path.name}: only .csv and .xlsx files can be imported")
    if suffix != ".csv":
        try:
            check_unpacked_size(path, max_total=MAX_UNPACKED_BYTES, max_sheet=MAX_SHEET_BYTES)
        except SpreadsheetTooLarge as exc:
            raise CatalogFileError(f"{path.name}: {exc}") from None
        except zipfile.BadZipFile:
            raise CatalogFileError(
                f"{path.name} is not an Excel workbook (.xlsx), whatever its name says: save "
                "it from Excel or LibreOffice as .xlsx, or as .csv") from None
    try:
        if suffix == ".csv":
            options: dict[str, Any] = {"dtype": str, "keep_default_na": False,
                                       "encoding": "utf-8-sig", "na_filter": False}
            header = pd.read_csv(path, header=None, nrows=1, **options)
            frame = pd.read_csv(path, **options)
        else:
            options = {"dtype": str, "keep_default_na": False, "engine": "openpyxl"}
            header = pd.read_excel(path, header=None, nrows=1, **options)
            frame = pd.read_excel(path, **options)
    except Exception as exc:  # pandas and openpyxl raise many kinds on a damaged file
        raise CatalogFileError(f"{path.name} could not be read: {exc}") from None
    # pandas renames a repeated column ("name", "name.1"); the header as written says which.
    titles = [str(c).strip() for c in header.iloc[0]] if len(header) else []
    repeated = sorted({t for t in titles if t and titles.count(t) > 1})
    if repeated:
        raise CatalogFileError(f"{path.name}: row 1 has the column {', '.join(repeated)} twice; "
                               "keep one")
    frame.columns = [str(c).strip() for c in frame.columns]
    return frame.fillna("")


def _cell(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value).strip()


@dataclass
class ParsedRow:
    number: int
    acgme_id: str
    values: dict[str, Any]  # only the columns present in the file
    provenance: dict[str, dict[str, Any]]  # only the keys the file speaks about


def parse_rows(
    frame: pd.DataFrame, *, default_source: str, default_year: int | None
) -> tuple[list[ParsedRow], list[RowError]]:
    errors: list[RowError] = []
    columns = list(frame.columns)
    if "acgme_id" not in columns:
        return [], [RowError(1, "acgme_id", "the header has no acgme_id column")]
    for column in columns:
        if column not in KNOWN_COLUMNS:
            errors.append(
                RowError(1, column, "unknown column (see docs/catalog-format.md for the names)")
            )
    duplicates = [c for c in set(columns) if columns.count(c) > 1]
    for column in duplicates:
        errors.append(RowError(1, column, "the column appears twice"))
    if errors:
        return [], errors

    fact_columns = [c for c in columns if c in FACT_COLUMNS]
    prov_columns = [c for c in columns if c in PROVENANCE_COLUMNS]
    rows: list[ParsedRow] = []
    seen: dict[str, int] = {}
    for index, record in enumerate(frame.itertuples(index=False, name=None)):
        number = index + 2
        cells = {column: _cell(value) for column, value in zip(columns, record, strict=True)}
        if not any(cells.values()):
            continue  # spreadsheets often end with blank rows
        try:
            acgme_id = read_acgme_id(cells["acgme_id"])
        except CellError as exc:
            errors.append(RowError(number, "acgme_id", str(exc)))
            continue
        if acgme_id in seen:
            errors.append(
                RowError(number, "acgme_id", f"{acgme_id} already appears on row {seen[acgme_id]}")
            )
            continue
        seen[acgme_id] = number

        values: dict[str, Any] = {}
        for column in fact_columns:
            parser, _key, empty = FACT_COLUMNS[column]
            text = cells[column]
            if not text or text.lower() == "unknown":
                if column in REQUIRED_FOR_NEW:
                    # A program always has a name and a place: an empty cell tells nothing
                    # new, so the catalog keeps its value (a new program needs all three).
                    continue
                values[column] = empty
                continue
            try:
                values[column] = parser(text)
            except CellError as exc:
                errors.append(RowError(number, column, str(exc)))
        if OTHER_VALUES in cells:
            try:
                values[OTHER_VALUES] = (
                    read_other_values(cells[OTHER_VALUES]) if cells[OTHER_VALUES] else []
                )
            except CellError as exc:
                errors.append(RowError(number, OTHER_VALUES, str(exc)))
        if values.get("specialty_code") is not None and values["specialty_code"] != acgme_id[:3]:
            errors.append(
                RowError(
                    number,
                    "specialty_code",
                    f"{values['specialty_code']} does not match the id {acgme_id}, whose first "
                    "three digits are the specialty code",
                )
            )

        provenance: dict[str, dict[str, Any]] = {}
        for column in prov_columns:
            key, parser = PROVENANCE_COLUMNS[column]
            text = cells[column]
            if not text:
                continue
            try:
                provenance.setdefault(key, {})[column.rsplit("_", 1)[1]] = parser(text)
            except CellError as exc:
                errors.append(RowError(number, column, str(exc)))
        rows.append(ParsedRow(number, acgme_id, values, provenance))
    _fill_default_provenance(rows, fact_columns, default_source, default_year)
    return rows, errors


def _fill_default_provenance(
    rows: Iterable[ParsedRow], fact_columns: list[str], source: str, year: int | None
) -> None:
    """A known fact with no source of its own is attributed to the file it came from."""
    for row in rows:
        for column in fact_columns:
            key = FACT_COLUMNS[column][1]
            if row.values.get(column) in UNKNOWN_VALUES or "source" in row.provenance.get(key, {}):
                continue
            entry = row.provenance.setdefault(key, {})
            entry["source"] = source
            if year is not None:
                entry.setdefault("year", year)


def _border_fields(
    row: ParsedRow, values: dict[str, Any], line: list[tuple[float, float]] | None
) -> None:
    distance = values.get("border_distance_km")
    if distance is None and line is not None:
        lat, lon = values.get("latitude"), values.get("longitude")
        if lat is not None and lon is not None:
            distance = round(distance_to_polyline_km(lat, lon, line), 1)
            values["border_distance_km"] = distance
            row.provenance["border_distance_km"] = {"source": "natural-earth"}
    values["in_border_region"] = None if distance is None else distance <= BORDER_REGION_KM


def import_catalog(
    frame: pd.DataFrame,
    *,
    default_source: str,
    default_year: int | None = None,
    dry_run: bool = False,
) -> ImportResult:
    """Validate every row, then create or update programs by ACGME id: all rows or none."""
    rows, errors = parse_rows(frame, default_source=default_source, default_year=default_year)
    result = ImportResult(rows=len(rows), errors=errors)
    if errors:
        return result

    with transaction.atomic():
        existing = {
            p.acgme_id: p for p in Program.objects.filter(acgme_id__in=[r.acgme_id for r in rows])
        }
        # The file speaks for the imported layer: compare and write it with the verified layer
        # taken off, then lay the approved verified facts back on top (programs.current).
        approved = current.approved_of(p.pk for p in existing.values())
        for program in existing.values():
            current.strip_verified(program)
        specialties = {s.code: s for s in Specialty.objects.all()}
        computes_distance = "border_distance_km" not in frame.columns and {
            "latitude",
            "longitude",
        } <= set(frame.columns)
        line = load_border_line() if computes_distance else None

        for row in rows:
            code = row.values.get("specialty_code") or row.acgme_id[:3]
            if code not in specialties:
                name = row.values.get("specialty_name")
                if not name:
                    result.errors.append(
                        RowError(
                            row.number,
                            "specialty_name",
                            f"specialty {code} is new to the catalog: give its name",
                        )
                    )
                    continue
                specialties[code] = Specialty(code=code, name=name)
                result.new_specialties.append(code)
                result.specialty_names[code] = name
            if row.acgme_id not in existing:
                missing = [c for c in REQUIRED_FOR_NEW if not row.values.get(c)]
                if missing:
                    result.errors.append(
                        RowError(
                            row.number, missing[0], f"a new program needs {', '.join(missing)}"
                        )
                    )
        if result.errors:
            return result

        Specialty.objects.bulk_create([specialties[code] for code in result.new_specialties])
        specialties = {s.code: s for s in Specialty.objects.all()}

        to_create: list[Program] = []
        to_update: list[Program] = []
        changed_fields: set[str] = set()
        for row in rows:
            values = {c: v for c, v in row.values.items() if c in MODEL_FIELDS}
            if computes_distance or "border_distance_km" in values:
                _border_fields(row, values, line)
            specialty = specialties[row.values.get("specialty_code") or row.acgme_id[:3]]
            program = existing.get(row.acgme_id)
            if program is None:
                program = Program(acgme_id=row.acgme_id, specialty=specialty)
                for column, value in values.items():
                    setattr(program, column, value)
                program.provenance = _merged_provenance({}, row)
                to_create.append(program)
                continue
            before = _snapshot(program)
            if program.specialty_id != specialty.pk:
                program.specialty = specialty
            for column, value in values.items():
                setattr(program, column, value)
            program.provenance = _merged_provenance(program.provenance, row)
            after = _snapshot(program)
            if after == before:
                result.unchanged += 1
            else:
                changed_fields.update(k for k in after if after[k] != before[k])
                if program.pk in approved:
                    changed_fields.update(current.FIELDS)
                to_update.append(program)
            current.lay_verified(program, approved.get(program.pk, []))

        Program.objects.bulk_create(to_create, batch_size=500)
        if to_update:
            now = timezone.now()  # bulk_update skips auto_now; stored lists compare with it
            for program in to_update:
                program.updated_at = now
            fields = sorted(changed_fields | {"updated_at"})
            fields = ["specialty" if f == "specialty_id" else f for f in fields]
            Program.objects.bulk_update(to_update, fields, batch_size=500)
        result.created = len(to_create)
        result.updated = len(to_update)
        if to_create or to_update or result.new_specialties:
            # bulk writes send no signals: caches and stored lists learn of it here.
            bump_catalog_version()
        if dry_run:
            transaction.set_rollback(True)
    return result


def _snapshot(program: Program) -> dict[str, Any]:
    data = {f: getattr(program, f) for f in MODEL_FIELDS}
    data["in_border_region"] = program.in_border_region
    data["specialty_id"] = program.specialty_id
    data["provenance"] = program.provenance
    return data


def _merged_provenance(current: dict, row: ParsedRow) -> dict:
    """The file's provenance replaces ours for the facts it speaks about; a fact the file makes
    unknown loses its provenance."""
    merged = {k: dict(v) for k, v in current.items()}
    for key, entry in row.provenance.items():
        merged[key] = dict(entry)
    for column, value in row.values.items():
        if column not in FACT_COLUMNS:
            continue  # other_values: not a fact with a provenance of its own
        key = FACT_COLUMNS[column][1]
        if value in UNKNOWN_VALUES and key not in row.provenance:
            columns_of_key = [c for c, spec in FACT_COLUMNS.items() if spec[1] == key]
            if all(row.values.get(c, "x") in UNKNOWN_VALUES for c in columns_of_key):
                merged.pop(key, None)
    return {k: merged[k] for k in sorted(merged)}
