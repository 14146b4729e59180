"""The writers: the list's export as an .xlsx workbook (Summary with live formulas, Tracker,
Not eligible, Sources) or as a CSV. They never touch the database.

Everything they write is in the active language: sheet names, headers, statuses and Yes/No
(in the cells, the drop-downs and the Summary's formulas alike, so that the counts match), and
labels. With English active the output is what it always was."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from datetime import date
from typing import IO, Any

from django.utils.translation import gettext, gettext_noop
from openpyxl import Workbook
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from strategy.season import season_name
from tiering import budget
from tiering.models import Status, Tier
from tracker.columns import (
    _COLUMN,
    CANDIDATE_COLUMNS,
    ECFMG_TOKEN_SOURCE,
    ERAS_FEE_SOURCE,
    NO,
    SHEET_CANDIDATES,
    SHEET_SOAP,
    SHEET_SOURCES,
    SHEET_SUMMARY,
    SHEET_TRACKER,
    SOAP_COLUMNS,
    TRACKER_COLUMNS,
    TRACKER_HEADERS,
    TRANSCRIPT_SOURCE,
    YES,
    Column,
    column_letter,
    status_labels,
)
from tracker.rows import TrackerExport, TrackerRow, row_words
from tracker.sheet_xml import (
    Formula,
    RowsSheet,
    Styled,
    clean_text,
    rows_sheet,
    save,
    style_id,
)

# ---------------------------------------------------------------------------------------------
# Writers
# ---------------------------------------------------------------------------------------------

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


def _header_row(ws: RowsSheet, headers: Iterable[str]) -> None:
    """The header row of a table sheet, translated: ``headers`` are the canonical names."""
    names = [gettext(h) for h in headers]
    style = style_id(ws, font=HEADER_FONT, fill=HEADER_FILL, alignment=WRAP)
    ws.append_rows([names], [style] * len(names))


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

    yes, no = gettext(YES), gettext(NO)
    add("Status", DataValidation(
        type="list", formula1=f'"{",".join(status_labels())}"', allow_blank=True,
        showErrorMessage=True, errorTitle=gettext("Status"),
        error=gettext("Choose a status from the list."),
    ))
    add("Signal", DataValidation(
        type="list", formula1=f'"{yes},{no}"', allow_blank=True, showErrorMessage=True,
        errorTitle=gettext("Signal"), error=gettext("Yes or No."),
    ))
    for header in ("Date applied", "Interview date"):
        # 36526 is 2000-01-01 and 73051 is 2100-01-01 as Excel serial dates.
        add(header, DataValidation(
            type="date", operator="between", formula1="36526", formula2="73051",
            allow_blank=True, showErrorMessage=True, errorTitle=gettext(header),
            error=gettext("Enter a date, for example 2026-10-01."),
        ))
    add("Letters sent", DataValidation(
        type="whole", operator="between", formula1="0", formula2="100", allow_blank=True,
        showErrorMessage=True, errorTitle=gettext("Letters sent"),
        error=gettext("A whole number, 0 or more."),
    ))
    add("Fee (USD)", DataValidation(
        type="decimal", operator="between", formula1="0", formula2="99999", allow_blank=True,
        showErrorMessage=True, errorTitle=gettext("Fee"),
        error=gettext("An amount in US dollars, 0 or more."),
    ))


def tracker_last_row(rows: Sequence[TrackerRow]) -> int:
    # At least row 2, so that ranges and validations stay valid on an empty list.
    return max(len(rows) + 1, 2)


def _write_tracker(wb: Workbook, rows: Sequence[TrackerRow]) -> None:
    ws = rows_sheet(wb, gettext(SHEET_TRACKER))
    last_row = tracker_last_row(rows)
    _start_table(ws, TRACKER_COLUMNS, len(rows))
    tier_range = f"A2:A{last_row}"
    for tier, (fill, text) in TIER_FILLS.items():
        ws.conditional_formatting.add(tier_range, CellIsRule(
            operator="equal", formula=[str(tier.value)],
            fill=PatternFill("solid", bgColor=fill), font=Font(color=text, bold=True),
        ))
    _validations(ws, last_row)
    _header_row(ws, TRACKER_HEADERS)

    website, website_letter = _COLUMN["Website"] - 1, column_letter("Website")
    fee = _COLUMN["Fee (USD)"] - 1
    link, money = style_id(ws, style="Hyperlink"), style_id(ws, number_format=MONEY_FORMAT)
    # Empty date cells carry the format too, so a date typed in shows as a date.
    styles: list[int | None] = [None] * len(TRACKER_HEADERS)
    styles[_COLUMN["Date applied"] - 1] = styles[_COLUMN["Interview date"] - 1] = \
        style_id(ws, number_format=DATE_FORMAT)
    body, words = [], row_words()
    for number, row in enumerate(rows, start=2):
        values = list(row.values(words))
        if row.website.startswith(("http://", "https://")):
            address = clean_text(row.website)
            values[website] = Styled(address, link)
            ws.link(f"{website_letter}{number}", address)
        if values[fee] is not None:
            values[fee] = Styled(values[fee], money)
        body.append(values)
    ws.append_rows(body, styles)


def _write_summary(wb: Workbook, export: TrackerExport) -> None:
    ws = rows_sheet(wb, gettext(SHEET_SUMMARY))
    last_row = tracker_last_row(export.rows)
    for letter, width in (("A", 46), ("B", 22), ("C", 16), ("D", 12), ("E", 12), ("F", 70)):
        ws.column_dimensions[letter].width = width
    lines: list[tuple[Any, ...]] = []

    def append(*values: Any) -> int:
        lines.append(values)
        return len(lines)

    title_font, section_font, bold, header = (
        style_id(ws, font=TITLE_FONT), style_id(ws, font=SECTION_FONT),
        style_id(ws, font=HEADER_FONT),
        style_id(ws, font=HEADER_FONT, fill=HEADER_FILL, alignment=WRAP))

    def section(title: str) -> None:
        append()
        append(Styled(title, section_font))

    def headers(*names: str) -> list[Styled]:
        return [Styled(gettext(name), header) for name in names]

    tracker = f"'{gettext(SHEET_TRACKER)}'"
    yes = gettext(YES)
    withdrawn = str(Status.WITHDRAWN.label)
    tiers = _range("Tier", last_row, sheet=tracker)
    statuses = _range("Status", last_row, sheet=tracker)
    signals = _range("Signal", last_row, sheet=tracker)
    specialties = _range("Specialty", last_row, sheet=tracker)
    fees = _range("Fee (USD)", last_row, sheet=tracker)

    append(Styled(gettext("Residency application tracker"), title_font))
    append(gettext("Applicant"), export.applicant)
    append(gettext("Season"), season_name(), "", "", "",
           gettext("Each figure below keeps the season of its own source beside it."))
    generated = export.generated_at.replace(tzinfo=None, microsecond=0)
    append(gettext("Generated"), Styled(generated, style_id(ws, number_format="yyyy-mm-dd hh:mm")),
           export.generated_at.tzname() or "")
    append(gettext("Catalog data as of"),
           ", ".join(str(y) for y in export.catalog_years) or gettext("unknown"),
           "", "", "", gettext("The years the program facts were published; see the Sources "
                               "sheet."))
    append(gettext("Scoring model"), export.scoring_version)
    append(gettext("Counts below are formulas over the Tracker sheet: they follow your edits."))

    section(gettext("Profile"))
    for label, value in export.profile_lines:
        append(label, value)

    section(gettext("Programs per tier and status"))
    append(*headers(gettext_noop("Status"), gettext_noop("Tier 1"), gettext_noop("Tier 2"),
                    gettext_noop("Tier 3"), gettext_noop("All")))
    for label in status_labels():
        append(label, *(Formula(f'=COUNTIFS({tiers},{tier},{statuses},"{label}")')
                        for tier in (1, 2, 3)),
               Formula(f'=COUNTIFS({statuses},"{label}")'))
    append(Styled(gettext("All programs"), bold),
           *(Formula(f"=COUNTIFS({tiers},{tier})") for tier in (1, 2, 3)),
           Formula(f'=COUNTIFS({tiers},">=1",{tiers},"<=3")'))
    append(gettext("Signals sent"), Formula(f'=COUNTIFS({signals},"{yes}")'))

    section(gettext("Cost of the list"))
    eras_source = gettext(ERAS_FEE_SOURCE)
    first = append(gettext("ERAS fee per program, first programs of a specialty (USD)"),
                   budget.ERAS_FEE_FIRST_PROGRAMS_USD, "", "", "", eras_source)
    cheap = append(gettext("Programs per specialty at that fee"),
                   budget.ERAS_CHEAP_PROGRAMS_PER_SPECIALTY, "", "", "", eras_source)
    later = append(gettext("ERAS fee per program after those (USD)"),
                   budget.ERAS_FEE_LATER_PROGRAMS_USD, "", "", "", eras_source)
    append(*headers(gettext_noop("Specialty"), gettext_noop("Programs planned"),
                    gettext_noop("ERAS fees (USD)")), "", "",
           gettext("Planned: every program on the Tracker except those marked Withdrawn."))
    specialty_lines = []
    for name in sorted({row.specialty for row in export.rows}):
        n = len(lines) + 1
        specialty_lines.append(append(
            name,
            Formula(f'=COUNTIFS({specialties},A{n},{statuses},"<>{withdrawn}")'),
            Formula(f"=MIN(B{n},$B${cheap})*$B${first}+MAX(B{n}-$B${cheap},0)*$B${later}"),
        ))
    eras_total = len(lines) + 1
    fees_sum = Formula(f"=SUM(C{specialty_lines[0]}:C{specialty_lines[-1]})"
                       if specialty_lines else "=0")
    append(Styled(gettext("ERAS fees by the 2026 schedule (USD)"), bold), "", fees_sum)
    append(gettext("Fee column of the Tracker, total (USD)"), "", Formula(f"=SUM({fees})"),
           "", "",
           gettext("Your recorded fees, or the schedule's fee where you recorded none."))
    token = append(gettext("ECFMG ERAS token (USD)"), "", budget.ECFMG_ERAS_TOKEN_USD, "", "",
                   gettext(ECFMG_TOKEN_SOURCE))
    transcript = append(gettext("USMLE transcript (USD)"), "", budget.USMLE_TRANSCRIPT_USD, "",
                        "", gettext(TRANSCRIPT_SOURCE))
    append(Styled(gettext("Season total (USD)"), bold), "",
           Formula(f"=C{eras_total}+C{token}+C{transcript}"), "", "",
           gettext("ERAS fees by the schedule plus the fixed costs; NRMP registration and "
                   "interview costs are not included."))
    ws.append_rows(lines)


def _write_plain_sheet(wb: Workbook, title: str, columns: Sequence[Column],
                       rows: Iterable[Any], count: int) -> None:
    ws = rows_sheet(wb, gettext(title))
    _start_table(ws, columns, count)
    _header_row(ws, (column.header for column in columns))
    ws.append_rows(row.values() for row in rows)


SOURCE_COLUMNS: tuple[Column, ...] = (
    Column(gettext_noop("Source"), 50),
    Column(gettext_noop("Publisher"), 34),
    Column(gettext_noop("Year(s) used"), 12),
    Column(gettext_noop("Licence"), 60),
    Column(gettext_noop("Attribution"), 44),
    Column(gettext_noop("Web address"), 32),
)


def write_xlsx(export: TrackerExport, out: IO[bytes]) -> None:
    """The workbook: Summary, Tracker, Candidates (when asked for), SOAP, Sources.

    Written in openpyxl's write-only mode, which streams rows and still takes column widths,
    frozen panes, filters, validations and conditional formats (set before the first row).
    """
    wb = Workbook(write_only=True)
    _write_summary(wb, export)
    _write_tracker(wb, export.rows)
    if export.candidates:
        _write_plain_sheet(wb, SHEET_CANDIDATES, CANDIDATE_COLUMNS, export.candidates,
                           len(export.candidates))
    if export.soap:
        _write_soap(wb, export)
    _write_plain_sheet(wb, SHEET_SOURCES, SOURCE_COLUMNS, export.sources, len(export.sources))
    save(wb, out)


def write_soap_xlsx(export: TrackerExport, out: IO[bytes]) -> None:
    """The SOAP backup list alone, with its sources: what the SOAP page's download holds."""
    wb = Workbook(write_only=True)
    _write_soap(wb, export)
    _write_plain_sheet(wb, SHEET_SOURCES, SOURCE_COLUMNS, export.sources, len(export.sources))
    save(wb, out)


def _write_soap(wb: Workbook, export: TrackerExport) -> None:
    """The SOAP backup list, its limit and source on the first line (the upload reads only
    the Tracker sheet, so this one is never read back)."""
    ws = rows_sheet(wb, gettext(SHEET_SOAP))
    for index, column in enumerate(SOAP_COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(index)].width = column.width
    ws.freeze_panes = "A3"
    ws.append_rows([[export.soap_note]], [style_id(ws, font=SECTION_FONT)])
    _header_row(ws, (column.header for column in SOAP_COLUMNS))
    ws.append_rows(row.values() for row in export.soap)


def csv_guard(value: Any) -> Any:
    """Text a spreadsheet would read as a formula gets a leading apostrophe (OWASP's CSV
    injection advice); ``tracker.tracking.unguard`` removes it on the way back."""
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
    writer.writerow([gettext(header) for header in TRACKER_HEADERS])
    words = row_words()
    for row in rows:
        writer.writerow([_csv_value(value) for value in row.values(words)])
