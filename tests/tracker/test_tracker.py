"""The application tracker: the workbook and CSV it downloads, the upload that reads it back,
and the tracking fields on the list and explanation pages."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from datetime import date, datetime
from decimal import Decimal

import openpyxl
import pandas as pd
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from applicants.models import AdvisorLink, Profile, User
from programs.models import Program
from tests.factories import ProfileFactory, ProgramFactory, SpecialtyFactory, UserFactory
from tests.routes import route
from tiering import budget
from tiering.lists import list_recompute
from tiering.models import EntryEvent, ListEntry, Status, Tier
from tracker import reading
from tracker.export import STATUS_LABELS, TRACKER_HEADERS, eras_fee_at, tracker_export
from tracker.tracking import CellError, display, parse_date
from tracker.workbook import write_xlsx

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EVIL_NOTE = '=HYPERLINK("http://x","y")'


# --- fixtures and helpers --------------------------------------------------------------------


@pytest.fixture
def profile() -> Profile:
    """A J-1 applicant with two specialties and six programs: five in Tiers 1-3 (border, visa
    and IMG share vary) and one that refuses J-1 visas, so Not eligible."""
    im = SpecialtyFactory(code="140", name="Internal Medicine")
    fm = SpecialtyFactory(code="120", name="Family Medicine")
    provenance = {"identity": {"source": "eras-2021", "year": 2021},
                  "j1_accepted": {"source": "freida-2025", "year": 2025}}
    programs = [
        dict(specialty=im, j1_accepted="yes", non_us_img_share_pct=60, setting="community",
             in_border_region=True, border_distance_km=10, website="https://im-border.example.org",
             provenance=provenance),
        dict(specialty=im, j1_accepted="yes", non_us_img_share_pct=25, setting="university"),
        dict(specialty=im, j1_accepted="unknown", img_share_pct=40),
        dict(specialty=im, j1_accepted="no"),
        dict(specialty=fm, j1_accepted="yes", non_us_img_share_pct=45, setting="community",
             website="https://fm.example.org", provenance=provenance),
        dict(specialty=fm, j1_accepted="yes", non_us_img_share_pct=5, setting="university"),
    ]
    for n, fields in enumerate(programs):
        ProgramFactory(acgme_id=f"{fields['specialty'].code}480{n:04d}",
                       name=f"Program {n}", **fields)
    profile = ProfileFactory(ecfmg_status="certified")
    profile.target_specialties.set([im, fm])
    list_recompute(profile)
    return profile


@pytest.fixture
def owner_client(client, profile):
    client.force_login(profile.user)
    return client


@pytest.fixture
def advisor(profile) -> User:
    """An advisor the applicant linked: may view the list, may not change the tracking."""
    user = UserFactory(role=User.Role.ADVISOR)
    AdvisorLink.objects.create(profile=profile, advisor=user)
    return user


def url(name: str, profile: Profile, **kwargs) -> str:
    return route(name, pk=profile.pk, **kwargs)


def download(client, profile: Profile) -> bytes:
    response = client.get(url("tracker_xlsx", profile))
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    return response.content


def workbook(content: bytes) -> openpyxl.Workbook:
    return load_workbook(io.BytesIO(content))


def tracker_ids(profile: Profile) -> list[str]:
    """ACGME ids of the Tracker's rows, in the order the workbook lists them."""
    rows = tracker_export(profile).rows
    return [row.acgme_id for row in rows]


def edit(content: bytes, changes: dict[str, dict[str, object]]) -> bytes:
    """Edit Tracker cells as a user would, by ACGME id and column header."""
    wb = workbook(content)
    ws = wb["Tracker"]
    headers = [cell.value for cell in ws[1]]
    for row in ws.iter_rows(min_row=2):
        acgme_id = row[headers.index("ACGME id")].value
        for header, value in changes.get(acgme_id, {}).items():
            row[headers.index(header)].value = value
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def upload(client, profile: Profile, content: bytes, name: str = "tracker.xlsx"):
    """Post the file, then open the page that waits for the worker (tasks run inline in the
    tests, so it is done): the preview, the list, or the upload page with the errors."""
    response = client.post(url("tracker_upload", profile),
                           {"file": SimpleUploadedFile(name, content, content_type=XLSX)})
    if response.status_code == 302 and "/tracker/upload/" in response["Location"]:
        return client.get(response["Location"])
    return response


def confirm(client, profile: Profile):
    token = client.session[f"tracker_upload_{profile.pk}"]["token"]
    return client.post(url("tracker_confirm", profile), {"token": token})


def tracking_state(profile: Profile) -> dict[str, tuple]:
    return {
        entry.program.acgme_id: (entry.status, entry.signal, entry.date_applied,
                                 entry.interview_date, entry.letters_sent, entry.fee, entry.notes)
        for entry in ListEntry.objects.filter(profile=profile).select_related("program")
    }


def entry_of(profile: Profile, acgme_id: str) -> ListEntry:
    return ListEntry.objects.get(profile=profile, program__acgme_id=acgme_id)


# --- the workbook ----------------------------------------------------------------------------


def test_the_workbook_has_its_sheets_and_the_tracker_header(owner_client, profile) -> None:
    wb = workbook(download(owner_client, profile))

    assert wb.sheetnames == ["Summary", "Tracker", "SOAP", "Sources"]
    header = [cell.value for cell in wb["Tracker"][1]]
    assert header == list(TRACKER_HEADERS)
    assert header[-8:] == ["Status", "Signal", "Date applied", "Interview date", "Letters sent",
                           "Fee (USD)", "Notes", "As of"]


