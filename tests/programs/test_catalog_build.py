"""The shipped catalog: rebuilt exactly from the sources, placed right, facts only."""

from __future__ import annotations

import ast
import csv
import re
from collections import Counter
from pathlib import Path

import pytest

from programs.catalog_build import (
    COLUMNS,
    DEFAULT_RAW,
    FACT_GROUPS,
    PAGE_FACTS,
    CatalogBuildError,
    PageRow,
    Place,
    PlaceIndex,
    aamc_pgy1_positions,
    build_catalog,
    check_page_facts,
    clean_name,
    clean_website,
    locate,
    parse_freida_visas,
    place_key,
)
from programs.catalog_build.community import missing_community_dirs

REPO = Path(__file__).resolve().parents[2]
CATALOG = REPO / "fixtures" / "catalog.csv"
RAW = DEFAULT_RAW  # ../shared/data/raw, beside the repo
needs_raw = pytest.mark.skipif(
    not RAW.is_dir(), reason="the raw sources (../shared/data/raw beside the repo) are not here"
)

EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
PHONE = re.compile(r"\(?\b\d{3}\)?[\s.-]\d{3}[\s.-]\d{4}\b")
AAMC_CODE = "ACGME residency program code"


@pytest.fixture(scope="module")
def catalog() -> dict[str, dict[str, str]]:
    with CATALOG.open(newline="", encoding="utf-8") as handle:
        return {row["acgme_id"]: row for row in csv.DictReader(handle)}


