"""Paths, the output's columns and choices, the program record, and text clean-up shared by
every source reader."""

from __future__ import annotations

import csv
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent.parent
# CATALOG_RAW points elsewhere, e.g. from a git worktree that is not beside ../shared.
DEFAULT_RAW = Path(os.environ.get("CATALOG_RAW") or REPO_ROOT.parent / "shared" / "data" / "raw")
DEFAULT_OUT = REPO_ROOT / "fixtures" / "catalog.csv"

ERAS_DIR = "eras-programs-2021-homebase3"
AAMC_FILE = "aamc-residency-explorer-2021-homebase3/aamc_residency_explorer_2021_combined.csv"
FREIDA_FILE = "freida-im-2025-avinashsvinu/freida_programs_output_with_academic_year.csv"
PAGES_FILE = "border-program-requirements-webpages/border_program_requirements_from_webpages.csv"
PLACES_FILE = "geo-simplemaps-uscities/uscities.csv"

BORDER_REGION_KM = 100  # La Paz Agreement (1983), as in programs.models

Value = str | int | float | None

# Provenance key -> the columns it covers, in the column order of docs/catalog-format.md.
# The keys are programs.models.PROVENANCE_KEYS (a test checks they stay the same).
FACT_GROUPS: dict[str, tuple[str, ...]] = {
    "identity": ("name", "specialty_code", "specialty_name", "city", "state"),
    "zip_code": ("zip_code",),
    "location": ("latitude", "longitude", "county_fips"),
    "border_distance_km": ("border_distance_km",),
    "setting": ("setting",),
    "pgy1_positions": ("pgy1_positions",),
    "j1_accepted": ("j1_accepted",),
    "h1b_sponsored": ("h1b_sponsored",),
    "img_share_pct": ("img_share_pct",),
    "non_us_img_share_pct": ("non_us_img_share_pct",),
    "step_score_band": ("step_score_band",),
    "participates_in_eras": ("participates_in_eras",),
    "citizens_only": ("citizens_only",),
    "min_step2_score": ("min_step2_score", "min_step2_strictness"),
    "max_years_since_graduation": (
        "max_years_since_graduation",
        "max_years_since_graduation_strictness",
    ),
    "max_attempts_per_step": ("max_attempts_per_step", "max_attempts_per_step_strictness"),
    "min_usce_months": ("min_usce_months", "min_usce_months_strictness"),
    "step3_required": ("step3_required", "step3_strictness"),
    "medical_spanish": ("medical_spanish",),
    "website": ("website",),
    # Added for issue 12: the armed-forces mark and two stated conditions.
    "armed_forces": ("armed_forces",),
    "usce_within_years": ("usce_within_years",),
    "steps_within_years": ("steps_within_years",),
    # Added for issue 28: the program's county (docs/data-sources.md, "community facts").
    "county_spanish_share": ("county_spanish_share", "county_spanish_share_period"),
    "hpsa_primary_care": ("hpsa_primary_care", "hpsa_primary_care_score"),
    "hpsa_mental_health": ("hpsa_mental_health", "hpsa_mental_health_score"),
}
GROUP_OF: dict[str, str] = {col: key for key, cols in FACT_GROUPS.items() for col in cols}
FACT_COLUMNS: tuple[str, ...] = tuple(GROUP_OF)
PROVENANCE_COLUMNS: tuple[str, ...] = tuple(
    f"{key}_{part}" for key in FACT_GROUPS for part in ("source", "year", "url")
)
# Values a fact had in another source: a JSON list of {"key", "value", "source", "year", "url",
# "kind"}; kind "conflict" (two current answers disagree) or "replaced" (by a later
# source in the build order). The page shows both; the scoring treats a conflict as unknown.
OTHER_VALUES = "other_values"
COLUMNS: tuple[str, ...] = ("acgme_id", *FACT_COLUMNS, *PROVENANCE_COLUMNS, OTHER_VALUES)
# Facts whose replaced values are kept (the ones the scoring reads, and PGY-1 positions).
KEEP_EARLIER: frozenset[str] = frozenset(
    {"setting", "pgy1_positions", "j1_accepted", "h1b_sponsored", "img_share_pct",
     "citizens_only"}
)

TRI_STATE = ("yes", "no", "unknown")
STRICTNESS = ("strict", "preferred")
SETTINGS = ("university", "university_affiliated_community", "community", "military", "other")
SCORE_BANDS = ("below_210", "210_225", "226_235", "236_245", "above_245")
CHOICES: dict[str, tuple[str, ...]] = {
    "setting": SETTINGS,
    "step_score_band": SCORE_BANDS,
    **{col: TRI_STATE for col in ("j1_accepted", "h1b_sponsored", "participates_in_eras",
                                  "citizens_only", "step3_required", "medical_spanish",
                                  "armed_forces", "hpsa_primary_care", "hpsa_mental_health")},
    **{col: STRICTNESS for col in FACT_COLUMNS if col.endswith("_strictness")},
}

EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
# US phone numbers as written on web pages: (915) 215-5000, 915-215-5000, 915.215.5000, +1 915...
PHONE = re.compile(r"(?<!\d)(\+?1[\s.-]?)?\(?\d{3}\)?[\s.-]\d{3}[\s.-]\d{4}(?!\d)")
URL = re.compile(r"https?://[^\s/]+\.[^\s]+", re.IGNORECASE)


class CatalogBuildError(Exception):
    """The raw sources say something the build does not know how to encode."""


@dataclass(frozen=True)
class Provenance:
    source: str
    year: int | None = None
    url: str = ""


ERAS = Provenance("eras-2021", 2021)
AAMC = Provenance("aamc-re-2021", 2021)
SIMPLEMAPS = Provenance("simplemaps")
NATURAL_EARTH = Provenance("natural-earth")


@dataclass(frozen=True)
class OtherValue:
    key: str
    value: Value
    source: Provenance
    kind: str  # "conflict" | "replaced"


@dataclass
class Program:
    acgme_id: str
    facts: dict[str, Value] = field(default_factory=dict)
    provenance: dict[str, Provenance] = field(default_factory=dict)
    others: list[OtherValue] = field(default_factory=list)

    def set(self, key: str, values: Mapping[str, Value], provenance: Provenance) -> None:
        """Record one fact group; an all-empty group is unknown and leaves the old value.

        A different value it replaces is kept (for the facts in KEEP_EARLIER): as a conflict
        when both sources state the same year, else as a replaced value.
        """
        columns = FACT_GROUPS[key]
        stray = set(values) - set(columns)
        if stray:
            raise CatalogBuildError(f"{sorted(stray)} are not columns of fact {key!r}")
        if all(values.get(col) in (None, "") for col in columns):
            return
        old = self.provenance.get(key)
        if key in KEEP_EARLIER and old is not None and self.facts.get(key) != values.get(key):
            same_year = old.year is not None and old.year == provenance.year
            self.others.append(OtherValue(
                key, self.facts.get(key), old, "conflict" if same_year else "replaced"
            ))
        for col in columns:
            self.facts[col] = values.get(col)
        self.provenance[key] = provenance

    def get(self, column: str) -> Value:
        return self.facts.get(column)


# --- text clean-up -------------------------------------------------------------------------

OSTEOPATHIC_BADGE = "Osteopathic Recognized!"


def clean_name(text: str) -> str:
    """A program name on one line.

    ERAS prints an "Osteopathic Recognized!" badge on a second line of the name cell (that is the
    multi-line FM name); it is a label, not part of the name. Any other second line is refused.
    """
    first, *rest = text.replace("\xa0", " ").splitlines() or [""]
    extra = " ".join(" ".join(rest).split())
    if extra not in ("", OSTEOPATHIC_BADGE):
        raise CatalogBuildError(f"unexpected second line in program name {text!r}")
    return " ".join(first.split())


def clean_city(text: str) -> str:
    # "Fort Lauderdale," in ERAS: a stray comma, not part of the name.
    return " ".join(text.replace("\xa0", " ").split()).rstrip(",;")


def clean_website(text: str) -> str:
    """The first http(s) address in a cell, or "".

    FREIDA cells hold things like "http:// https://..." and "http://a.org;   b.com"; ERAS has
    "Http://..." and blanks. The scheme is lower-cased; the rest is kept as written. An address
    hiding an email ("http://www.gme@mchs.com") is not a website, and contacts are not kept.
    """
    for token in re.split(r"[\s;]+", text.strip()):
        if URL.fullmatch(token) and not EMAIL.search(token):
            scheme, rest = token.split("://", 1)
            return f"{scheme.lower()}://{rest}"
    return ""


def clean_zip(text: str) -> str:
    digits = text.strip()
    if re.fullmatch(r"\d{9}", digits):  # AAMC writes some ZIP+4 codes without the dash
        return f"{digits[:5]}-{digits[5:]}"
    if re.fullmatch(r"\d{5}(-\d{4})?", digits):
        return digits
    if digits:
        raise CatalogBuildError(f"unexpected ZIP code {text!r}")
    return ""


def _number(text: str, what: str) -> float | None:
    text = text.strip()
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        raise CatalogBuildError(f"{what}: {text!r} is not a number") from None


def _whole(text: str, what: str) -> int | None:
    number = _number(text, what)
    if number is None:
        return None
    if not number.is_integer() or number < 0:
        raise CatalogBuildError(f"{what}: {text!r} is not a whole number")
    return int(number)


def _read_csv(path: Path) -> list[dict[str, str]]:
    # utf-8-sig: the simplemaps file starts with a byte-order mark.
    with path.open(newline="", encoding="utf-8-sig") as handle:
        return list(csv.DictReader(handle))