def test_the_tracker_freezes_its_header_and_filters_all_its_rows(owner_client, profile) -> None:
    ws = workbook(download(owner_client, profile))["Tracker"]

    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == "A1:W6"  # 23 columns, header + 5 programs in Tiers 1-3
    assert ws.column_dimensions["B"].width > ws.column_dimensions["A"].width


def test_status_and_signal_have_dropdowns_with_the_exact_choices(owner_client, profile) -> None:
    ws = workbook(download(owner_client, profile))["Tracker"]

    lists = {str(v.sqref): v.formula1 for v in ws.data_validations.dataValidation
             if v.type == "list"}
    assert lists == {
        "P2:P6": '"Not started,Preparing,Applied,Interview invited,Interviewed,Ranked,'
                 'Withdrawn,Rejected"',
        "Q2:Q6": '"Yes,No"',
    }
    dated = {str(v.sqref) for v in ws.data_validations.dataValidation if v.type == "date"}
    assert dated == {"R2:R6", "S2:S6"}


def test_the_tier_column_is_coloured_by_conditional_formatting(owner_client, profile) -> None:
    ws = workbook(download(owner_client, profile))["Tracker"]

    rules = {str(rng.sqref): [rule.formula for rule in rng.rules]
             for rng in ws.conditional_formatting}
    assert rules == {"A2:A6": [["1"], ["2"], ["3"]]}


def test_websites_are_hyperlinks(owner_client, profile) -> None:
    ws = workbook(download(owner_client, profile))["Tracker"]

    links = {row[14].value: row[14].hyperlink.target
             for row in ws.iter_rows(min_row=2) if row[14].hyperlink}
    assert links == {"https://im-border.example.org": "https://im-border.example.org",
                     "https://fm.example.org": "https://fm.example.org"}


def test_dates_are_real_excel_dates(owner_client, profile) -> None:
    first = tracker_ids(profile)[0]
    ListEntry.objects.filter(profile=profile, program__acgme_id=first).update(
        date_applied=date(2026, 9, 24), interview_date=date(2026, 11, 3))

    ws = workbook(download(owner_client, profile))["Tracker"]

    applied, interview = ws["R2"], ws["S2"]
    assert applied.is_date and interview.is_date
    assert applied.value == datetime(2026, 9, 24) and interview.value == datetime(2026, 11, 3)
    assert applied.number_format == "yyyy-mm-dd"
    assert ws["R3"].value is None and ws["R3"].number_format == "yyyy-mm-dd"  # ready to type in


def test_the_summary_counts_tiers_and_statuses_with_live_formulas(owner_client, profile) -> None:
    ws = workbook(download(owner_client, profile))["Summary"]
    cells = {row[0].value: [c.value for c in row[1:5]] for row in ws.iter_rows() if row[0].value}

    assert cells["Applied"] == [
        "=COUNTIFS('Tracker'!$A$2:$A$6,1,'Tracker'!$P$2:$P$6,\"Applied\")",
        "=COUNTIFS('Tracker'!$A$2:$A$6,2,'Tracker'!$P$2:$P$6,\"Applied\")",
        "=COUNTIFS('Tracker'!$A$2:$A$6,3,'Tracker'!$P$2:$P$6,\"Applied\")",
        "=COUNTIFS('Tracker'!$P$2:$P$6,\"Applied\")",
    ]
    assert all(label in cells for label in STATUS_LABELS)
    assert cells["All programs"][0] == "=COUNTIFS('Tracker'!$A$2:$A$6,1)"
    assert cells["Signals sent"][0] == "=COUNTIFS('Tracker'!$Q$2:$Q$6,\"Yes\")"


def test_the_summary_prices_the_list_with_formulas_and_names_the_fee_sources(
    owner_client, profile,
) -> None:
    ws = workbook(download(owner_client, profile))["Summary"]
    rows = {row[0].value: row for row in ws.iter_rows() if row[0].value}

    assert rows["Internal Medicine"][1].value.startswith("=COUNTIFS('Tracker'!$D$2:$D$6,A")
    assert rows["Internal Medicine"][2].value.startswith("=MIN(")
    assert rows["ERAS fees by the 2026 schedule (USD)"][2].value.startswith("=SUM(C")
    assert rows["Fee column of the Tracker, total (USD)"][2].value == "=SUM('Tracker'!$U$2:$U$6)"
    assert rows["ECFMG ERAS token (USD)"][2].value == budget.ECFMG_ERAS_TOKEN_USD
    assert "ECFMG" in rows["ECFMG ERAS token (USD)"][5].value
    assert rows["USMLE transcript (USD)"][2].value == budget.USMLE_TRANSCRIPT_USD
    assert rows["Season total (USD)"][2].value.startswith("=C")


def test_the_summary_gives_the_profile_the_date_and_the_catalog_years(
    owner_client, profile,
) -> None:
    ws = workbook(download(owner_client, profile))["Summary"]
    rows = {row[0].value: row[1].value for row in ws.iter_rows() if row[0].value}

    assert rows["Applicant"] == profile.user.email
    assert rows["Season"] == "ERAS 2027 / Match 2027"  # strategy.season, the one setting
    assert rows["Step 2 CK"] == "222, 1 attempt"
    assert rows["Specialties"] == "Family Medicine, Internal Medicine"
    assert isinstance(rows["Generated"], datetime)
    assert rows["Catalog data as of"] == "2021, 2025"


