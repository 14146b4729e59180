"""Import a program catalog from CSV or XLSX: validate every row, then upsert all or nothing.

The file format is documented in docs/catalog-format.md. Reading uses pandas with every cell
as text, so that "0400121010" keeps its leading zero and nothing is guessed for us.
"""

from __future__ import annotations

import json
import math
import re
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
from django.db import transaction
from django.utils import timezone

from programs.geo import distance_to_polyline_km, load_border_line
from programs.models import (
    BORDER_REGION_KM,
    PROVENANCE_KEYS,
    US_STATES,
    Program,
    ScoreBand,
    Setting,
    Specialty,
    Strictness,
    TriState,
)
from programs.spreadsheets import SpreadsheetTooLarge, check_unpacked_size
from programs.versions import bump_catalog_version


class CellError(ValueError):
    """A cell that cannot be read; the message says what is expected."""


Parser = Callable[[str], Any]


def _text(max_length: int) -> Parser:
    def parse(value: str) -> str:
        if len(value) > max_length:
            raise CellError(f"is longer than {max_length} characters")
        return value

    return parse


def _integer(low: int, high: int) -> Parser:
    def parse(value: str) -> int:
        try:
            number = float(value)
        except ValueError:
            raise CellError(f"{value!r} is not a whole number") from None
        if not number.is_integer():
            raise CellError(f"{value!r} is not a whole number")
        if not low <= number <= high:
            raise CellError(f"{value} is outside {low}-{high}")
        return int(number)

    return parse


def _decimal(low: float, high: float) -> Parser:
    def parse(value: str) -> float:
        try:
            number = float(value)
        except ValueError:
            raise CellError(f"{value!r} is not a number") from None
        if math.isnan(number) or not low <= number <= high:
            raise CellError(f"{value} is outside {low:g} to {high:g}")
        return number

    return parse


def _choice(choices: type) -> Parser:
    allowed = {value: value for value in choices.values}
    allowed.update({str(label).lower(): value for value, label in choices.choices})

    def parse(value: str) -> str:
        key = value.strip().lower()
        if key not in allowed:
            raise CellError(f"{value!r} is not one of {', '.join(choices.values)}")
        return allowed[key]

    return parse


def _state(value: str) -> str:
    code = value.strip().upper()
    if code not in US_STATES:
        raise CellError(f"{value!r} is not a two-letter US state code")
    return code


def _digits(length: int) -> Parser:
    def parse(value: str) -> str:
        digits = value.strip()
        if digits.endswith(".0"):  # a spreadsheet stored the code as a number
            digits = digits[:-2]
        if not digits.isdigit() or len(digits) > length:
            raise CellError(f"{value!r} is not a {length}-digit code")
        return digits.zfill(length)

    return parse


def _zip(value: str) -> str:
    if not re.fullmatch(r"\d{5}(-\d{4})?", value.strip()):
        raise CellError(f"{value!r} is not a ZIP code (12345 or 12345-6789)")
    return value.strip()


def _url(value: str) -> str:
    if not re.match(r"^https?://[^\s]+$", value.strip(), re.IGNORECASE):
        raise CellError(f"{value!r} is not a web address starting with http:// or https://")
    if len(value) > 500:
        raise CellError("is longer than 500 characters")
    return value.strip()


def _year(value: str) -> int:
    return _integer(1900, 2100)(value)


def _period(value: str) -> str:
    """A survey period of whole years, "2019-2023"; a single year is a period too."""
    match = re.fullmatch(r"(\d{4})(?:-(\d{4}))?", value.strip())
    if not match or (match[2] and int(match[2]) < int(match[1])):
        raise CellError(f"{value!r} is not a period of years such as 2019-2023")
    return value.strip()


def _acgme_id(value: str) -> str:
    digits = value.strip()
    if digits.endswith(".0"):
        digits = digits[:-2]
    # Spreadsheets drop the leading zero of Anesthesiology (040...) and similar ids.
    if digits.isdigit() and len(digits) == 9:
        digits = "0" + digits
    if not re.fullmatch(r"\d{10}", digits):
        raise CellError(f"{value!r} is not a 10-digit ACGME program id")
    return digits


