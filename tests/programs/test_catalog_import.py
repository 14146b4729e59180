"""Importing an advisor's catalog: every row checked, all rows or none, safe to run twice."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from programs.models import Program, Specialty

pytestmark = pytest.mark.django_db

HEADER = ["acgme_id", "name", "specialty_code", "specialty_name", "city", "state",
          "latitude", "longitude", "j1_accepted", "img_share_pct", "j1_accepted_source",
          "j1_accepted_year"]
GOOD_ROWS = [
    ["1404899001", "Border Community Program", "140", "Internal Medicine", "El Paso", "TX",
     "31.7776", "-106.4425", "yes", "62", "Program website", "2026"],
    ["1204899002", "Valley Family Program", "120", "Family Medicine", "Harlingen", "TX",
     "26.1906", "-97.6961", "", "", "", ""],
]


def write_csv(tmp_path: Path, rows: list[list[str]], header: list[str] = HEADER) -> Path:
    path = tmp_path / "my_catalog.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def run_import(path: Path, *args: str) -> str:
    from io import StringIO

    out = StringIO()
    call_command("import_catalog", str(path), *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_it_creates_programs_with_their_facts_and_sources(tmp_path: Path) -> None:
    output = run_import(write_csv(tmp_path, GOOD_ROWS))

    assert "2 new, 0 updated" in output
    program = Program.objects.get(acgme_id="1404899001")
    assert program.j1_accepted == "yes"
    assert program.img_share_pct == 62
    assert program.source_of("j1_accepted") == {"source": "Program website", "year": 2026}
    # A fact without a source column is attributed to the file it came from.
    assert program.source_of("img_share_pct") == {"source": "my_catalog.csv"}


def test_it_computes_the_border_distance_from_coordinates(tmp_path: Path) -> None:
    run_import(write_csv(tmp_path, GOOD_ROWS))

    el_paso = Program.objects.get(acgme_id="1404899001")
    assert el_paso.in_border_region is True
    assert el_paso.border_distance_km < 30
    assert el_paso.source_of("border_distance_km")["source"] == "natural-earth"


def test_empty_cells_stay_unknown(tmp_path: Path) -> None:
    run_import(write_csv(tmp_path, GOOD_ROWS))

    harlingen = Program.objects.get(acgme_id="1204899002")
    assert harlingen.j1_accepted == "unknown"
    assert harlingen.img_share_pct is None
    assert "j1_accepted" not in harlingen.provenance


def test_running_twice_changes_nothing_the_second_time(tmp_path: Path) -> None:
    path = write_csv(tmp_path, GOOD_ROWS)
    run_import(path)

    output = run_import(path)

    assert "0 new, 0 updated, 2 unchanged" in output
    assert Program.objects.count() == 2


def test_a_changed_fact_updates_the_program(tmp_path: Path) -> None:
    run_import(write_csv(tmp_path, GOOD_ROWS))
    changed = [GOOD_ROWS[0][:8] + ["no", "62", "Program website", "2026"], GOOD_ROWS[1]]

    output = run_import(write_csv(tmp_path, changed))

    assert "0 new, 1 updated, 1 unchanged" in output
    assert Program.objects.get(acgme_id="1404899001").j1_accepted == "no"


def test_a_bad_row_changes_nothing_and_names_the_row_and_column(tmp_path: Path) -> None:
    run_import(write_csv(tmp_path, GOOD_ROWS))
    bad = [
        GOOD_ROWS[0][:8] + ["no", "62", "Program website", "2026"],  # would update
        ["1404899003", "New Program", "140", "Internal Medicine", "Laredo", "TX", "", "",
         "maybe", "", "", ""],
    ]
    path = write_csv(tmp_path, bad)

    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_catalog", str(path), stdout=_sink(), stderr=(err := _sink()))

    assert "row 3, column j1_accepted: 'maybe' is not one of yes, no, unknown" in err.getvalue()
    assert Program.objects.get(acgme_id="1404899001").j1_accepted == "yes"
    assert not Program.objects.filter(acgme_id="1404899003").exists()


def test_out_of_range_and_malformed_values_are_each_reported(tmp_path: Path) -> None:
    rows = [
        ["14048", "Short id", "140", "Internal Medicine", "Laredo", "TX", "", "", "", "", "", ""],
        ["1404899004", "Share", "140", "Internal Medicine", "Laredo", "XX", "", "", "",
         "140", "", ""],
    ]
    err = _sink()
    with pytest.raises(CommandError):
        call_command("import_catalog", str(write_csv(tmp_path, rows)), stdout=_sink(), stderr=err)

    text = err.getvalue()
    assert "row 2, column acgme_id: '14048' is not a 10-digit ACGME program id" in text
    assert "row 3, column state: 'XX' is not a two-letter US state code" in text
    assert "row 3, column img_share_pct: 140 is outside 0 to 100" in text
    assert Program.objects.count() == 0


def test_an_unknown_column_is_refused_rather_than_ignored(tmp_path: Path) -> None:
    path = write_csv(tmp_path, [["1404899001", "x", "maybe"]], header=["acgme_id", "name", "j1"])
    err = _sink()

    with pytest.raises(CommandError):
        call_command("import_catalog", str(path), stdout=_sink(), stderr=err)

    assert "row 1, column j1: unknown column" in err.getvalue()


def test_a_new_program_needs_a_name_city_and_state(tmp_path: Path) -> None:
    path = write_csv(tmp_path, [["1404899001", "140", "Internal Medicine"]],
                     header=["acgme_id", "specialty_code", "specialty_name"])
    err = _sink()

    with pytest.raises(CommandError):
        call_command("import_catalog", str(path), stdout=_sink(), stderr=err)

    assert "row 2, column name: a new program needs name, city, state" in err.getvalue()


def test_dry_run_validates_and_counts_but_changes_nothing(tmp_path: Path) -> None:
    output = run_import(write_csv(tmp_path, GOOD_ROWS), "--dry-run")

    assert "Would import 2 programs: 2 new" in output
    assert Program.objects.count() == 0
    assert Specialty.objects.count() == 0


def test_partial_files_update_only_their_columns(tmp_path: Path) -> None:
    run_import(write_csv(tmp_path, GOOD_ROWS))
    path = write_csv(tmp_path, [["1404899001", "no"]], header=["acgme_id", "h1b_sponsored"])

    run_import(path, "--source", "Advisor call with coordinator", "--year", "2026")

    program = Program.objects.get(acgme_id="1404899001")
    assert program.h1b_sponsored == "no"
    assert program.j1_accepted == "yes"  # untouched
    assert program.source_of("h1b_sponsored") == {
        "source": "Advisor call with coordinator", "year": 2026,
    }


def test_xlsx_catalogs_are_read_too_and_keep_leading_zeros(tmp_path: Path) -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["acgme_id", "name", "specialty_name", "city", "state", "pgy1_positions"])
    # Excel stores the id as a number and drops the leading zero of Anesthesiology ids.
    sheet.append([400321012, "Desert Anesthesiology Program", "Anesthesiology", "Tucson", "AZ", 6])
    path = tmp_path / "catalog.xlsx"
    workbook.save(path)

    run_import(path)

    program = Program.objects.get(acgme_id="0400321012")
    assert program.specialty.code == "040"
    assert program.pgy1_positions == 6


def test_a_file_that_is_not_a_catalog_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("hello")

    with pytest.raises(CommandError, match="only .csv and .xlsx"):
        call_command("import_catalog", str(path), stdout=_sink(), stderr=_sink())


def _sink():
    from io import StringIO

    return StringIO()


def test_a_text_file_named_xlsx_gets_a_message_not_a_traceback(tmp_path: Path) -> None:
    path = tmp_path / "catalog.xlsx"
    path.write_text("acgme_id,name\n1404899001,A program\n")

    with pytest.raises(CommandError, match="is not an Excel workbook"):
        call_command("import_catalog", str(path), stdout=_sink(), stderr=_sink())


def test_a_workbook_that_unpacks_to_too_much_is_refused_before_it_is_read(
    tmp_path: Path, monkeypatch
) -> None:
    from programs import catalog_import

    wb = Workbook()
    sheet = wb.active
    sheet.append(HEADER)
    for n in range(2000):
        sheet.append([f"14048{n:05d}", "Padding", "140"] + ["0"] * 9)
    path = tmp_path / "huge.xlsx"
    wb.save(path)
    monkeypatch.setattr(catalog_import, "MAX_SHEET_BYTES", 50_000)  # the same path, smaller
    monkeypatch.setattr(catalog_import.pd, "read_excel", lambda *a, **k: pytest.fail("parsed"))

    with pytest.raises(CommandError, match="unpacks to"):
        call_command("import_catalog", str(path), "--dry-run", stdout=_sink(), stderr=_sink())


def test_a_repeated_column_is_named_as_repeated(tmp_path: Path) -> None:
    path = write_csv(tmp_path, [GOOD_ROWS[0] + ["Other name"]], header=HEADER + ["name"])

    with pytest.raises(CommandError, match="row 1 has the column name twice"):
        call_command("import_catalog", str(path), stdout=_sink(), stderr=_sink())


def test_empty_name_city_or_state_keep_the_catalogs_values(tmp_path: Path) -> None:
    run_import(write_csv(tmp_path, GOOD_ROWS))
    blank = [GOOD_ROWS[0][0], "", "140", "Internal Medicine", "", ""] + GOOD_ROWS[0][6:]

    run_import(write_csv(tmp_path, [blank]))

    program = Program.objects.get(acgme_id=GOOD_ROWS[0][0])
    assert (program.name, program.city, program.state) == (
        "Border Community Program", "El Paso", "TX")


def test_an_empty_specialty_code_is_read_from_the_id(tmp_path: Path) -> None:
    row = [GOOD_ROWS[0][0], GOOD_ROWS[0][1], ""] + GOOD_ROWS[0][3:]

    output = run_import(write_csv(tmp_path, [row]))

    assert "Imported 1 programs" in output
    assert Program.objects.get().specialty.code == "140"


def test_new_specialties_are_named(tmp_path: Path) -> None:
    output = run_import(write_csv(tmp_path, GOOD_ROWS))

    assert "New specialties: 120 Family Medicine; 140 Internal Medicine" in output


def test_county_facts_are_imported_with_their_period_and_source(tmp_path: Path) -> None:
    header = ["acgme_id", "name", "specialty_name", "city", "state", "county_spanish_share",
              "county_spanish_share_period", "county_spanish_share_source",
              "county_spanish_share_year", "hpsa_primary_care", "hpsa_primary_care_score",
              "hpsa_mental_health"]
    rows = [["1404899001", "Border Community Program", "Internal Medicine", "El Paso", "TX",
             "66.3", "2019-2023",
             "acs-2019-2023", "2023", "yes", "12", ""]]
    run_import(write_csv(tmp_path, rows, header))

    program = Program.objects.get(acgme_id="1404899001")
    assert (program.county_spanish_share, program.county_spanish_share_period) == (66.3,
                                                                                  "2019-2023")
    assert program.source_of("county_spanish_share") == {"source": "acs-2019-2023", "year": 2023}
    assert (program.hpsa_primary_care, program.hpsa_primary_care_score) == ("yes", 12)
    assert program.hpsa_mental_health == "unknown"
    assert program.source_of("hpsa_mental_health") == {}


def test_a_share_over_100_or_a_period_that_is_not_years_is_refused(tmp_path: Path) -> None:
    from programs.catalog_import import import_catalog, read_table

    header = ["acgme_id", "name", "specialty_name", "city", "state", "county_spanish_share",
              "county_spanish_share_period"]
    rows = [["1404899001", "Border Community Program", "Internal Medicine", "El Paso", "TX",
             "101", "2023-2019"]]
    result = import_catalog(read_table(write_csv(tmp_path, rows, header)), default_source="f")

    assert sorted(error.column for error in result.errors) == [
        "county_spanish_share", "county_spanish_share_period"]
    assert not Program.objects.exists()