def test_the_candidates_sheet_comes_only_when_asked_with_the_reasons(
    owner_client, profile
) -> None:
    response = owner_client.get(url("tracker_xlsx", profile) + "?candidates=1")
    wb = workbook(response.content)

    assert wb.sheetnames == ["Summary", "Tracker", "Candidates", "SOAP", "Sources"]
    candidates = list(wb["Candidates"].iter_rows(min_row=2, values_only=True))
    assert [(row[0], row[3], row[-1]) for row in candidates] == [
        ("Not eligible", "1404800003", "Does not take J-1 visas (year unknown)")]


def test_the_sources_sheet_names_each_source_and_year(owner_client, profile) -> None:
    wb = workbook(download(owner_client, profile))

    sources = {row[0]: row for row in wb["Sources"].iter_rows(min_row=2, values_only=True)}
    assert sources["AMA FREIDA, Internal Medicine programs, 2025"][2] == "2025"
    assert sources["AMA FREIDA, Internal Medicine programs, 2025"][4] == "AMA FREIDA, 2025, © AMA"
    assert "ERAS fees (Fee column, ERAS cost)" in sources


def test_a_formula_typed_as_a_note_stays_text(owner_client, profile) -> None:
    ListEntry.objects.filter(profile=profile).update(notes=EVIL_NOTE)

    ws = workbook(download(owner_client, profile))["Tracker"]

    notes = ws["V2"]
    assert notes.value == EVIL_NOTE
    assert notes.data_type == "s"


def test_pandas_reads_the_rows_in_tier_then_score_order(owner_client, profile) -> None:
    sheets = pd.read_excel(io.BytesIO(download(owner_client, profile)), sheet_name=None,
                           dtype={"ACGME id": str})

    tracker = sheets["Tracker"]
    entries = sorted(ListEntry.objects.on_list().filter(profile=profile)
                     .select_related("program"), key=lambda e: (e.tier, -e.score))
    assert list(tracker["ACGME id"]) == [e.program.acgme_id for e in entries]
    assert list(tracker["Tier"]) == sorted(tracker["Tier"])
    assert list(tracker["Status"]) == ["Not started"] * len(entries)
    assert set(sheets) == {"Summary", "Tracker", "SOAP", "Sources"}  # no candidates


def test_an_advisors_tier_is_the_tier_shown_with_the_reason(owner_client, profile) -> None:
    last = tracker_ids(profile)[-1]
    ListEntry.objects.filter(profile=profile, program__acgme_id=last).update(
        override_tier=Tier.TIER_1, override_reason="Strong connection with the program")

    tracker = pd.read_excel(io.BytesIO(download(owner_client, profile)), sheet_name="Tracker",
                            dtype={"ACGME id": str})

    moved = tracker.set_index("ACGME id").loc[last]
    assert moved["Tier"] == 1
    assert moved["Why"].startswith("Advisor's tier: Tier 1 (computed Tier 3): Strong connection")
    # The IMG-heavy border IM program is Tier 1 for a 222: it states no higher bar (issue 23).
    assert list(tracker["Tier"]) == [1, 1, 1, 3, 3]


def test_excluded_programs_are_left_out(owner_client, profile) -> None:
    first = tracker_ids(profile)[0]
    ListEntry.objects.filter(profile=profile, program__acgme_id=first).update(
        excluded=True, excluded_reason="Closed this year")

    assert first not in tracker_ids(profile)


def test_the_fee_follows_the_eras_schedule_unless_the_user_recorded_one(profile) -> None:
    ListEntry.objects.filter(profile=profile, program__acgme_id="1404800001").update(
        fee=Decimal("25.50"))

    fees = {row.acgme_id: row.fee_shown for row in tracker_export(profile).rows}

    assert fees["1404800001"] == Decimal("25.50")
    assert fees["1404800000"] == budget.ERAS_FEE_FIRST_PROGRAMS_USD
    assert [eras_fee_at(n) for n in (1, 30, 31, 45)] == [11, 11, 30, 30]
    # The schedule per row adds up to what budget.py charges for the specialty.
    assert sum(eras_fee_at(n) for n in range(1, 46)) == budget.eras_fee(45)


def test_the_export_runs_a_fixed_number_of_queries(profile, django_assert_num_queries) -> None:
    profile = Profile.objects.select_related("user").get(pk=profile.pk)
    for n in range(40):
        # 5% or more: a program with fewer IMGs is never put on the list by the rule.
        ProgramFactory(specialty=Program.objects.first().specialty, j1_accepted="yes",
                       non_us_img_share_pct=5 + n)
    list_recompute(profile)

    # The profile's specialties, the entries, the catalog's version (the programs themselves
    # are kept per process for each version), and the catalog's version once more for the
    # SOAP sheet's backup list (scored from the same per-process catalog), with the ids of its
    # specialties (the snapshot loads those only). Whether the profile is complete is read
    # from its specialties, not asked again.
    with django_assert_num_queries(5):
        export = tracker_export(profile)
        write_xlsx(export, io.BytesIO())
    assert len(export.rows) > 40


# --- the CSV ---------------------------------------------------------------------------------


def test_each_download_is_named_for_what_it_holds_and_whose_it_is(owner_client, profile) -> None:
    """Not a database id: the applicant's name (here the e-mail's name part, as no name is on
    file), what the file holds and the day, in the reader's language."""
    profile.user.email = "maria.lopez@example.org"
    profile.user.save()
    today = f"{timezone.localdate():%Y-%m-%d}"

    def name(query: str = "", route_name: str = "tracker_xlsx", **headers) -> str:
        response = owner_client.get(url(route_name, profile) + query, **headers)
        return re.search(r'filename="([^"]+)"', response["Content-Disposition"])[1]

    assert name() == f"program-list-maria-lopez-{today}.xlsx"
    assert name("?candidates=1") == f"program-list-and-candidates-maria-lopez-{today}.xlsx"
    assert name("?soap=1") == f"soap-backup-list-maria-lopez-{today}.xlsx"
    assert name(route_name="tracker_csv") == f"program-list-maria-lopez-{today}.csv"
    assert name(HTTP_ACCEPT_LANGUAGE="es") == f"lista-de-programas-maria-lopez-{today}.xlsx"
    soap = openpyxl.load_workbook(io.BytesIO(owner_client.get(
        url("tracker_xlsx", profile) + "?soap=1").content))
    assert soap.sheetnames == ["SOAP", "Sources"]



