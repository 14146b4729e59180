"""The workbook's and the CSV's layout: columns, sheet names and the labels in their cells.

The constants are the canonical English names, which the upload (``tracker.tracking``) and the
formulas' positions are keyed by; marked with gettext_noop so that makemessages finds them, and
written through gettext in the user's language. ``tracker.i18n`` maps any language back.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext, gettext_noop, override
from openpyxl.utils import get_column_letter

from programs.models import TriState
from tiering.models import Status

# ---------------------------------------------------------------------------------------------
# Columns
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Column:
    header: str
    width: float


TRACKER_COLUMNS: tuple[Column, ...] = (
    Column(gettext_noop("Tier"), 6),
    Column(gettext_noop("Program"), 44),
    Column(gettext_noop("ACGME id"), 12),
    Column(gettext_noop("Specialty"), 22),
    Column(gettext_noop("City"), 16),
    Column(gettext_noop("State"), 7),
    Column(gettext_noop("Border distance (km)"), 11),
    Column(gettext_noop("J-1"), 9),
    Column(gettext_noop("H-1B"), 9),
    Column(gettext_noop("IMG share (%)"), 9),
    Column(gettext_noop("Non-US IMG share (%)"), 10),
    Column(gettext_noop("Score"), 7),
    Column(gettext_noop("Confidence"), 11),
    Column(gettext_noop("Why"), 70),
    Column(gettext_noop("Website"), 32),
    Column(gettext_noop("Status"), 18),
    Column(gettext_noop("Signal"), 8),
    Column(gettext_noop("Date applied"), 13),
    Column(gettext_noop("Interview date"), 13),
    Column(gettext_noop("Letters sent"), 9),
    Column(gettext_noop("Fee (USD)"), 10),
    Column(gettext_noop("Notes"), 44),
    # What the pages print beside the visa and IMG facts: "J-1: verified on DATE; IMG share:
    # 2025". Last, so that the working columns keep their letters.
    Column(gettext_noop("As of"), 40),
)
TRACKER_HEADERS: tuple[str, ...] = tuple(column.header for column in TRACKER_COLUMNS)
ACGME_ID_HEADER = gettext_noop("ACGME id")
# The working columns a user fills in, by ListEntry field; the upload reads back these.
TRACKING_HEADERS: dict[str, str] = {
    "status": gettext_noop("Status"),
    "signal": gettext_noop("Signal"),
    "date_applied": gettext_noop("Date applied"),
    "interview_date": gettext_noop("Interview date"),
    "letters_sent": gettext_noop("Letters sent"),
    "fee": gettext_noop("Fee (USD)"),
    "notes": gettext_noop("Notes"),
}
_COLUMN = {header: index for index, header in enumerate(TRACKER_HEADERS, start=1)}


def column_letter(header: str) -> str:
    return get_column_letter(_COLUMN[header])


CANDIDATE_COLUMNS: tuple[Column, ...] = (
    Column(gettext_noop("Tier"), 14),
    Column(gettext_noop("Score"), 7),
    Column(gettext_noop("Program"), 44),
    Column(gettext_noop("ACGME id"), 12),
    Column(gettext_noop("Specialty"), 22),
    Column(gettext_noop("City"), 16),
    Column(gettext_noop("State"), 7),
    Column(gettext_noop("J-1"), 9),
    Column(gettext_noop("H-1B"), 9),
    Column(gettext_noop("As of"), 40),
    Column(gettext_noop("Why (or why not eligible)"), 90),
)

# The SOAP backup list (strategy.soap): read by no upload.
SOAP_COLUMNS: tuple[Column, ...] = (
    Column(gettext_noop("Order"), 7),
    Column(gettext_noop("Program"), 44),
    Column(gettext_noop("ACGME id"), 12),
    Column(gettext_noop("Specialty"), 22),
    Column(gettext_noop("City"), 16),
    Column(gettext_noop("State"), 7),
    Column(gettext_noop("Tier"), 8),
    Column(gettext_noop("Score"), 7),
    Column(gettext_noop("On the main list"), 10),
    Column(gettext_noop("Why"), 90),
)

SHEET_SUMMARY = gettext_noop("Summary")
SHEET_TRACKER = gettext_noop("Tracker")
SHEET_CANDIDATES = gettext_noop("Candidates")  # only when the user asks for it
SHEET_SOURCES = gettext_noop("Sources")
# The Supplemental Offer and Acceptance Program's backup list.
SHEET_SOAP = gettext_noop("SOAP")

# Canonical (English) whatever language is active when this module is first imported.
with override("en"):
    STATUS_LABELS: tuple[str, ...] = tuple(str(label) for _, label in Status.choices)
YES, NO = gettext_noop("Yes"), gettext_noop("No")
_TRISTATE = {TriState.YES: YES, TriState.NO: NO, TriState.UNKNOWN: gettext_noop("Unknown")}


def status_labels() -> tuple[str, ...]:
    """The status labels in the active language, in the order of the choices."""
    return tuple(str(label) for _, label in Status.choices)


def yes_no(value: bool) -> str:
    return gettext(YES) if value else gettext(NO)


def tristate(value: str) -> str:
    return gettext(_TRISTATE[value]) if value in _TRISTATE else value

# Where the fee figures come from; the constants and their full notes are in tiering.budget.
ERAS_FEE_SOURCE = gettext_noop("AAMC, Fees for 2026 ERAS Season")
ECFMG_TOKEN_SOURCE = gettext_noop("ECFMG, ecfmg.org/eras: the 2024 figure, the last one verified")
TRANSCRIPT_SOURCE = gettext_noop("AAMC, Fees for ERAS Residency Applications, 2024 season")
