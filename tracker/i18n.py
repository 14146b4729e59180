"""Reading a tracker back in any of the site's languages.

The workbook and CSV are written in the user's language (``tracker.workbook``), so an uploaded
file may say "Seguimiento", "Estado" or "Enviada" where the upload expects "Tracker", "Status"
or "Applied". These functions map every translation of a sheet name, header, status or Yes/No
(in every language of settings.LANGUAGES) back to the canonical English text that
``tracker.columns`` defines and ``tracker.tracking`` is keyed by. Case and outer spaces do not
matter; unknown text comes back as it was given (stripped), so the upload's own error message
names what the user wrote.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache

from django.conf import settings
from django.utils.translation import gettext, gettext_noop, override

from tiering.models import Status
from tracker.columns import (
    CANDIDATE_COLUMNS,
    NO,
    SHEET_CANDIDATES,
    SHEET_SOAP,
    SHEET_SOURCES,
    SHEET_SUMMARY,
    SHEET_TRACKER,
    STATUS_LABELS,
    TRACKER_HEADERS,
    YES,
)

# The labels tiering.event_changes gives the fields a save changed (its FIELD_LABELS); the preview
# page translates them, so they must be in the catalog even though that module is not marked.
FIELD_LABELS = (
    gettext_noop("Status"), gettext_noop("Signal"), gettext_noop("Date applied"),
    gettext_noop("Interview date"), gettext_noop("Letters sent"), gettext_noop("Fee"),
    gettext_noop("Notes"),
)
SHEETS = (SHEET_SUMMARY, SHEET_TRACKER, SHEET_CANDIDATES, SHEET_SOAP, SHEET_SOURCES)


def _key(text: object) -> str:
    return " ".join(str(text).split()).casefold()


def _aliases(canonical: Iterable[str], translate=gettext) -> dict[str, str]:
    """{translated text, folded: canonical English} for every language we serve."""
    canonical = tuple(canonical)
    aliases = {_key(text): text for text in canonical}
    for code, _name in settings.LANGUAGES:
        with override(code):
            for text in canonical:
                aliases.setdefault(_key(translate(text)), text)
    return aliases


@cache
def _header_aliases() -> dict[str, str]:
    headers = (*TRACKER_HEADERS, *(column.header for column in CANDIDATE_COLUMNS))
    return _aliases(dict.fromkeys(headers))


@cache
def _status_aliases() -> dict[str, str]:
    with override("en"):
        english = {str(label): value for value, label in Status.choices}

    def status_label(text: str) -> str:
        return str(Status(english[text]).label)

    return _aliases(STATUS_LABELS, status_label)


@cache
def _yes_no_aliases() -> dict[str, str]:
    return _aliases((YES, NO))


@cache
def _sheet_aliases() -> dict[str, str]:
    return _aliases(SHEETS)


def header_aliases() -> dict[str, str]:
    """Every header, in every language and folded (lower case, single spaces), mapped to its
    canonical English header; statuses likewise in ``status_aliases``."""
    return dict(_header_aliases())


def status_aliases() -> dict[str, str]:
    return dict(_status_aliases())


def canonical_header(text: object) -> str:
    """'Estado' -> 'Status', 'Fecha de envío' -> 'Date applied'; unknown text, stripped."""
    return _header_aliases().get(_key(text), str(text).strip())


def canonical_status(text: object) -> str:
    """'Enviada' -> 'Applied'; unknown text, stripped."""
    return _status_aliases().get(_key(text), str(text).strip())


def canonical_yes_no(text: object) -> str:
    """'Sí' (or 'si') -> 'Yes', 'No' -> 'No'; unknown text, stripped."""
    key = _key(text)
    if key == "si":  # typed without the accent, as on many keyboards
        key = _key(gettext_in("es", YES))
    return _yes_no_aliases().get(key, str(text).strip())


def canonical_sheet(text: object) -> str:
    """'Seguimiento' -> 'Tracker'; unknown text, stripped."""
    return _sheet_aliases().get(_key(text), str(text).strip())


def tracker_sheet_name(sheet_names: Iterable[str]) -> str | None:
    """The name of the Tracker sheet among a workbook's sheets, whatever its language."""
    for name in sheet_names:
        if canonical_sheet(name) == SHEET_TRACKER:
            return name
    return None


def gettext_in(language: str, text: str) -> str:
    with override(language):
        return gettext(text)