def test_the_csv_has_the_tracker_rows_and_guards_against_formulas(owner_client, profile) -> None:
    first = tracker_ids(profile)[0]
    ListEntry.objects.filter(profile=profile, program__acgme_id=first).update(notes=EVIL_NOTE)
    ListEntry.objects.filter(profile=profile).exclude(program__acgme_id=first).update(
        notes="-5 points? @ask")

    response = owner_client.get(url("tracker_csv", profile))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="program-list-' in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [row["ACGME id"] for row in rows] == tracker_ids(profile)
    assert list(rows[0]) == list(TRACKER_HEADERS)
    assert rows[0]["Notes"] == "'" + EVIL_NOTE
    assert rows[1]["Notes"] == "'-5 points? @ask"
    assert rows[0]["Status"] == "Not started"


# --- uploading the tracker back --------------------------------------------------------------


def test_openpyxl_parses_workbooks_with_defusedxml() -> None:
    assert openpyxl.DEFUSEDXML is True


def test_a_round_trip_changes_exactly_what_was_edited(owner_client, profile) -> None:
    first, second, third = tracker_ids(profile)[:3]
    content = download(owner_client, profile)
    before = tracking_state(profile)
    edited = edit(content, {
        first: {"Status": "Applied", "Date applied": datetime(2026, 9, 24)},
        second: {"Status": "Interview invited"},
        third: {"Notes": "Coordinator answered: J-1 yes"},
    })

    preview = upload(owner_client, profile, edited)

    assert preview.status_code == 302
    assert preview["Location"] == url("tracker_confirm", profile)
    page = owner_client.get(preview["Location"])
    changes = [(c.acgme_id, f.field, f.old, f.new)
               for c in page.context["changes"] for f in c.fields]
    assert sorted(changes) == sorted([
        (first, "status", Status.NOT_STARTED, Status.APPLIED),
        (first, "date_applied", None, date(2026, 9, 24)),
        (second, "status", Status.NOT_STARTED, Status.INTERVIEW_INVITED),
        (third, "notes", "", "Coordinator answered: J-1 yes"),
    ])
    assert "Apply 4 changes" in page.content.decode()
    assert tracking_state(profile) == before  # nothing saved before the confirmation

    done = confirm(owner_client, profile)

    assert done.status_code == 302 and done["Location"] == url("list", profile)
    after = tracking_state(profile)
    expected = dict(before)
    expected[first] = (Status.APPLIED, False, date(2026, 9, 24), None, None, None, "")
    expected[second] = (Status.INTERVIEW_INVITED, False, None, None, None, None, "")
    expected[third] = (Status.NOT_STARTED, False, None, None, None, None,
                       "Coordinator answered: J-1 yes")
    assert after == expected
    events = EntryEvent.objects.filter(entry__profile=profile)
    assert events.count() == 3  # one per program changed, however many of its fields
    assert events.get(entry__program__acgme_id=first).after == (
        "Status: Applied; Date applied: " + display("date_applied", date(2026, 9, 24)))
    assert set(events.values_list("kind", "actor")) == {(EntryEvent.Kind.UPLOAD,
                                                          profile.user.pk)}
    list_page = owner_client.get(url("list", profile)).content.decode()
    assert "Tracker applied: 4 changes to 3 programs." in list_page
    assert 'data-status="interview_invited"' in list_page


def test_the_downloaded_file_uploaded_unchanged_changes_nothing(owner_client, profile) -> None:
    entry = entry_of(profile, tracker_ids(profile)[0])
    ListEntry.objects.filter(pk=entry.pk).update(
        status=Status.APPLIED, signal=True, date_applied=date(2026, 9, 24), letters_sent=3,
        # Pasted text may hold characters a workbook cannot store, like this bell (\x07).
        fee=Decimal("30.00"), notes="Line one\r\nline two,\x07 " + EVIL_NOTE)

    response = upload(owner_client, profile, download(owner_client, profile))

    assert response.status_code == 302 and response["Location"] == url("list", profile)
    assert "matches your list: nothing to change" in owner_client.get(
        response["Location"]).content.decode()
    assert not EntryEvent.objects.exists()


def test_the_upload_reads_labels_iso_dates_yes_no_and_strips_the_csv_guard(
    owner_client, profile,
) -> None:
    first = tracker_ids(profile)[0]
    edited = edit(download(owner_client, profile), {first: {
        "Status": "  interview INVITED ", "Signal": "yes", "Interview date": "2026-11-03",
        "Letters sent": 4, "Fee (USD)": "$35.00", "Notes": "'" + EVIL_NOTE,
    }})

    upload(owner_client, profile, edited)
    confirm(owner_client, profile)

    assert tracking_state(profile)[first] == (
        Status.INTERVIEW_INVITED, True, None, date(2026, 11, 3), 4, Decimal("35.00"), EVIL_NOTE)


