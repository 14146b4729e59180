"""The application tracker as a workbook (.xlsx) or CSV: a pure row generator and thin writers.

``tracker_export`` loads what the export needs in a fixed number of queries; everything after
that (``tracker_export_of``, ``tracker_rows``, the writers) works on loaded objects and never
touches the database, so the export time grows with the rows, not with round trips.

Text that came from a user or a source is never written so that a spreadsheet could run it: in
the workbook it is a string cell even when it starts with ``=``, and in the CSV a leading
``= + - @ tab CR`` gets the usual apostrophe guard, which ``applicants.tracking`` strips back.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import IO, Any

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from applicants import budget
from applicants.models import ListEntry, Profile, Status, Tier
from programs.models import Program, TriState
from programs.sources import SOURCES, describe

# ---------------------------------------------------------------------------------------------
# Columns
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Column:
    header: str
    width: float


TRACKER_COLUMNS: tuple[Column, ...] = (
    Column("Tier", 6),
    Column("Program", 44),
    Column("ACGME id", 12),
    Column("Specialty", 22),
    Column("City", 16),
    Column("State", 7),
    Column("Border distance (km)", 11),
    Column("J-1", 9),
    Column("H-1B", 9),
    Column("IMG share (%)", 9),
    Column("Non-US IMG share (%)", 10),
    Column("Score", 7),
    Column("Confidence", 11),
    Column("Why", 70),
    Column("Website", 32),
    Column("Status", 18),
    Column("Signal", 8),
    Column("Date applied", 13),
    Column("Interview date", 13),
    Column("Letters sent", 9),
    Column("Fee (USD)", 10),
    Column("Notes", 44),
)
TRACKER_HEADERS: tuple[str, ...] = tuple(column.header for column in TRACKER_COLUMNS)
ACGME_ID_HEADER = "ACGME id"
# The working columns a user fills in, by ListEntry field; the upload reads back these.
TRACKING_HEADERS: dict[str, str] = {
    "status": "Status",
    "signal": "Signal",
    "date_applied": "Date applied",
    "interview_date": "Interview date",
    "letters_sent": "Letters sent",
    "fee": "Fee (USD)",
    "notes": "Notes",
}
_COLUMN = {header: index for index, header in enumerate(TRACKER_HEADERS, start=1)}


def column_letter(header: str) -> str:
    return get_column_letter(_COLUMN[header])


NOT_ELIGIBLE_COLUMNS: tuple[Column, ...] = (
    Column("Program", 44),
    Column("ACGME id", 12),
    Column("Specialty", 22),
    Column("City", 16),
    Column("State", 7),
    Column("J-1", 9),
    Column("H-1B", 9),
    Column("Why not eligible", 90),
)

SHEET_SUMMARY = "Summary"
SHEET_TRACKER = "Tracker"
SHEET_NOT_ELIGIBLE = "Not eligible"
SHEET_SOURCES = "Sources"

STATUS_LABELS: tuple[str, ...] = tuple(str(label) for _, label in Status.choices)
YES, NO = "Yes", "No"
_TRISTATE = {TriState.YES: YES, TriState.NO: NO, TriState.UNKNOWN: "Unknown"}

# Where the fee figures come from; the constants and their full notes are in applicants.budget.
ERAS_FEE_SOURCE = "AAMC, Fees for 2026 ERAS Season"
ECFMG_TOKEN_SOURCE = "ECFMG, ecfmg.org/eras: the 2024 figure, the last one verified"
TRANSCRIPT_SOURCE = "AAMC, Fees for ERAS Residency Applications, 2024 season"

# ---------------------------------------------------------------------------------------------
# Rows
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class TrackerRow:
    entry_id: int
    tier: int
    program: str
    acgme_id: str
    specialty: str
    city: str
    state: str
    border_distance_km: float | None
    j1: str
    h1b: str
    img_share_pct: float | None
    non_us_img_share_pct: float | None
    score: float
    confidence: str
    why: str
    website: str
    status: str
    signal: bool
    date_applied: date | None
    interview_date: date | None
    letters_sent: int | None
    fee: Decimal | None  # what the user recorded
    default_fee: int | None  # the ERAS schedule's fee for this row; None when withdrawn
    notes: str

    @property
    def fee_shown(self) -> Decimal | int | None:
        return self.fee if self.fee is not None else self.default_fee

    def values(self) -> tuple[Any, ...]:
        """The row in TRACKER_COLUMNS order, as plain Python values."""
        return (
            self.tier, self.program, self.acgme_id, self.specialty, self.city, self.state,
            _whole(self.border_distance_km), self.j1, self.h1b, _whole(self.img_share_pct),
            _whole(self.non_us_img_share_pct), _whole(self.score), self.confidence, self.why,
            self.website, Status(self.status).label, YES if self.signal else NO, self.date_applied,
            self.interview_date, self.letters_sent, self.fee_shown, self.notes,
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class NotEligibleRow:
    program: str
    acgme_id: str
    specialty: str
    city: str
    state: str
    j1: str
    h1b: str
    reasons: str

    def values(self) -> tuple[Any, ...]:
        return (self.program, self.acgme_id, self.specialty, self.city, self.state, self.j1,
                self.h1b, self.reasons)


@dataclass(frozen=True, slots=True, kw_only=True)
class SourceRow:
    name: str
    publisher: str
    years: str
    license: str
    attribution: str
    url: str

    def values(self) -> tuple[Any, ...]:
        return (self.name, self.publisher, self.years, self.license, self.attribution, self.url)


@dataclass(frozen=True, slots=True, kw_only=True)
class TrackerExport:
    applicant: str
    generated_at: datetime
    scoring_version: str
    profile_lines: tuple[tuple[str, Any], ...]
    rows: tuple[TrackerRow, ...]
    not_eligible: tuple[NotEligibleRow, ...]
    catalog_years: tuple[int, ...]
    sources: tuple[SourceRow, ...]


def _whole(value: float | None) -> int | None:
    # Distances, shares and scores are estimates: decimals would suggest a precision they lack.
    return None if value is None else round(value)


def why_of(entry: ListEntry, *, reasons: int = 3) -> str:
    """The top reasons, with their points after the text so that no cell starts with a sign."""
    parts = []
    if entry.override_tier:
        parts.append(f"Advisor's tier: {Tier(entry.override_tier).label} "
                     f"(computed {Tier(entry.computed_tier).label}): {entry.override_reason}")
    explanation = entry.explanation or {}
    for reason in explanation.get("reasons", [])[:reasons]:
        points = round(reason.get("points", 0))
        parts.append(f"{reason.get('text', '')} ({'+' if points > 0 else ''}{points})")
    for item in explanation.get("to_verify", [])[:1]:
        parts.append(f"Verify: {item}")
    return "; ".join(parts)


def eras_fee_at(position: int) -> int:
    """ERAS 2026 fee for the program at this 1-based position among a specialty's programs."""
    if position <= budget.ERAS_CHEAP_PROGRAMS_PER_SPECIALTY:
        return budget.ERAS_FEE_FIRST_PROGRAMS_USD
    return budget.ERAS_FEE_LATER_PROGRAMS_USD


