"""The community a program serves, from its county: the share of people who speak Spanish at
home (Census ACS) and whether the county holds a primary-care shortage area (HRSA).

Both are facts about the program's county (its city's county, from simplemaps), not about the
program. A program without a county, or whose county the source does not list, keeps both
unknown; ``unknown_reason`` says which. Mental-health shortage areas stay unknown for every
program: no public copy of HRSA's mental-health list was found (docs/data-sources.md).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from programs.catalog_build.common import CatalogBuildError, Program, Provenance, _read_csv

ACS_DIR = "acs-county-language-2019-2023-bazilakram"
ACS_FILE = f"{ACS_DIR}/counties_stats.json"
HPSA_DIR = "hrsa-hpsa-primary-care-2020-urban-institute"
HPSA_FILE = f"{HPSA_DIR}/HPSA_2020.csv"
# Folders added for issue 28: a raw folder collected before them cannot rebuild the catalog.
COMMUNITY_DIRS: tuple[str, ...] = (ACS_DIR, HPSA_DIR)

# The year of an ACS 5-year release is the last year of its period (the Census Bureau's "2023
# ACS 5-year estimates" cover 2019-2023); the period itself is written beside the figure.
ACS_PERIOD_YEARS = 5
HPSA_YEAR = 2020
HPSA_SCORE_RANGE = (1, 26)  # HRSA primary-care scores run 0-25 (26 for some); 0 means none


@dataclass(frozen=True)
class SpanishShare:
    pct: float  # one decimal
    period: str  # "2019-2023"
    year: int  # last year of the period


def acs_source(year: int) -> Provenance:
    return Provenance(f"acs-{year - ACS_PERIOD_YEARS + 1}-{year}", year)


HPSA_PRIMARY_CARE = Provenance("hrsa-hpsa-pc-2020", HPSA_YEAR)


def missing_community_dirs(raw: Path) -> list[str]:
    return [name for name in COMMUNITY_DIRS if not (raw / name).is_dir()]


def read_spanish_shares(raw: Path) -> dict[str, SpanishShare]:
    """County FIPS -> share of the population aged 5 and over who speak Spanish at home
    (C16001_003E / C16001_001E)."""
    data = json.loads((raw / ACS_FILE).read_text(encoding="utf-8"))
    shares: dict[str, SpanishShare] = {}
    for fips, county in sorted(data.items()):
        base, spanish, year = county.get("lang_base5"), county.get("spanish"), county.get("year")
        if len(fips) != 5 or not fips.isdigit() or not isinstance(year, int):
            raise CatalogBuildError(f"ACS county {fips!r}: bad FIPS code or year {year!r}")
        if not isinstance(base, int) or not isinstance(spanish, int) or base <= 0:
            raise CatalogBuildError(f"ACS county {fips}: population 5+ {base!r}, Spanish "
                                    f"{spanish!r}")
        if not 0 <= spanish <= base:
            raise CatalogBuildError(f"ACS county {fips}: {spanish} Spanish speakers of {base}")
        period = f"{year - ACS_PERIOD_YEARS + 1}-{year}"
        shares[fips] = SpanishShare(round(100 * spanish / base, 1), period, year)
    years = {share.year for share in shares.values()}
    if len(years) != 1:
        # Figures of different releases are never shown as one (docs/scoring.md 3.2).
        raise CatalogBuildError(f"ACS file mixes releases: {sorted(years)}")
    return shares


def read_primary_care_hpsa(raw: Path) -> dict[str, int]:
    """County FIPS -> highest score of the designated geographic primary-care HPSAs listed in
    the county, 0 when the file lists none."""
    scores: dict[str, int] = {}
    for row in _read_csv(raw / HPSA_FILE):
        fips = row["state"] + row["county"]
        if len(fips) != 5 or not fips.isdigit() or row["year"] != str(HPSA_YEAR):
            raise CatalogBuildError(f"HPSA row {row!r}: bad county or year")
        score = float(row["hpsascore"])
        low, high = HPSA_SCORE_RANGE
        if score != 0 and not (score.is_integer() and low <= score <= high):
            raise CatalogBuildError(f"HPSA county {fips}: score {row['hpsascore']!r}")
        scores[fips] = max(scores.get(fips, 0), int(score))
    return scores


@dataclass
class CommunityReport:
    spanish_known: int = 0
    hpsa_known: int = 0
    hpsa_yes: int = 0
    # reason -> number of programs, for each fact left unknown
    spanish_unknown: Counter[str] = field(default_factory=Counter)
    hpsa_unknown: Counter[str] = field(default_factory=Counter)


NO_COUNTY = "no county (city not located, or a city of several counties)"
NOT_IN_SOURCE = "county not in the source"


def add_community_facts(
    programs: Mapping[str, Program],
    shares: Mapping[str, SpanishShare],
    hpsa: Mapping[str, int],
) -> CommunityReport:
    report = CommunityReport()
    for acgme_id in sorted(programs):
        program = programs[acgme_id]
        county = str(program.get("county_fips") or "")
        if not county:
            report.spanish_unknown[NO_COUNTY] += 1
            report.hpsa_unknown[NO_COUNTY] += 1
            continue
        share = shares.get(county)
        if share is None:
            report.spanish_unknown[NOT_IN_SOURCE] += 1
        else:
            report.spanish_known += 1
            program.set(
                "county_spanish_share",
                {"county_spanish_share": share.pct, "county_spanish_share_period": share.period},
                acs_source(share.year),
            )
        score = hpsa.get(county)
        if score is None:
            # Connecticut's planning regions (2022) and the territories are not in the 2020 file.
            report.hpsa_unknown[NOT_IN_SOURCE] += 1
            continue
        report.hpsa_known += 1
        report.hpsa_yes += score > 0
        program.set(
            "hpsa_primary_care",
            {"hpsa_primary_care": "yes" if score else "no",
             "hpsa_primary_care_score": score or None},
            HPSA_PRIMARY_CARE,
        )
    return report


def unknown_reason(county_fips: str) -> str:
    """Why a county fact is unknown for a program (the same rule as the build)."""
    return NOT_IN_SOURCE if county_fips else NO_COUNTY