def test_a_fee_equal_to_the_schedule_is_not_recorded_but_another_is(owner_client, profile) -> None:
    first, second = tracker_ids(profile)[:2]
    edited = edit(download(owner_client, profile), {
        first: {"Fee (USD)": 11}, second: {"Fee (USD)": 0}})

    upload(owner_client, profile, edited)
    confirm(owner_client, profile)

    state = tracking_state(profile)
    assert state[first][5] is None
    assert state[second][5] == Decimal("0.00")


def _csv_file(content: bytes) -> bytes:
    return b"Tier,Program,ACGME id\n1,Program 0,1404800000\n"


def _text_named_xlsx(content: bytes) -> bytes:
    return b"This is not a workbook, only text with an .xlsx name.\n"


def _without_tracker(content: bytes) -> bytes:
    wb = workbook(content)
    wb["Tracker"].title = "My programs"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _unknown_program(content: bytes) -> bytes:
    wb = workbook(content)
    wb["Tracker"]["C3"].value = "1409999999"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _date_that_is_not_a_date(content: bytes) -> bytes:
    wb = workbook(content)
    wb["Tracker"]["P2"].value = "Applied"
    wb["Tracker"]["R4"].value = "next Tuesday"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _over_five_megabytes(content: bytes) -> bytes:
    return content + b"\0" * (5 * 1024 * 1024)


@pytest.mark.parametrize(("spoil", "name", "message"), [
    (_text_named_xlsx, "tracker.xlsx",
     "“tracker.xlsx” could not be opened as an Excel workbook (.xlsx)"),
    (_csv_file, "tracker.csv", "“tracker.csv” is a CSV file; CSV files cannot be uploaded"),
    (_without_tracker, "tracker.xlsx", "The workbook has no sheet named “Tracker”"),
    (_unknown_program, "tracker.xlsx",
     "Row 3, column C (ACGME id): 1409999999 is not a program on your list"),
    (_date_that_is_not_a_date, "tracker.xlsx",
     "Row 4, column R (Date applied): &#x27;next Tuesday&#x27; is not a date; enter a date "
     "such as 2026-10-01"),
    (_over_five_megabytes, "tracker.xlsx", "MB, over the 5 MB limit"),
], ids=["text-named-xlsx", "csv", "no-tracker-sheet", "unknown-program", "not-a-date",
        "over-5-mb"])
def test_a_bad_file_is_refused_with_its_message_and_changes_nothing(
    owner_client, profile, spoil, name, message,
) -> None:
    before = tracking_state(profile)

    response = upload(owner_client, profile, spoil(download(owner_client, profile)), name=name)

    assert response.status_code == 200
    page = response.content.decode()
    assert "The file was not used, and nothing was changed" in page
    assert message in page
    assert f"tracker_upload_{profile.pk}" not in owner_client.session
    assert tracking_state(profile) == before
    assert not EntryEvent.objects.exists()


def test_the_upload_limit_is_a_setting(owner_client, profile, settings) -> None:
    settings.TRACKER_UPLOAD_MAX_BYTES = 1024

    response = upload(owner_client, profile, download(owner_client, profile))

    assert "KB, over the 1 KB limit" in response.content.decode()
    assert not EntryEvent.objects.exists()


def test_a_workbook_that_unpacks_to_too_much_is_refused(owner_client, profile,
                                                        monkeypatch) -> None:
    monkeypatch.setattr(reading, "MAX_UNPACKED_BYTES", 10_000)

    response = upload(owner_client, profile, download(owner_client, profile))

    assert "is too large once unpacked" in response.content.decode()