def tracker_rows(entries: Iterable[ListEntry]) -> list[TrackerRow]:
    """Tiers 1-3 ordered by tier, then score (best first), then program name.

    The default fee follows the ERAS 2026 schedule in that order within each specialty: the
    first 30 planned programs of a specialty at $11, the next ones at $30. A withdrawn program
    is not counted and gets no default fee.
    """
    eligible = [e for e in entries if e.tier != Tier.NOT_ELIGIBLE]
    eligible.sort(key=lambda e: (e.tier, -e.score, e.program.name, e.program.acgme_id))
    planned: dict[int, int] = {}
    rows = []
    for entry in eligible:
        program = entry.program
        default_fee = None
        if entry.status != Status.WITHDRAWN:
            planned[program.specialty_id] = planned.get(program.specialty_id, 0) + 1
            default_fee = eras_fee_at(planned[program.specialty_id])
        rows.append(TrackerRow(
            entry_id=entry.pk,
            tier=entry.tier,
            program=program.name,
            acgme_id=program.acgme_id,
            specialty=program.specialty.name,
            city=program.city,
            state=program.state,
            border_distance_km=program.border_distance_km,
            j1=_TRISTATE.get(program.j1_accepted, program.j1_accepted),
            h1b=_TRISTATE.get(program.h1b_sponsored, program.h1b_sponsored),
            img_share_pct=program.img_share_pct,
            non_us_img_share_pct=program.non_us_img_share_pct,
            score=entry.score,
            confidence=(entry.explanation or {}).get("confidence_label", ""),
            why=why_of(entry),
            website=program.website,
            status=entry.status,
            signal=entry.signal,
            date_applied=entry.date_applied,
            interview_date=entry.interview_date,
            letters_sent=entry.letters_sent,
            fee=entry.fee,
            default_fee=default_fee,
            notes=entry.notes,
        ))
    return rows


