"""Reading one cell of an uploaded tracker: each parser turns what a spreadsheet gives back
(text, a number, a date, a formula's value) into the value the list stores, or a CellError that
says what is expected."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from tiering.models import Status
from tracker.i18n import canonical_status, canonical_yes_no
from tracker.workbook import FORMULA_PREFIXES, clean_text

FIRST_YEAR, LAST_YEAR = 2000, 2100
MAX_LETTERS = 100
MAX_FEE = Decimal("99999.99")  # ListEntry.fee holds 7 digits with 2 decimals
MAX_NOTES = 10_000

_STATUS_BY_TEXT = {
    **{str(label).lower(): value for value, label in Status.choices},
    **{value: value for value in Status.values},
}
_TRUE = {"yes", "y", "true", "1", "x"}
_FALSE = {"no", "n", "false", "0", ""}


class CellError(ValueError):
    """A cell that cannot be read; the message says what is expected."""


def normalize_notes(text: str) -> str:
    """Notes as the workbook gives them back: XML-safe, Unix line ends, no outer spaces."""
    return clean_text(text).replace("\r\n", "\n").replace("\r", "\n").strip()


def unguard(text: str) -> str:
    """Remove the apostrophe the CSV writer puts before text that looks like a formula."""
    if text.startswith("'") and text[1:].startswith(FORMULA_PREFIXES):
        return text[1:]
    return text


# ---------------------------------------------------------------------------------------------
# Cells
# ---------------------------------------------------------------------------------------------


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def parse_status(value: Any) -> str:
    if _blank(value):
        return Status.NOT_STARTED
    key = canonical_status(str(value)).strip().lower()
    if key not in _STATUS_BY_TEXT:
        raise CellError(f"{value!r} is not a status; use one of: "
                        + ", ".join(str(label) for _, label in Status.choices))
    return _STATUS_BY_TEXT[key]


def parse_signal(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    key = "" if value is None else canonical_yes_no(str(value)).strip().lower()
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    if key in _TRUE:
        return True
    if key in _FALSE:
        return False
    raise CellError(f"{value!r} is not Yes or No")


def parse_date(value: Any) -> date | None:
    if _blank(value):
        return None
    if isinstance(value, datetime):
        parsed = value.date()
    elif isinstance(value, date):
        parsed = value
    elif isinstance(value, str):
        try:
            parsed = date.fromisoformat(value.strip())
        except ValueError:
            raise CellError(f"{value!r} is not a date; enter a date such as 2026-10-01") from None
    else:
        # A bare number is what a date becomes when its cell lost its date format; reading it
        # as a serial date would silently turn a typo into a date.
        raise CellError(f"{value!r} is not a date; enter a date such as 2026-10-01")
    if not FIRST_YEAR <= parsed.year <= LAST_YEAR:
        raise CellError(f"{parsed.isoformat()} is not between {FIRST_YEAR} and {LAST_YEAR}")
    return parsed


def parse_letters(value: Any) -> int | None:
    if _blank(value):
        return None
    try:
        number = float(str(value).strip()) if isinstance(value, str) else float(value)
    except (TypeError, ValueError):
        raise CellError(f"{value!r} is not a whole number") from None
    if not number.is_integer() or not 0 <= number <= MAX_LETTERS:
        raise CellError(f"{value!r} is not a whole number from 0 to {MAX_LETTERS}")
    return int(number)


def parse_fee(value: Any) -> Decimal | None:
    if _blank(value):
        return None
    if isinstance(value, bool):
        raise CellError(f"{value!r} is not an amount in US dollars")
    text = str(value).strip().lstrip("$").replace(",", "")
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise CellError(f"{value!r} is not an amount in US dollars") from None
    if not amount.is_finite() or not Decimal(0) <= amount <= MAX_FEE:
        raise CellError(f"{value!r} is not an amount from 0 to {MAX_FEE:,}")
    return amount.quantize(Decimal("0.01"))


def parse_notes(value: Any) -> str:
    if _blank(value):
        return ""
    if isinstance(value, datetime | date):
        text = value.isoformat()
    elif isinstance(value, float) and value.is_integer():
        text = str(int(value))
    else:
        text = str(value)
    text = normalize_notes(unguard(text))
    if len(text) > MAX_NOTES:
        raise CellError(f"is longer than {MAX_NOTES:,} characters")
    return text


def parse_acgme_id(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    if text.endswith(".0"):
        text = text[:-2]
    # A spreadsheet that turned the id into a number dropped its leading zero.
    if not text.isdigit() or len(text) > 10:
        raise CellError(f"{value!r} is not an ACGME program id (10 digits)")
    return text.zfill(10)


PARSERS = {
    "status": parse_status,
    "signal": parse_signal,
    "date_applied": parse_date,
    "interview_date": parse_date,
    "letters_sent": parse_letters,
    "fee": parse_fee,
    "notes": parse_notes,
}
