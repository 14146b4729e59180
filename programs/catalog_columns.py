"""The catalog file's columns: which facts it holds and how each cell is read.

Each parser turns the text of one cell into the model's value, or raises CellError with what
is expected; docs/catalog-format.md describes the same columns for people.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from typing import Any

from programs.models import (
    PROVENANCE_KEYS,
    US_STATES,
    ScoreBand,
    Setting,
    Strictness,
    TriState,
)


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


def read_acgme_id(value: str) -> str:
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


def read_other_values(value: str) -> list[dict[str, Any]]:
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