def not_eligible_rows(entries: Iterable[ListEntry]) -> list[NotEligibleRow]:
    closed = [e for e in entries if e.tier == Tier.NOT_ELIGIBLE]
    closed.sort(key=lambda e: (e.program.specialty.name, e.program.name, e.program.acgme_id))
    return [
        NotEligibleRow(
            program=e.program.name,
            acgme_id=e.program.acgme_id,
            specialty=e.program.specialty.name,
            city=e.program.city,
            state=e.program.state,
            j1=_TRISTATE.get(e.program.j1_accepted, e.program.j1_accepted),
            h1b=_TRISTATE.get(e.program.h1b_sponsored, e.program.h1b_sponsored),
            reasons="; ".join((e.explanation or {}).get("hard_reasons", [])),
        )
        for e in closed
    ]


def catalog_years(programs: Iterable[Program]) -> tuple[int, ...]:
    """The years the catalog's facts about these programs are as of, from their provenance."""
    years = {
        fact["year"]
        for program in programs
        for fact in (program.provenance or {}).values()
        if isinstance(fact, dict) and isinstance(fact.get("year"), int)
    }
    return tuple(sorted(years))


def source_rows(programs: Iterable[Program]) -> list[SourceRow]:
    """The sources cited by these programs' facts, with the years used; then the fee sources."""
    years: dict[str, set[int]] = {}
    for program in programs:
        for fact in (program.provenance or {}).values():
            if isinstance(fact, dict) and fact.get("source"):
                cited = years.setdefault(str(fact["source"]), set())
                if isinstance(fact.get("year"), int):
                    cited.add(fact["year"])
    rows = []
    for source_id in sorted(years):
        source = SOURCES.get(source_id)
        year_text = ", ".join(str(y) for y in sorted(years[source_id])) or "not stated"
        if source is None:  # an advisor's own source, named as they gave it
            rows.append(SourceRow(name=describe(source_id), publisher="", years=year_text,
                                  license="", attribution="", url=""))
        else:
            rows.append(SourceRow(name=source.name, publisher=source.publisher, years=year_text,
                                  license=source.license, attribution=source.attribution,
                                  url=source.url))
    rows += [
        SourceRow(name="ERAS fees (Fee column, ERAS cost)", publisher="AAMC", years="2026",
                  license="", attribution=ERAS_FEE_SOURCE, url="https://www.aamc.org"),
        SourceRow(name="ECFMG ERAS token", publisher="ECFMG", years="2024", license="",
                  attribution=ECFMG_TOKEN_SOURCE, url="https://www.ecfmg.org"),
        SourceRow(name="USMLE transcript fee", publisher="AAMC", years="2024", license="",
                  attribution=TRANSCRIPT_SOURCE, url="https://www.aamc.org"),
    ]
    return rows


def profile_lines(profile: Profile, *, specialty_names: Sequence[str]) -> list[tuple[str, Any]]:
    """A snapshot of the profile the list was scored for, as label/value pairs."""

    def attempts(n: int) -> str:
        return f"{n} attempt{'s' if n != 1 else ''}"

    return [
        ("Step 1", f"Passed, {attempts(profile.step1_attempts)}" if profile.step1_passed
         else f"Not passed ({attempts(profile.step1_attempts)})"),
        ("Step 2 CK", f"{profile.step2_score}, {attempts(profile.step2_attempts)}"
         if profile.step2_score else f"Not passed yet ({attempts(profile.step2_attempts)})"),
        ("Step 3", f"Passed, {attempts(profile.step3_attempts)}" if profile.step3_passed
         else "Not passed"),
        ("Year of graduation", profile.graduation_year),
        ("Visa", profile.get_visa_need_display()),
        ("ECFMG certification", profile.get_ecfmg_status_display()),
        ("Hands-on US clinical experience (months)", profile.usce_hands_on_months),
        ("US observerships (months)", profile.usce_observership_months),
        ("Of which in the border region (months)", profile.usce_border_months),
        ("Letters from US clinicians", profile.us_letters),
        ("Research experiences or publications", profile.research_experiences),
        ("Border-health or underserved-care projects",
         YES if profile.border_or_underserved_projects else NO),
        ("Spanish", profile.get_spanish_level_display()),
        ("Specialties", ", ".join(specialty_names)),
        ("States", ", ".join(profile.target_states) if profile.target_states else "All states"),
        ("Application budget (USD)", profile.budget_usd if profile.budget_usd is not None
         else "Not given"),
    ]