def crafted_workbook(rows: int, columns: int) -> bytes:
    """The attack of the hardening issue: the real header, then rows of numbers."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    sheet = wb.create_sheet("Tracker")
    sheet.append(list(TRACKER_HEADERS) + [f"x{i}" for i in range(columns)])
    for n in range(rows):
        sheet.append([n] * (len(TRACKER_HEADERS) + columns))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_a_workbook_padded_with_rows_is_refused_before_it_is_parsed(owner_client, profile,
                                                                     monkeypatch) -> None:
    monkeypatch.setattr(reading, "MAX_SHEET_BYTES", 200_000)  # a smaller attack, same path
    content = crafted_workbook(500, 40)
    # The reading runs in a child process: a call would show as its own message, not a list.
    def read_rows(*args, **kwargs):
        raise reading.TrackerFileError("the rows were parsed")

    monkeypatch.setattr(reading, "_read_rows", read_rows)

    response = upload(owner_client, profile, content)

    page = response.content.decode()
    assert "is too large once unpacked for a tracker of one list" in page
    assert "the rows were parsed" not in page  # refused from the zip's table of contents


def test_rows_past_a_lists_size_are_refused(owner_client, profile, monkeypatch) -> None:
    # A smaller limit, the same path: 2,005 rows would also meet the reading's time budget on
    # a busy machine, and this is about the row count.
    monkeypatch.setattr(reading, "MAX_ROWS", 50)

    response = upload(owner_client, profile, crafted_workbook(55, 0))

    assert "more than 50 rows" in response.content.decode()


def test_a_damaged_sheet_gives_a_clear_message_not_an_error(owner_client, profile) -> None:
    import zipfile

    source = zipfile.ZipFile(io.BytesIO(download(owner_client, profile)))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as damaged:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet2.xml":
                data = data[: len(data) // 2]  # cut short, as a broken copy would be
            damaged.writestr(item, data)

    response = upload(owner_client, profile, out.getvalue())

    assert response.status_code == 200
    page = response.content.decode()
    assert "could not be read" in page or "could not be opened" in page
    assert not EntryEvent.objects.exists()


def test_flipped_compressed_bytes_give_a_clear_message_not_an_error(owner_client,
                                                                   profile) -> None:
    import zipfile

    content = bytearray(download(owner_client, profile))
    sheet = zipfile.ZipFile(io.BytesIO(bytes(content))).getinfo("xl/worksheets/sheet2.xml")
    # Two bytes in the middle of the Tracker sheet's compressed data.
    middle = sheet.header_offset + 30 + len(sheet.filename) + sheet.compress_size // 2
    content[middle] ^= 0xFF
    content[middle + 1] ^= 0xFF

    response = upload(owner_client, profile, bytes(content))

    assert response.status_code == 200
    assert "part of the file is damaged" in response.content.decode()
    assert not EntryEvent.objects.exists()


def test_a_workbook_downloaded_with_its_candidates_uploads_back(owner_client, profile,
                                                                monkeypatch) -> None:
    first = tracker_ids(profile)[0]
    content = owner_client.get(url("tracker_xlsx", profile), {"candidates": "1"}).content
    assert "Candidates" in workbook(content).sheetnames
    # Limits just above the workbook without its Candidates sheet (sheet3): a Candidates sheet
    # of every program of a wide scope is far bigger than the tracker, but it is never read.
    sizes = {i.filename: i.file_size for i in zipfile.ZipFile(io.BytesIO(content)).infolist()}
    monkeypatch.setattr(reading, "MAX_SHEET_BYTES", sizes["xl/worksheets/sheet2.xml"] + 1)
    monkeypatch.setattr(reading, "MAX_UNPACKED_BYTES",
                        sum(sizes.values()) - sizes["xl/worksheets/sheet3.xml"] + 1)

    upload(owner_client, profile, edit(content, {first: {"Status": "Applied"}}))
    confirm(owner_client, profile)

    assert entry_of(profile, first).status == Status.APPLIED


def test_a_sheet_of_the_users_own_beside_the_tracker_is_left_alone(owner_client, profile,
                                                                    monkeypatch) -> None:
    first = tracker_ids(profile)[0]
    wb = workbook(edit(download(owner_client, profile), {first: {"Status": "Applied"}}))
    scratch = wb.create_sheet("My notes")
    for n in range(2_000):
        scratch.append([n, "Called the coordinator", "=A1*2"])
    out = io.BytesIO()
    wb.save(out)
    sizes = {i.filename: i.file_size for i in zipfile.ZipFile(out).infolist()}
    tracker_part = "xl/worksheets/sheet2.xml"
    # A limit that the tracker sheet meets and the user's own sheet does not: only the
    # tracker is read, so only the tracker is held to it.
    monkeypatch.setattr(reading, "MAX_SHEET_BYTES", sizes[tracker_part] + 1)
    assert max(sizes.values()) > sizes[tracker_part] + 1

    upload(owner_client, profile, out.getvalue())
    confirm(owner_client, profile)

    assert entry_of(profile, first).status == Status.APPLIED


def test_a_workbook_renamed_xls_still_uploads(owner_client, profile) -> None:
    first = tracker_ids(profile)[0]
    edited = edit(download(owner_client, profile), {first: {"Notes": "Renamed file"}})

    response = upload(owner_client, profile, edited, name="tracker.xls")

    assert response["Location"] == url("tracker_confirm", profile)
    changes = owner_client.get(response["Location"]).context["changes"]
    assert [(f.field, f.new) for c in changes for f in c.fields] == [("notes", "Renamed file")]


def test_a_formula_without_a_computed_value_changes_nothing(owner_client, profile) -> None:
    first = tracker_ids(profile)[0]
    ListEntry.objects.filter(profile=profile, program__acgme_id=first).update(
        status=Status.APPLIED, notes="Sent")
    wb = workbook(download(owner_client, profile))
    sheet = wb["Tracker"]
    for row in sheet.iter_rows(min_row=2):
        if row[TRACKER_HEADERS.index("ACGME id")].value == first:
            row[TRACKER_HEADERS.index("Status")].value = '=IF(1,"Applied","")'
            row[TRACKER_HEADERS.index("Notes")].value = '=CONCAT("Se","nt")'
    out = io.BytesIO()
    wb.save(out)  # openpyxl writes formulas without computed values

    response = upload(owner_client, profile, out.getvalue())

    # "matches your list: nothing to change", straight back to the list
    assert response["Location"] == url("list", profile)


def test_a_schedule_fee_read_back_is_not_recorded_even_after_the_list_changed(
    owner_client, profile
) -> None:
    content = download(owner_client, profile)  # fees shown by the ERAS schedule
    first = tracker_ids(profile)[0]
    ListEntry.objects.filter(profile=profile, program__acgme_id=first).update(
        excluded=True, excluded_reason="Removed by the advisor")
    second = tracker_ids(profile)[0]
    edited = edit(content, {second: {"Notes": "One note"}})

    response = upload(owner_client, profile, edited)

    changes = owner_client.get(response["Location"]).context["changes"]
    assert [(c.acgme_id, [f.field for f in c.fields]) for c in changes] == [(second, ["notes"])]


def test_every_bad_cell_is_listed_with_its_row_and_column(owner_client, profile) -> None:
    first, second = tracker_ids(profile)[:2]
    edited = edit(download(owner_client, profile), {
        first: {"Status": "Submitted", "Letters sent": 2.5},
        second: {"Signal": "maybe", "Interview date": "31/02/2026"},
    })

    errors = upload(owner_client, profile, edited).context["errors"]

    assert errors == [
        "Row 2, column P (Status): 'Submitted' is not a status; use one of: Not started, "
        "Preparing, Applied, Interview invited, Interviewed, Ranked, Withdrawn, Rejected",
        "Row 2, column T (Letters sent): 2.5 is not a whole number from 0 to 100",
        "Row 3, column Q (Signal): 'maybe' is not Yes or No",
        "Row 3, column S (Interview date): '31/02/2026' is not a date; enter a date such as "
        "2026-10-01",
    ]


def test_a_number_that_lost_its_date_format_is_not_taken_for_a_date() -> None:
    # 45931 is 2025-10-01 as a serial date, but a bare number is as likely a typo.
    with pytest.raises(CellError, match="45931 is not a date"):
        parse_date(45931)
    assert parse_date(datetime(2026, 10, 1, 0, 0)) == date(2026, 10, 1)
    assert parse_date(" 2026-10-01 ") == date(2026, 10, 1)


def test_a_confirmation_after_the_list_changed_is_refused(owner_client, profile) -> None:
    first, second = tracker_ids(profile)[:2]
    upload(owner_client, profile, edit(download(owner_client, profile),
                                       {first: {"Status": "Applied"}}))
    # Meanwhile, from another tab, the applicant changes another program in the app.
    owner_client.post(url("entry_tracking", profile, entry_id=entry_of(profile, second).pk),
                      {"part": "status", "status": Status.PREPARING})
    before = tracking_state(profile)

    response = confirm(owner_client, profile)

    assert response["Location"] == url("tracker_upload", profile)
    assert "Your list changed after you uploaded the file" in owner_client.get(
        response["Location"]).content.decode()
    assert tracking_state(profile) == before
    assert not EntryEvent.objects.filter(kind=EntryEvent.Kind.UPLOAD).exists()


def test_confirming_twice_applies_once(owner_client, profile) -> None:
    first = tracker_ids(profile)[0]
    upload(owner_client, profile, edit(download(owner_client, profile),
                                       {first: {"Status": "Applied"}}))
    token = owner_client.session[f"tracker_upload_{profile.pk}"]["token"]

    owner_client.post(url("tracker_confirm", profile), {"token": token})
    again = owner_client.post(url("tracker_confirm", profile), {"token": token})

    assert "already applied or replaced" in owner_client.get(again["Location"]).content.decode()
    assert EntryEvent.objects.filter(kind=EntryEvent.Kind.UPLOAD).count() == 1


def test_a_confirmation_with_a_wrong_token_applies_nothing(owner_client, profile) -> None:
    first = tracker_ids(profile)[0]
    upload(owner_client, profile, edit(download(owner_client, profile),
                                       {first: {"Status": "Applied"}}))

    owner_client.post(url("tracker_confirm", profile), {"token": "guessed"})

    assert entry_of(profile, first).status == Status.NOT_STARTED


# --- tracking in the app ---------------------------------------------------------------------


def test_a_status_change_from_the_list_keeps_the_query_string_and_the_row(
    owner_client, profile,
) -> None:
    entry = entry_of(profile, tracker_ids(profile)[0])
    list_url = url("list", profile) + "?specialty=140&sort=score&tier=1"

    response = owner_client.post(url("entry_tracking", profile, entry_id=entry.pk), {
        "part": "status", "status": Status.APPLIED, "next": list_url})

    assert response.status_code == 302
    assert response["Location"] == f"{list_url}#entry-{entry.pk}"
    entry.refresh_from_db()
    assert entry.status == Status.APPLIED and entry.tracking_updated_at is not None
    event = EntryEvent.objects.get(entry=entry)
    assert (event.kind, event.text, event.before, event.after) == (
        EntryEvent.Kind.TRACKING, "Status", "Not started", "Applied")
    assert f"{entry.program.name}: status set to Applied." in owner_client.get(
        response["Location"]).content.decode()


def test_a_status_change_never_redirects_to_another_site(owner_client, profile) -> None:
    entry = entry_of(profile, tracker_ids(profile)[0])

    response = owner_client.post(url("entry_tracking", profile, entry_id=entry.pk), {
        "part": "status", "status": Status.APPLIED, "next": "https://evil.example.org/"})

    assert response["Location"] == f"{url('list', profile)}#entry-{entry.pk}"


def test_the_list_page_shows_and_edits_the_working_fields(owner_client, profile) -> None:
    entry = entry_of(profile, tracker_ids(profile)[0])
    ListEntry.objects.filter(pk=entry.pk).update(
        status=Status.APPLIED, signal=True, date_applied=date(2026, 9, 24), notes="Sent LoRs")

    page = owner_client.get(url("list", profile) + "?sort=score").content.decode()

    # Each row's status is a link that tracker.js turns into the page's one status menu.
    assert (f'data-status="applied" data-entry="{entry.pk}"' in page
            and f'Status of {entry.program.name}: </span>Applied</a>' in page)
    assert page.count('<template id="status-form">') == 1
    assert '<option value="applied">Applied</option>' in page
    assert 'name="next" value="/applicants/' in page and "?sort=score" in page
    assert '<span class="badge text-bg-dark">Signal</span>' in page
    assert "Applied 2026-09-24" in page and "Sent LoRs" in page
    assert "Download tracker (.xlsx)" in page and "Upload tracker" in page
    assert "js/tracker.js" in page


def test_the_explanation_page_saves_every_tracking_field(owner_client, profile) -> None:
    entry = entry_of(profile, tracker_ids(profile)[0])
    page_url = url("explanation", profile, acgme_id=entry.program.acgme_id)
    assert 'id="tracking_status"' in owner_client.get(page_url).content.decode()

    response = owner_client.post(url("entry_tracking", profile, entry_id=entry.pk), {
        "status": Status.INTERVIEWED, "signal": "on", "date_applied": "2026-09-24",
        "interview_date": "2026-11-03", "letters_sent": "3", "fee": "11",
        "notes": "Great\r\nprogram", "next": page_url,
    })

    assert response["Location"] == f"{page_url}#tracking"
    assert tracking_state(profile)[entry.program.acgme_id] == (
        Status.INTERVIEWED, True, date(2026, 9, 24), date(2026, 11, 3), 3, Decimal("11.00"),
        "Great\nprogram")
    # One history event for the save, naming the seven fields it changed.
    [event] = EntryEvent.objects.filter(entry=entry, kind=EntryEvent.Kind.TRACKING)
    assert event.text.count(", ") == 6 and event.before.startswith("Status: Not started; ")
    form = owner_client.get(page_url).content.decode()
    assert 'value="2026-09-24"' in form and "Great\nprogram</textarea>" in form


def test_an_invalid_tracking_form_says_why_and_saves_nothing(owner_client, profile) -> None:
    entry = entry_of(profile, tracker_ids(profile)[0])
    before = tracking_state(profile)

    response = owner_client.post(url("entry_tracking", profile, entry_id=entry.pk), {
        "status": "hired", "date_applied": "1999-01-01", "letters_sent": "-1"})

    page = owner_client.get(response["Location"]).content.decode()
    assert "not saved" in page and "Status:" in page and "Date applied:" in page
    assert tracking_state(profile) == before


def test_an_advisor_sees_the_tracking_but_cannot_change_it(client, profile, advisor) -> None:
    entry = entry_of(profile, tracker_ids(profile)[0])
    client.force_login(advisor)

    list_page = client.get(url("list", profile)).content.decode()
    explanation = client.get(url("explanation", profile, acgme_id=entry.program.acgme_id))

    assert "Download tracker (.xlsx)" in list_page
    assert "Upload tracker" not in list_page and 'name="status"' not in list_page
    assert "Application tracking" in explanation.content.decode()
    assert 'name="status"' not in explanation.content.decode()


# --- who may do what -------------------------------------------------------------------------

CHANGES = [
    ("post", "tracker_upload", {}),
    ("get", "tracker_upload", {}),
    ("post", "tracker_confirm", {}),
    ("get", "tracker_confirm", {}),
    ("post", "entry_tracking", {"entry": True}),
]
DOWNLOADS = ["tracker_xlsx", "tracker_csv"]


def _url_for(name: str, profile: Profile, entry: bool = False) -> str:
    if entry:
        return url(name, profile, entry_id=ListEntry.objects.filter(profile=profile).first().pk)
    return url(name, profile)


@pytest.mark.parametrize(("method", "name", "options"), CHANGES)
@pytest.mark.parametrize(("who", "expected"), [
    ("advisor", 403), ("other_advisor", 404), ("stranger", 404), ("anonymous", 302)])
def test_only_the_applicant_changes_tracking(client, profile, advisor, method, name, options,
                                             who, expected) -> None:
    users = {"advisor": advisor, "other_advisor": UserFactory(role=User.Role.ADVISOR),
             "stranger": ProfileFactory().user, "anonymous": None}
    if users[who] is not None:
        client.force_login(users[who])
    before = tracking_state(profile)

    response = getattr(client, method)(_url_for(name, profile, options.get("entry", False)),
                                       {"status": Status.APPLIED, "part": "status"})

    assert response.status_code == expected
    if expected == 302:
        assert response["Location"].startswith(reverse("login"))
    assert tracking_state(profile) == before


@pytest.mark.parametrize("name", DOWNLOADS)
@pytest.mark.parametrize(("who", "expected"), [
    ("owner", 200), ("advisor", 200), ("other_advisor", 404), ("stranger", 404),
    ("anonymous", 302)])
def test_the_applicant_and_their_advisor_may_download(client, profile, advisor, name, who,
                                                      expected) -> None:
    users = {"owner": profile.user, "advisor": advisor,
             "other_advisor": UserFactory(role=User.Role.ADVISOR),
             "stranger": ProfileFactory().user, "anonymous": None}
    if users[who] is not None:
        client.force_login(users[who])

    response = client.get(url(name, profile))

    assert response.status_code == expected


def test_get_never_changes_tracking(owner_client, profile) -> None:
    entry = entry_of(profile, tracker_ids(profile)[0])
    upload(owner_client, profile, edit(download(owner_client, profile),
                                       {entry.program.acgme_id: {"Status": "Applied"}}))

    tracking = owner_client.get(url("entry_tracking", profile, entry_id=entry.pk),
                                {"part": "status", "status": Status.APPLIED})
    preview = owner_client.get(url("tracker_confirm", profile))

    assert tracking.status_code == 405
    assert preview.status_code == 200
    assert entry_of(profile, entry.program.acgme_id).status == Status.NOT_STARTED
    assert not EntryEvent.objects.exists()


def test_an_entry_of_another_applicant_is_not_found(owner_client, profile) -> None:
    other = ProfileFactory()
    other.target_specialties.set(profile.target_specialties.all())
    list_recompute(other)
    foreign = ListEntry.objects.filter(profile=other).first()

    response = owner_client.post(url("entry_tracking", profile, entry_id=foreign.pk),
                                 {"part": "status", "status": Status.APPLIED})

    assert response.status_code == 404
    foreign.refresh_from_db()
    assert foreign.status == Status.NOT_STARTED


def test_an_incomplete_profile_has_no_tracker_to_download(client) -> None:
    profile = ProfileFactory()
    client.force_login(profile.user)

    response = client.get(url("tracker_xlsx", profile))

    assert response.status_code == 302 and response["Location"] == url("list", profile)