# column -> (parser, provenance key, value when the cell is empty)
FACT_COLUMNS: dict[str, tuple[Parser, str, Any]] = {
    "name": (_text(255), "identity", None),
    "specialty_code": (_digits(3), "identity", None),
    "specialty_name": (_text(120), "identity", None),
    "city": (_text(100), "identity", None),
    "state": (_state, "identity", None),
    "zip_code": (_zip, "zip_code", ""),
    "latitude": (_decimal(-90, 90), "location", None),
    "longitude": (_decimal(-180, 180), "location", None),
    "county_fips": (_digits(5), "location", ""),
    "border_distance_km": (_decimal(0, 20_000), "border_distance_km", None),
    "setting": (_choice(Setting), "setting", ""),
    "pgy1_positions": (_integer(0, 1000), "pgy1_positions", None),
    "j1_accepted": (_choice(TriState), "j1_accepted", TriState.UNKNOWN),
    "h1b_sponsored": (_choice(TriState), "h1b_sponsored", TriState.UNKNOWN),
    "img_share_pct": (_decimal(0, 100), "img_share_pct", None),
    "non_us_img_share_pct": (_decimal(0, 100), "non_us_img_share_pct", None),
    "step_score_band": (_choice(ScoreBand), "step_score_band", ""),
    "participates_in_eras": (_choice(TriState), "participates_in_eras", TriState.UNKNOWN),
    "citizens_only": (_choice(TriState), "citizens_only", TriState.UNKNOWN),
    "min_step2_score": (_integer(1, 300), "min_step2_score", None),
    "min_step2_strictness": (_choice(Strictness), "min_step2_score", ""),
    "max_years_since_graduation": (_integer(0, 70), "max_years_since_graduation", None),
    "max_years_since_graduation_strictness": (
        _choice(Strictness),
        "max_years_since_graduation",
        "",
    ),
    "max_attempts_per_step": (_integer(1, 4), "max_attempts_per_step", None),
    "max_attempts_per_step_strictness": (_choice(Strictness), "max_attempts_per_step", ""),
    "min_usce_months": (_integer(0, 120), "min_usce_months", None),
    "min_usce_months_strictness": (_choice(Strictness), "min_usce_months", ""),
    "step3_required": (_choice(TriState), "step3_required", TriState.UNKNOWN),
    "step3_strictness": (_choice(Strictness), "step3_required", ""),
    "medical_spanish": (_choice(TriState), "medical_spanish", TriState.UNKNOWN),
    "website": (_url, "website", ""),
    "armed_forces": (_choice(TriState), "armed_forces", TriState.UNKNOWN),
    "usce_within_years": (_integer(1, 70), "usce_within_years", None),
    "steps_within_years": (_integer(1, 70), "steps_within_years", None),
    "county_spanish_share": (_decimal(0, 100), "county_spanish_share", None),
    "county_spanish_share_period": (_period, "county_spanish_share", ""),
    "hpsa_primary_care": (_choice(TriState), "hpsa_primary_care", TriState.UNKNOWN),
    "hpsa_primary_care_score": (_integer(0, 26), "hpsa_primary_care", None),
    "hpsa_mental_health": (_choice(TriState), "hpsa_mental_health", TriState.UNKNOWN),
    "hpsa_mental_health_score": (_integer(0, 26), "hpsa_mental_health", None),
}
OTHER_VALUES = "other_values"
OTHER_VALUE_KEYS = {"key", "value", "source", "year", "url", "kind"}


def _other_values(value: str) -> list[dict[str, Any]]:
    """The ``other_values`` cell: a JSON list of other sources' values (docs/catalog-format.md)."""
    try:
        items = json.loads(value)
    except ValueError:
        raise CellError("is not a JSON list") from None
    if not isinstance(items, list):
        raise CellError("is not a JSON list")
    for item in items:
        if (
            not isinstance(item, dict)
            or set(item) != OTHER_VALUE_KEYS
            or item["kind"] not in ("conflict", "replaced")
            or item["key"] not in PROVENANCE_KEYS
        ):
            raise CellError(f"{item!r} is not an other value (key, value, source, year, url, kind)")
    return items

PROVENANCE_COLUMNS: dict[str, tuple[str, Parser]] = {}
for _key in PROVENANCE_KEYS:
    PROVENANCE_COLUMNS[f"{_key}_source"] = (_key, _text(200))
    PROVENANCE_COLUMNS[f"{_key}_year"] = (_key, _year)
    PROVENANCE_COLUMNS[f"{_key}_url"] = (_key, _url)
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
            acgme_id = _acgme_id(cells["acgme_id"])
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
                    _other_values(cells[OTHER_VALUES]) if cells[OTHER_VALUES] else []
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
                to_update.append(program)

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