def tracker_export_of(*, profile: Profile, specialty_names: Sequence[str],
                      entries: Sequence[ListEntry], generated_at: datetime) -> TrackerExport:
    """Everything the writers need, from loaded objects only (no query)."""
    programs = [entry.program for entry in entries]
    return TrackerExport(
        applicant=profile.user.email if profile.user_id else "",
        generated_at=generated_at,
        scoring_version=profile.list_scoring_version,
        profile_lines=tuple(profile_lines(profile, specialty_names=specialty_names)),
        rows=tuple(tracker_rows(entries)),
        not_eligible=tuple(not_eligible_rows(entries)),
        catalog_years=catalog_years(programs),
        sources=tuple(source_rows(programs)),
    )


def tracker_entries(profile: Profile) -> list[ListEntry]:
    """The entries the tracker shows: in scope and not excluded by the advisor, all tiers."""
    return list(
        ListEntry.objects.filter(profile=profile, in_scope=True, excluded=False).for_list()
    )


def tracker_export(profile: Profile) -> TrackerExport:
    """Load the profile's list (three queries, whatever its size) and build the export."""
    specialty_names = list(profile.target_specialties.order_by("name")
                           .values_list("name", flat=True))
    return tracker_export_of(
        profile=profile, specialty_names=specialty_names, entries=tracker_entries(profile),
        generated_at=timezone.localtime(),
    )


# ---------------------------------------------------------------------------------------------
# Writers
# ---------------------------------------------------------------------------------------------

# Characters XML 1.0 cannot hold; Excel refuses a file that contains them.
_ILLEGAL_XML = re.compile(r"[^\u0009\u000A\u000D\u0020-\uD7FF\uE000-\uFFFD\U00010000-\U0010FFFF]")
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="D9D9D9")
TITLE_FONT = Font(bold=True, size=14)
SECTION_FONT = Font(bold=True, size=12)
WRAP = Alignment(wrap_text=True, vertical="top")
DATE_FORMAT = "yyyy-mm-dd"
MONEY_FORMAT = "#,##0.00"
# Tier colours: the same hues as the list page, as light fills with dark text (readable).
TIER_FILLS = {
    Tier.TIER_1: ("C6EFCE", "0B5D1E"),
    Tier.TIER_2: ("DDEBF7", "0A3D7A"),
    Tier.TIER_3: ("FFEB9C", "7A4A00"),
}


def clean_text(value: str) -> str:
    return _ILLEGAL_XML.sub("", value)


def _cell(ws: Any, value: Any, **style: Any) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws, value=value)
    for name, setting in style.items():
        setattr(cell, name, setting)
    return cell


def _safe(ws: Any, value: Any) -> Any:
    """A value ready for a write-only row: text that openpyxl would store as a formula or an
    error code becomes an explicit string cell; other values pass through untouched."""
    if not isinstance(value, str):
        return value
    value = clean_text(value)
    if value.startswith(FORMULA_PREFIXES) or value in ERROR_CODES:
        cell = WriteOnlyCell(ws, value=value)
        cell.data_type = "s"
        return cell
    return value


def _header(ws: Any, headers: Iterable[str]) -> list[WriteOnlyCell]:
    return [_cell(ws, h, font=HEADER_FONT, fill=HEADER_FILL, alignment=WRAP) for h in headers]


def _start_table(ws: Any, columns: Sequence[Column], rows: int) -> None:
    """Widths, frozen header and filter; write-only sheets take these before the first row."""
    for index, column in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(index)].width = column.width
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{rows + 1}"


def _range(header: str, last_row: int, *, sheet: str = "") -> str:
    letter = column_letter(header)
    prefix = f"{sheet}!" if sheet else ""
    return f"{prefix}${letter}$2:${letter}${last_row}"