@pytest.fixture(scope="module")
def rebuilt(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not RAW.is_dir():
        pytest.skip("the raw sources (../shared/data/raw beside the repo) are not here")
    if missing_community_dirs(RAW):
        # A copy of the raw folder made before the county sources were added (SOURCES.md 13-14).
        pytest.skip(f"the raw folder lacks the county sources {missing_community_dirs(RAW)}: "
                    "it predates them, so the catalog cannot be rebuilt from it")
    out = tmp_path_factory.mktemp("catalog") / "catalog.csv"
    build_catalog(RAW, out)
    return out


def _raw_csv(relative: str) -> list[dict[str, str]]:
    with (RAW / relative).open(newline="", encoding="utf-8-sig") as handle:
        return list(csv.DictReader(handle))


def _programs_in(catalog: dict[str, dict[str, str]], cities: set[str], state: str) -> list[dict]:
    return [row for row in catalog.values() if row["city"] in cities and row["state"] == state]


# --- the file as a whole ------------------------------------------------------------------------


@needs_raw
def test_rebuilding_from_the_raw_sources_gives_the_committed_catalog_byte_for_byte(
    rebuilt: Path,
) -> None:
    assert rebuilt.read_bytes() == CATALOG.read_bytes()


def test_the_file_is_plain_utf8_with_unix_line_endings() -> None:
    data = CATALOG.read_bytes()

    assert not data.startswith(b"\xef\xbb\xbf")
    assert b"\r" not in data
    assert data.endswith(b"\n")
    data.decode("utf-8")


def test_the_columns_are_those_of_the_catalog_format_in_a_fixed_order(catalog: dict) -> None:
    header = next(iter(catalog.values())).keys()
    models = (REPO / "programs" / "models.py").read_text(encoding="utf-8")
    keys_node = next(
        node.value for node in ast.walk(ast.parse(models))
        if isinstance(node, ast.AnnAssign) and getattr(node.target, "id", "") == "PROVENANCE_KEYS"
    )

    assert tuple(FACT_GROUPS) == ast.literal_eval(keys_node)
    assert tuple(header) == COLUMNS


def test_programs_are_sorted_by_acgme_id_once_each(catalog: dict) -> None:
    ids = list(catalog)

    assert ids == sorted(ids)
    assert all(re.fullmatch(r"\d{10}", acgme_id) for acgme_id in ids)


# --- counts against the sources ----------------------------------------------------------------


@needs_raw
def test_each_specialty_has_every_program_the_sources_list(catalog: dict) -> None:
    eras_ids: set[str] = set()
    for path in sorted((RAW / "eras-programs-2021-homebase3").glob("*.csv")):
        eras_ids |= {row["ID"] for row in _raw_csv(str(path.relative_to(RAW)))}
    aamc_ids = {
        row[AAMC_CODE][:10]
        for row in _raw_csv(
            "aamc-residency-explorer-2021-homebase3/aamc_residency_explorer_2021_combined.csv"
        )
    }
    freida_ids = {
        row["program_id"]
        for row in _raw_csv(
            "freida-im-2025-avinashsvinu/freida_programs_output_with_academic_year.csv"
        )
    }
    expected = Counter(i[:3] for i in eras_ids)
    expected.update(i[:3] for i in aamc_ids - eras_ids)  # in AAMC only
    expected.update(i[:3] for i in freida_ids - eras_ids - aamc_ids)  # opened since 2021

    assert Counter(row["specialty_code"] for row in catalog.values()) == expected
    # SOURCES.md section 3: the union of FREIDA, ERAS and AAMC Internal Medicine is 697 ids.
    assert expected["140"] == 697


def test_internal_medicine_keeps_one_program_per_id_under_its_categorical_name(
    catalog: dict,
) -> None:
    phoenix = "University of Arizona College of Medicine-Phoenix Program"
    assert catalog["1400321025"]["name"] == phoenix
    assert catalog["1402321160"]["name"] == "University of Maryland Program"


def test_names_are_one_line_without_the_eras_badge(catalog: dict) -> None:
    names = [row["name"] for row in catalog.values()]

    assert not [name for name in names if "\n" in name or "Osteopathic Recognized" in name]
    assert clean_name("Still OPTI Program\n\xa0Osteopathic\xa0Recognized!") == "Still OPTI Program"
    with pytest.raises(CatalogBuildError):
        clean_name("Some Program\nDirector: Jane Doe")


# --- places and the border region --------------------------------------------------------------


@pytest.mark.parametrize(
    ("cities", "state"),
    [
        ({"El Paso"}, "TX"),
        ({"Laredo"}, "TX"),
        ({"Harlingen", "McAllen", "Edinburg", "Weslaco"}, "TX"),
        ({"Las Cruces"}, "NM"),
        ({"San Diego", "La Jolla", "Chula Vista"}, "CA"),
    ],
)
def test_known_border_programs_are_in_the_100_km_region(
    catalog: dict, cities: set[str], state: str
) -> None:
    programs = _programs_in(catalog, cities, state)

    assert programs
    assert all(row["border_distance_km"] and float(row["border_distance_km"]) <= 100
               for row in programs)


@pytest.mark.parametrize(("city", "state"), [("Phoenix", "AZ"), ("San Antonio", "TX")])
def test_phoenix_and_san_antonio_programs_are_outside_the_region(
    catalog: dict, city: str, state: str
) -> None:
    programs = _programs_in(catalog, {city}, state)

    assert programs
    assert all(float(row["border_distance_km"]) > 100 for row in programs)


def test_no_program_is_placed_in_the_texas_san_diego_or_chula_vista(catalog: dict) -> None:
    # simplemaps centroids of San Diego, TX and of the three Chula Vistas in Texas.
    texas_homonyms = {
        ("27.7609", "-98.2389"), ("28.6573", "-100.4220"),
        ("28.6563", "-99.8077"), ("26.0739", "-97.4397"),
    }
    placed = {(row["latitude"], row["longitude"]) for row in catalog.values()}
    san_diegans = [row for row in catalog.values() if row["city"] in {"San Diego", "Chula Vista"}]

    assert not placed & texas_homonyms
    assert san_diegans
    assert all(row["state"] == "CA" and float(row["longitude"]) < -116 for row in san_diegans)


def test_a_city_is_matched_with_its_state_never_alone() -> None:
    def place(city: str, state: str, population: int) -> Place:
        return Place(city, state, 0.0, 0.0, "00000", population)

    texas = place("San Diego", "TX", 3_795)
    california = place("San Diego", "CA", 3_057_778)
    index = PlaceIndex(
        by_city={("sandiego", "TX"): texas, ("sandiego", "CA"): california},
        by_zip={"78384": (texas,)},
    )

    assert locate(index, "San Diego", "CA", "")[0] is california
    assert locate(index, "La Jolla", "CA", "")[0] is california  # a San Diego community
    assert locate(index, "San Diego", "NM", "78384") == (None, "")  # a Texas ZIP is not in NM


def test_city_names_match_whatever_their_spelling_of_saint_fort_and_spaces() -> None:
    assert place_key("St. Louis") == place_key("Saint Louis")
    assert place_key("Ft Walton Bch") == place_key("Fort Walton Beach")
    assert place_key("StonyBrook") == place_key("Stony Brook")
    assert place_key("Winston-Salem") == place_key("Winston Salem")
    assert place_key("Mayagüez") == place_key("Mayaguez")
    assert place_key("Oak Lawn (Chicago)") == place_key("Oak Lawn")


def test_a_program_without_a_matched_place_has_no_coordinates_at_all(catalog: dict) -> None:
    for row in catalog.values():
        located = [row["latitude"], row["longitude"], row["border_distance_km"]]
        assert all(located) or not any(located), row["acgme_id"]
        assert not row["county_fips"] or re.fullmatch(r"\d{5}", row["county_fips"])
        # A county code only where the program is located (New York City has none: see below).
        assert not row["county_fips"] or all(located), row["acgme_id"]


def test_new_york_city_programs_get_no_single_county(catalog: dict) -> None:
    manhattan = [r for r in catalog.values() if r["city"] == "New York" and r["state"] == "NY"]

    assert manhattan
    assert all(r["latitude"] and not r["county_fips"] for r in manhattan)


# --- facts only --------------------------------------------------------------------------------


def test_no_cell_holds_an_email_address_or_a_phone_number(catalog: dict) -> None:
    header = next(iter(catalog.values())).keys()
    cells = [cell for row in catalog.values() for cell in row.values()]

    assert not [c for c in header if re.search(r"mail|phone|director|coordinator|contact", c)]
    assert not [cell for cell in cells if EMAIL.search(cell)]
    assert not [cell for cell in cells if PHONE.search(cell)]


def test_a_web_address_hiding_an_email_is_not_kept_as_a_website() -> None:
    assert clean_website("http://www.gme@mchs.com") == ""
    assert clean_website("http:// https://example.org/im") == "https://example.org/im"
    assert clean_website("Http://example.org") == "http://example.org"


def test_no_free_text_column_from_the_sources_is_in_the_catalog(catalog: dict) -> None:
    header = set(next(iter(catalog.values())).keys())

    assert not header & {"special_features_text", "verbatim_quote", "note", "value_normalized",
                         "program_start_dates", "raw_ng_state_json", "field"}


@needs_raw
def test_no_free_text_from_the_sources_leaks_into_any_cell(catalog: dict) -> None:
    everything = "\x00".join(cell for row in catalog.values() for cell in row.values())
    freida = _raw_csv("freida-im-2025-avinashsvinu/freida_programs_output_with_academic_year.csv")
    pages = _raw_csv("border-program-requirements-webpages/"
                     "border_program_requirements_from_webpages.csv")
    texts = {row["special_features_text"] for row in freida}
    texts |= {row[col] for row in pages for col in ("verbatim_quote", "note", "value_normalized")}

    leaked = [text for text in texts if len(text) >= 20 and text in everything]

    assert not leaked


def test_an_unknown_fact_has_no_source_and_a_known_one_has_one(catalog: dict) -> None:
    for row in catalog.values():
        for key, columns in FACT_GROUPS.items():
            known = any(row[column] for column in columns)
            assert known == bool(row[f"{key}_source"]), (row["acgme_id"], key)
            if not known:
                assert not row[f"{key}_year"] and not row[f"{key}_url"]


# --- which source wins ----------------------------------------------------------------------------


def test_a_newer_freida_visa_answer_replaces_the_2021_aamc_one(catalog: dict) -> None:
    ttuhsc_im = catalog["1404811424"]  # AAMC 2021: J-1 "No"; FREIDA 2025: J-1 through ECFMG

    assert ttuhsc_im["j1_accepted"] == "yes"
    assert ttuhsc_im["j1_accepted_source"] == "freida-2025"
    assert ttuhsc_im["j1_accepted_year"] == "2025"
    assert ttuhsc_im["j1_accepted_url"] == "https://freida.ama-assn.org/program/1404811424"


def test_an_empty_freida_visa_list_keeps_the_older_answer(catalog: dict) -> None:
    west_suburban = catalog["1401621467"]  # FREIDA lists no visa: not reported

    assert west_suburban["j1_accepted"] == "no"
    assert west_suburban["j1_accepted_source"] == "aamc-re-2021"
    # Its FREIDA record was last updated in 2022, and says so.
    assert west_suburban["img_share_pct_year"] == "2022"


def test_freida_visa_lists_are_read_whatever_their_shape() -> None:
    dicts = "[{'value': 'J-1 through ECFMG', 'label': 'J-1 visa sponsorship through ECFMG'}]"

    assert parse_freida_visas(dicts) == {"J-1 through ECFMG"}
    assert parse_freida_visas("['J-1 through ECFMG', 'H-1B', 'F-1']") == {
        "J-1 through ECFMG", "H-1B", "F-1"
    }
    assert parse_freida_visas("[]") is None
    with pytest.raises(CatalogBuildError):
        parse_freida_visas("['O-1']")


def test_pgy1_positions_never_count_advanced_pgy2_positions() -> None:
    columns = {
        AAMC_CODE: "4200000000",
        "# of positions offered by this program in the 2021 NRMP Main Match": "",
        "# of categorical positions offered by this program in the 2021 NRMP Main Match": "2",
        "# of advanced positions offered by this program in the 2021 NRMP Main Match": "6",
    }
    advanced_only = columns | {
        "# of categorical positions offered by this program in the 2021 NRMP Main Match": "0"
    }
    total_only = columns | {
        "# of positions offered by this program in the 2021 NRMP Main Match": "0",
        "# of categorical positions offered by this program in the 2021 NRMP Main Match": "",
        "# of advanced positions offered by this program in the 2021 NRMP Main Match": "",
    }

    assert aamc_pgy1_positions(columns) == 2
    assert aamc_pgy1_positions(advanced_only) == 0
    assert aamc_pgy1_positions(total_only) is None  # not in the Match: unknown, not zero


# --- the border programs' own requirements -----------------------------------------------------

STHS = "https://southtexashealthsystem.com/gme-consortium/internal-medicine-residency/apply"
THREE_CROSSES = "https://www.threecrossesregional.com/salary/"
TTUHSC_PSYCH = ("https://ttuhscep.edu/som/academics/departments/psychiatry/transmountain/"
                "residency-program/application-process.aspx")


def _from_page(row: dict[str, str], key: str, url: str) -> bool:
    return row[f"{key}_source"] == "program-website" and row[f"{key}_url"] == url


def test_south_texas_health_system_im_takes_citizens_only_within_three_attempts(
    catalog: dict,
) -> None:
    sths = catalog["1404800015"]

    visas = (sths["citizens_only"], sths["j1_accepted"], sths["h1b_sponsored"])
    assert visas == ("yes", "no", "no")
    assert (sths["max_attempts_per_step"], sths["max_attempts_per_step_strictness"]) == (
        "3", "strict"
    )
    for key in ("citizens_only", "j1_accepted", "h1b_sponsored", "max_attempts_per_step"):
        assert _from_page(sths, key, STHS)
    # "All steps within 7 years" is not a years-since-graduation limit.
    assert sths["max_years_since_graduation"] == ""


def test_three_crosses_im_wants_a_first_attempt_pass_and_prefers_recent_graduates(
    catalog: dict,
) -> None:
    three_crosses = catalog["1403400002"]

    assert three_crosses["max_attempts_per_step"] == "1"
    assert three_crosses["max_attempts_per_step_strictness"] == "strict"
    assert three_crosses["max_years_since_graduation"] == "5"
    assert three_crosses["max_years_since_graduation_strictness"] == "preferred"
    assert three_crosses["min_step2_score"] == ""  # "No minimum cut off score"
    for key in ("max_attempts_per_step", "max_years_since_graduation"):
        assert _from_page(three_crosses, key, THREE_CROSSES)
        assert three_crosses[f"{key}_year"] == ""  # the page's date is unknown


def test_ttuhsc_el_paso_psychiatry_takes_j1_but_not_h1b(catalog: dict) -> None:
    psychiatry = catalog["4004800310"]

    assert (psychiatry["j1_accepted"], psychiatry["h1b_sponsored"]) == ("yes", "no")
    assert _from_page(psychiatry, "j1_accepted", TTUHSC_PSYCH)
    assert _from_page(psychiatry, "h1b_sponsored", TTUHSC_PSYCH)


def test_a_requirement_of_unstated_amount_is_required_with_no_number(catalog: dict) -> None:
    pediatrics = catalog["3204811234"]  # "adequate" US clinical experience

    assert pediatrics["min_usce_months"] == ""
    assert pediatrics["min_usce_months_strictness"] == "strict"
    assert pediatrics["min_usce_months_source"] == "program-website"


def test_a_page_year_is_given_only_where_the_source_states_it(catalog: dict) -> None:
    arizona = catalog["1400321029"]

    assert arizona["min_usce_months"] == "2"
    assert arizona["min_usce_months_year"] == "2024"  # "2024-2025 interview season page"
    assert arizona["max_years_since_graduation_year"] == ""


def test_spanish_fluency_not_required_is_not_read_as_medical_spanish(catalog: dict) -> None:
    for acgme_id in ("1204811309", "1404811424"):
        assert catalog[acgme_id]["medical_spanish"] == ""


def _page_rows() -> list[PageRow]:
    return [
        PageRow(acgme_id, field, "City", "TX", fact.value, "https://example.org/apply",
                f"page footer (c) {fact.year}" if fact.year else "")
        for (acgme_id, field), fact in PAGE_FACTS.items()
    ]


def test_every_requirement_row_is_covered_by_the_mapping_table() -> None:
    check_page_facts(_page_rows())


def test_a_new_requirement_row_stops_the_build_instead_of_being_ignored() -> None:
    new_row = PageRow("1404800015", "usce", "McAllen", "TX", "6 months required",
                      "https://example.org/apply", "")

    with pytest.raises(CatalogBuildError, match="not covered"):
        check_page_facts([*_page_rows(), new_row])


def test_a_changed_requirement_row_stops_the_build() -> None:
    rows = _page_rows()
    rows[0] = PageRow(rows[0].acgme_id, rows[0].field, "City", "TX", "something else",
                      rows[0].url, rows[0].note)

    with pytest.raises(CatalogBuildError, match="now says"):
        check_page_facts(rows)
