"""The program's county: Spanish spoken at home (Census ACS) and primary-care shortage areas
(HRSA), as the build derives them and as the shipped catalog holds them."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from programs.catalog_build import DEFAULT_RAW, CatalogBuildError, build_programs
from programs.catalog_build.common import Program as BuildProgram
from programs.catalog_build.common import Provenance
from programs.catalog_build.community import (
    ACS_FILE,
    COMMUNITY_DIRS,
    HPSA_FILE,
    NO_COUNTY,
    NOT_IN_SOURCE,
    SpanishShare,
    add_community_facts,
    read_spanish_shares,
)
from programs.sources import SOURCES

REPO = Path(__file__).resolve().parents[2]
CATALOG = REPO / "fixtures" / "catalog.csv"
RAW = DEFAULT_RAW
needs_county_sources = pytest.mark.skipif(
    not all((RAW / name).is_dir() for name in COMMUNITY_DIRS),
    reason="the raw folder with the county sources (SOURCES.md 13-14) is not here",
)


@pytest.fixture(scope="module")
def catalog() -> dict[str, dict[str, str]]:
    with CATALOG.open(newline="", encoding="utf-8") as handle:
        return {row["acgme_id"]: row for row in csv.DictReader(handle)}


def _program(county: str) -> BuildProgram:
    program = BuildProgram("1404899001")
    if county:
        program.set("location", {"latitude": 26.2, "longitude": -98.2, "county_fips": county},
                    Provenance("simplemaps"))
    return program


# --- the derivation ---------------------------------------------------------------------------


def test_a_county_fact_is_laid_on_from_the_programs_county_with_its_period_and_source() -> None:
    programs = {"a": _program("48215"), "b": _program("36081"), "c": _program("")}
    report = add_community_facts(
        programs, {"48215": SpanishShare(79.3, "2019-2023", 2023)}, {"48215": 0, "36081": 17}
    )

    hidalgo = programs["a"]
    assert hidalgo.get("county_spanish_share") == 79.3
    assert hidalgo.get("county_spanish_share_period") == "2019-2023"
    assert hidalgo.provenance["county_spanish_share"] == Provenance("acs-2019-2023", 2023)
    # A county listed with no geographic HPSA reads "no", with no score.
    assert (hidalgo.get("hpsa_primary_care"), hidalgo.get("hpsa_primary_care_score")) == ("no",
                                                                                          None)
    assert programs["b"].get("hpsa_primary_care") == "yes"
    assert programs["b"].get("hpsa_primary_care_score") == 17
    # Unknown stays unknown, and the report says why.
    assert programs["b"].get("county_spanish_share") is None
    assert programs["c"].facts.get("hpsa_primary_care") is None
    assert report.spanish_unknown == {NOT_IN_SOURCE: 1, NO_COUNTY: 1}
    assert report.hpsa_unknown == {NO_COUNTY: 1}
    assert (report.hpsa_known, report.hpsa_yes) == (2, 1)


def test_every_source_id_the_build_writes_is_registered_with_a_licence() -> None:
    for source in ("acs-2019-2023", "hrsa-hpsa-pc-2020"):
        assert SOURCES[source].license.startswith("Public domain")
        assert SOURCES[source].year in (2020, 2023)


def test_an_acs_file_that_mixes_releases_is_refused(tmp_path: Path) -> None:
    (tmp_path / ACS_FILE).parent.mkdir(parents=True)
    (tmp_path / ACS_FILE).write_text(json.dumps({
        "48215": {"lang_base5": 100, "spanish": 80, "year": 2023},
        "48141": {"lang_base5": 100, "spanish": 66, "year": 2022},
    }))
    with pytest.raises(CatalogBuildError, match="mixes releases"):
        read_spanish_shares(tmp_path)


def _raw_without_county_sources(tmp_path: Path) -> Path:
    copy = tmp_path / "raw"
    copy.mkdir()
    for entry in RAW.iterdir():
        if entry.name not in COMMUNITY_DIRS:
            (copy / entry.name).symlink_to(entry)
    return copy


@needs_county_sources
def test_a_raw_folder_made_before_the_county_sources_stops_the_build_naming_them(
    tmp_path: Path,
) -> None:
    with pytest.raises(CatalogBuildError, match=COMMUNITY_DIRS[0]):
        build_programs(_raw_without_county_sources(tmp_path))


@needs_county_sources
def test_the_byte_for_byte_rebuild_test_skips_on_such_a_folder_and_says_why(
    tmp_path: Path,
) -> None:
    env = {**os.environ, "CATALOG_RAW": str(_raw_without_county_sources(tmp_path))}
    test = ("tests/programs/test_catalog_build.py::"
            "test_rebuilding_from_the_raw_sources_gives_the_committed_catalog_byte_for_byte")
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider",
                          test], cwd=REPO, env=env, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "1 skipped" in run.stdout
    assert "lacks the county sources" in run.stdout


# --- the shipped catalog ------------------------------------------------------------------------


@needs_county_sources
def test_each_programs_spanish_share_is_its_countys_census_figure(catalog: dict) -> None:
    counties = json.loads((RAW / ACS_FILE).read_text(encoding="utf-8"))
    checked = 0
    for row in catalog.values():
        county = counties.get(row["county_fips"]) if row["county_fips"] else None
        if county is None:
            assert row["county_spanish_share"] == row["county_spanish_share_source"] == ""
            continue
        expected = round(100 * county["spanish"] / county["lang_base5"], 1)
        assert float(row["county_spanish_share"]) == expected, row["acgme_id"]
        assert row["county_spanish_share_period"] == "2019-2023"
        assert (row["county_spanish_share_source"], row["county_spanish_share_year"]) == (
            "acs-2019-2023", "2023")
        checked += 1
    assert checked > 4900


@needs_county_sources
def test_each_programs_shortage_area_is_its_countys_hrsa_listing(catalog: dict) -> None:
    best: dict[str, int] = {}
    with (RAW / HPSA_FILE).open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            fips = row["state"] + row["county"]
            best[fips] = max(best.get(fips, 0), int(float(row["hpsascore"])))
    for row in catalog.values():
        score = best.get(row["county_fips"]) if row["county_fips"] else None
        if score is None:
            assert row["hpsa_primary_care"] == row["hpsa_primary_care_source"] == ""
        elif score:
            assert (row["hpsa_primary_care"], row["hpsa_primary_care_score"]) == ("yes",
                                                                                  str(score))
        else:
            assert (row["hpsa_primary_care"], row["hpsa_primary_care_score"]) == ("no", "")
        if score is not None:
            assert (row["hpsa_primary_care_source"], row["hpsa_primary_care_year"]) == (
                "hrsa-hpsa-pc-2020", "2020")


def test_border_and_non_border_spanish_speaking_counties_are_told_apart(catalog: dict) -> None:
    by_city = {}
    for row in catalog.values():
        by_city.setdefault((row["city"], row["state"]), row)
    mcallen, yakima = by_city[("McAllen", "TX")], by_city[("Yakima", "WA")]
    # Both are Spanish-speaking communities; only McAllen is in the 100 km border region.
    assert float(mcallen["county_spanish_share"]) > 60
    assert float(yakima["county_spanish_share"]) > 30
    assert float(mcallen["border_distance_km"]) <= 100 < float(yakima["border_distance_km"])


def test_no_mental_health_shortage_fact_is_claimed_without_a_source(catalog: dict) -> None:
    assert {row["hpsa_mental_health"] for row in catalog.values()} == {""}
    assert {row["hpsa_mental_health_source"] for row in catalog.values()} == {""}