def _validations(ws: Any, last_row: int) -> None:
    def add(header: str, validation: DataValidation) -> None:
        letter = column_letter(header)
        validation.add(f"{letter}2:{letter}{last_row}")
        ws.data_validations.append(validation)

    add("Status", DataValidation(
        type="list", formula1=f'"{",".join(STATUS_LABELS)}"', allow_blank=True,
        showErrorMessage=True, errorTitle="Status", error="Choose a status from the list.",
    ))
    add("Signal", DataValidation(
        type="list", formula1=f'"{YES},{NO}"', allow_blank=True, showErrorMessage=True,
        errorTitle="Signal", error="Yes or No.",
    ))
    for header in ("Date applied", "Interview date"):
        # 36526 is 2000-01-01 and 73051 is 2100-01-01 as Excel serial dates.
        add(header, DataValidation(
            type="date", operator="between", formula1="36526", formula2="73051",
            allow_blank=True, showErrorMessage=True, errorTitle=header,
            error="Enter a date, for example 2026-10-01.",
        ))
    add("Letters sent", DataValidation(
        type="whole", operator="between", formula1="0", formula2="100", allow_blank=True,
        showErrorMessage=True, errorTitle="Letters sent", error="A whole number, 0 or more.",
    ))
    add("Fee (USD)", DataValidation(
        type="decimal", operator="between", formula1="0", formula2="99999", allow_blank=True,
        showErrorMessage=True, errorTitle="Fee", error="An amount in US dollars, 0 or more.",
    ))


def tracker_last_row(rows: Sequence[TrackerRow]) -> int:
    # At least row 2, so that ranges and validations stay valid on an empty list.
    return max(len(rows) + 1, 2)


def _write_tracker(wb: Workbook, rows: Sequence[TrackerRow]) -> None:
    ws = wb.create_sheet(SHEET_TRACKER)
    last_row = tracker_last_row(rows)
    _start_table(ws, TRACKER_COLUMNS, len(rows))
    tier_range = f"A2:A{last_row}"
    for tier, (fill, text) in TIER_FILLS.items():
        ws.conditional_formatting.add(tier_range, CellIsRule(
            operator="equal", formula=[str(tier.value)],
            fill=PatternFill("solid", bgColor=fill), font=Font(color=text, bold=True),
        ))
    _validations(ws, last_row)
    ws.append(_header(ws, TRACKER_HEADERS))

    website = _COLUMN["Website"] - 1
    dates = (_COLUMN["Date applied"] - 1, _COLUMN["Interview date"] - 1)
    fee = _COLUMN["Fee (USD)"] - 1
    for row in rows:
        values = [_safe(ws, value) for value in row.values()]
        if row.website.startswith(("http://", "https://")):
            values[website] = _cell(ws, clean_text(row.website), style="Hyperlink",
                                    hyperlink=clean_text(row.website))
        for index in dates:
            # Empty date cells carry the format too, so a date typed in shows as a date.
            values[index] = _cell(ws, values[index], number_format=DATE_FORMAT)
        if values[fee] is not None:
            values[fee] = _cell(ws, values[fee], number_format=MONEY_FORMAT)
        ws.append(values)


