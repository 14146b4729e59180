"""A tracking save's changed fields as one entry of the history keeps them on disk.

The history shows a save as its fields' labels ("Status, Date applied"), their old values and
their new ones, in words ("Status: Not started; Date applied: —"). Kept as those words, a save
that set five fields took about 280 bytes of labels and dashes, and every applicant makes some
eighty saves a season. It is kept instead as one short line of the raw values: per field one
letter, the old value and the new one, e.g. ``s0\x1f2\x1ea\x1f20260924`` (status from
Not started to Applied, date applied from none to 24 September); ``shown`` gives back the very
words the history showed. A value the line cannot hold (a note with a separator character in
it) is kept as words, as before. Dates are written without their dashes and fees without
trailing zeros (``31`` for $31.00), some forty saves of a season each holding both; lines
written before, with ``2026-09-24`` and ``31.00``, read as they did.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import override

from tiering.status import Status, StatusField

# Between two fields of a save, and between a field's old and new value.
FIELDS_SEPARATOR = "\x1e"
VALUES_SEPARATOR = "\x1f"
# The longest text a history line shows (its stored words were cut there).
SHOWN_MAX = 200

FIELD_LABELS: dict[str, str] = {
    "status": "Status",
    "signal": "Signal",
    "date_applied": "Date applied",
    "interview_date": "Interview date",
    "letters_sent": "Letters sent",
    "fee": "Fee",
    "notes": "Notes",
}
LETTERS = {"status": "s", "signal": "g", "date_applied": "a", "interview_date": "i",
           "letters_sent": "l", "fee": "f", "notes": "n"}
FIELDS = {letter: name for name, letter in LETTERS.items()}
STATUSES = StatusField.NAMES  # a status is kept as its place in this order, as on an entry


def display(field_name: str, value: Any) -> str:
    """A tracking field's value in the words the history and the upload preview use."""
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


def shown_words(changes: Sequence[tuple[str, Any, Any]]) -> tuple[str, str, str]:
    """(fields, before, after) as the history shows one save: one field reads "Status",
    "Not started", "Applied"; several read as "label: value" pairs."""
    if len(changes) == 1:
        [(name, old, new)] = changes
        return (FIELD_LABELS[name], display(name, old)[:SHOWN_MAX],
                display(name, new)[:SHOWN_MAX])
    return (", ".join(FIELD_LABELS[name] for name, _, _ in changes),
            "; ".join(f"{FIELD_LABELS[name]}: {display(name, old) or '-'}"
                      for name, old, _ in changes)[:SHOWN_MAX],
            "; ".join(f"{FIELD_LABELS[name]}: {display(name, new) or '-'}"
                      for name, _, new in changes)[:SHOWN_MAX])


def _raw(name: str, value: Any) -> str:
    if value is None or value == "":
        return ""
    if name == "status":
        return str(STATUSES.index(value))
    if name == "signal":
        return "1" if value else "0"
    if name == "notes":
        # What the history shows of a note is cut at SHOWN_MAX characters: keeping more
        # would store what nobody reads.
        return str(value)[:SHOWN_MAX]
    if name == "fee":
        # 31 for $31.00: the history shows a fee with its two decimals whatever is kept.
        return format(Decimal(str(value)).normalize(), "f")
    if isinstance(value, date):
        # 20260924: date.fromisoformat reads it as it reads 2026-09-24.
        return f"{value.year:04d}{value.month:02d}{value.day:02d}"
    return str(value)


def _value(name: str, raw: str) -> Any:
    if raw == "":
        return "" if name == "notes" else None
    if name == "status":
        return STATUSES[int(raw)]
    if name == "signal":
        return raw == "1"
    if name in ("date_applied", "interview_date"):
        return date.fromisoformat(raw)
    if name == "letters_sent":
        return int(raw)
    if name == "fee":
        return Decimal(raw)
    return raw


def encode(changes: Sequence[tuple[str, Any, Any]]) -> str | None:
    """The stored line for a save's (field, old, new) changes, or None when the line could not
    give back the same words (the caller then keeps the words)."""
    try:
        parts = [LETTERS[name] + _raw(name, old) + VALUES_SEPARATOR + _raw(name, new)
                 for name, old, new in changes]
    except (KeyError, ValueError):
        return None
    if not parts or any(part.count(VALUES_SEPARATOR) != 1 or FIELDS_SEPARATOR in part
                        for part in parts):
        return None
    line = FIELDS_SEPARATOR.join(parts)
    try:
        with override("en"):
            if shown(line) != shown_words(changes):
                return None
    except (ValueError, IndexError, InvalidOperation):
        return None
    return line


def decode(line: str) -> list[tuple[str, Any, Any]]:
    """The (field, old, new) changes of a stored line."""
    changes = []
    for part in line.split(FIELDS_SEPARATOR):
        name = FIELDS[part[0]]
        old, new = part[1:].split(VALUES_SEPARATOR)
        changes.append((name, _value(name, old), _value(name, new)))
    return changes


def shown(line: str) -> tuple[str, str, str]:
    """(fields, before, after) of a stored line, in the words the history shows, in English
    like the labels: the history's ``stored`` filter puts them in the reader's language."""
    with override("en"):
        return shown_words(decode(line))