def _write_summary(wb: Workbook, export: TrackerExport) -> None:
    ws = wb.create_sheet(SHEET_SUMMARY)
    last_row = tracker_last_row(export.rows)
    for letter, width in (("A", 46), ("B", 22), ("C", 16), ("D", 12), ("E", 12), ("F", 70)):
        ws.column_dimensions[letter].width = width
    line = 0

    def append(*values: Any) -> int:
        nonlocal line
        ws.append(list(values))
        line += 1
        return line

    def section(title: str) -> None:
        append()
        append(_cell(ws, title, font=SECTION_FONT))

    tracker = f"'{SHEET_TRACKER}'"
    tiers = _range("Tier", last_row, sheet=tracker)
    statuses = _range("Status", last_row, sheet=tracker)
    signals = _range("Signal", last_row, sheet=tracker)
    specialties = _range("Specialty", last_row, sheet=tracker)
    fees = _range("Fee (USD)", last_row, sheet=tracker)

    append(_cell(ws, "Residency application tracker", font=TITLE_FONT))
    append("Applicant", _safe(ws, export.applicant))
    generated = export.generated_at.replace(tzinfo=None, microsecond=0)
    append("Generated", _cell(ws, generated, number_format="yyyy-mm-dd hh:mm"),
           export.generated_at.tzname() or "")
    append("Catalog data as of", ", ".join(str(y) for y in export.catalog_years) or "unknown",
           "", "", "", "The years the program facts were published; see the Sources sheet.")
    append("Scoring model", _safe(ws, export.scoring_version))
    append("Counts below are formulas over the Tracker sheet: they follow your edits.")

    section("Profile")
    for label, value in export.profile_lines:
        append(label, _safe(ws, value))

    section("Programs per tier and status")
    append(*_header(ws, ("Status", "Tier 1", "Tier 2", "Tier 3", "All")))
    for label in STATUS_LABELS:
        append(label, *(f'=COUNTIFS({tiers},{tier},{statuses},"{label}")' for tier in (1, 2, 3)),
               f'=COUNTIFS({statuses},"{label}")')
    append(_cell(ws, "All programs", font=HEADER_FONT),
           *(f"=COUNTIFS({tiers},{tier})" for tier in (1, 2, 3)),
           f'=COUNTIFS({tiers},">=1",{tiers},"<=3")')
    append("Signals sent", f'=COUNTIFS({signals},"{YES}")')

    section("Cost of the list")
    first = append("ERAS fee per program, first programs of a specialty (USD)",
                   budget.ERAS_FEE_FIRST_PROGRAMS_USD, "", "", "", ERAS_FEE_SOURCE)
    cheap = append("Programs per specialty at that fee", budget.ERAS_CHEAP_PROGRAMS_PER_SPECIALTY,
                   "", "", "", ERAS_FEE_SOURCE)
    later = append("ERAS fee per program after those (USD)", budget.ERAS_FEE_LATER_PROGRAMS_USD,
                   "", "", "", ERAS_FEE_SOURCE)
    append(*_header(ws, ("Specialty", "Programs planned", "ERAS fees (USD)")), "", "",
           "Planned: every program on the Tracker except those marked Withdrawn.")
    specialty_lines = []
    for name in sorted({row.specialty for row in export.rows}):
        n = line + 1
        specialty_lines.append(append(
            _safe(ws, name),
            f'=COUNTIFS({specialties},A{n},{statuses},"<>Withdrawn")',
            f"=MIN(B{n},$B${cheap})*$B${first}+MAX(B{n}-$B${cheap},0)*$B${later}",
        ))
    eras_total = line + 1
    fees_sum = (f"=SUM(C{specialty_lines[0]}:C{specialty_lines[-1]})"
                if specialty_lines else "=0")
    append(_cell(ws, "ERAS fees by the 2026 schedule (USD)", font=HEADER_FONT), "", fees_sum)
    append("Fee column of the Tracker, total (USD)", "", f"=SUM({fees})", "", "",
           "Your recorded fees, or the schedule's fee where you recorded none.")
    token = append("ECFMG ERAS token (USD)", "", budget.ECFMG_ERAS_TOKEN_USD, "", "",
                   ECFMG_TOKEN_SOURCE)
    transcript = append("USMLE transcript (USD)", "", budget.USMLE_TRANSCRIPT_USD, "", "",
                        TRANSCRIPT_SOURCE)
    append(_cell(ws, "Season total (USD)", font=HEADER_FONT), "",
           f"=C{eras_total}+C{token}+C{transcript}", "", "",
           "ERAS fees by the schedule plus the fixed costs; NRMP registration and interview "
           "costs are not included.")


def _write_plain_sheet(wb: Workbook, title: str, columns: Sequence[Column],
                       rows: Iterable[Any], count: int) -> None:
    ws = wb.create_sheet(title)
    _start_table(ws, columns, count)
    ws.append(_header(ws, (column.header for column in columns)))
    for row in rows:
        ws.append([_safe(ws, value) for value in row.values()])


SOURCE_COLUMNS: tuple[Column, ...] = (
    Column("Source", 50), Column("Publisher", 34), Column("Year(s) used", 12),
    Column("Licence", 60), Column("Attribution", 44), Column("Web address", 32),
)


def write_xlsx(export: TrackerExport, out: IO[bytes]) -> None:
    """The workbook: Summary, Tracker, Not eligible, Sources.

    Written in openpyxl's write-only mode, which streams rows and still takes column widths,
    frozen panes, filters, validations and conditional formats (set before the first row).
    """
    wb = Workbook(write_only=True)
    _write_summary(wb, export)
    _write_tracker(wb, export.rows)
    _write_plain_sheet(wb, SHEET_NOT_ELIGIBLE, NOT_ELIGIBLE_COLUMNS, export.not_eligible,
                       len(export.not_eligible))
    _write_plain_sheet(wb, SHEET_SOURCES, SOURCE_COLUMNS, export.sources, len(export.sources))
    wb.save(out)


def csv_guard(value: Any) -> Any:
    """Text a spreadsheet would read as a formula gets a leading apostrophe (OWASP's CSV
    injection advice); ``applicants.tracking.unguard`` removes it on the way back."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _csv_value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    return csv_guard(value)


def write_csv(rows: Iterable[TrackerRow], out: IO[str]) -> None:
    """The Tracker sheet's rows as CSV, for those who prefer it."""
    writer = csv.writer(out)
    writer.writerow(TRACKER_HEADERS)
    for row in rows:
        writer.writerow([_csv_value(value) for value in row.values()])
