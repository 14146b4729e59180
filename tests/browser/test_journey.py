"""The whole journey in Chromium, as an applicant and her advisor live it: sign up, a profile
refused once then saved, the tiers and why a program sits in one, a status changed in one click,
the tracker downloaded, edited in a spreadsheet and uploaded back, an advisor linked who moves a
program to another tier with a reason the applicant then reads."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from applicants.models import User
from programs.models import Program
from tests.browser.conftest import (
    FAMILY_MEDICINE,
    INTERNAL_MEDICINE,
    PASSWORD,
    by_label,
    login,
    pick,
    sign_up_and_confirm,
)
from tiering.models import ListEntry, Status

pytestmark = pytest.mark.usefixtures("transactional_db")

APPLICANT = "maria.lopez@example.org"
ADVISOR = "ana.garcia@example.org"
NOTE = "Emailed the coordinator about J-1 sponsorship"
REASON = "The coordinator says they took no J-1 resident last season: apply, but as Tier 2."
TIERS = ["Tier 1", "Tier 2", "Tier 3"]  # "Not eligible" only when one is kept by hand


def tier_counts(page: Page) -> dict[str, int]:
    """The cards at the top of the list: each tier's name and its number of programs."""
    cards = page.get_by_role("region", name="Programs per tier").get_by_role("link")
    counts = {}
    for text in cards.all_inner_texts():
        label, number = text.strip().split("\n")
        counts[label.strip()] = int(number.replace(",", ""))
    return counts


def flash(page: Page):
    """The messages the last action left at the top of the page."""
    return page.locator("main > [aria-live]")


def placement(page: Page):
    """The explanation page's card that says which tier the program is in, and why."""
    return page.locator("section[aria-labelledby=placement]")


def status_of(page: Page, row_id: str):
    """A row's status: a link named "Status of <program>: <status>"."""
    return page.locator(f"#{row_id} a[data-status-edit]")


def tier_section(page: Page, tier: str):
    return page.get_by_role("region", name=re.compile(rf"^{tier} \("))


def program_row(section, index: int) -> tuple[str, str, str]:
    """Name, ACGME id and row id of the index-th program of a tier section."""
    row = section.locator("tbody tr[id^=entry-]").nth(index)
    link = row.get_by_role("link").first
    acgme_id = link.get_attribute("href").rstrip("/").rsplit("/", 1)[-1]
    return link.inner_text(), acgme_id, row.get_attribute("id")


def filter_list(page: Page, specialty: str) -> None:
    by_label(page, "Specialty").select_option(label=specialty)
    page.get_by_label("Border region only").check()
    page.get_by_role("button", name="Apply").click()


def tracker_rows(path: Path) -> dict[str, dict[str, object]]:
    """The Tracker sheet's rows by ACGME id, each as {column header: value}."""
    header, *rows = load_workbook(path)["Tracker"].iter_rows(values_only=True)
    return {row[header.index("ACGME id")]: dict(zip(header, row, strict=True)) for row in rows}


def edit_tracker(path: Path, edited: Path, acgme_id: str, values: dict[str, str]) -> None:
    """Change cells of one program's row, as a user does in Excel, and save a copy."""
    workbook = load_workbook(path)
    sheet = workbook["Tracker"]
    header = [cell.value for cell in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        if row[header.index("ACGME id")].value == acgme_id:
            for column, value in values.items():
                row[header.index(column)].value = value
    workbook.save(edited)


def preview_changes(page: Page) -> list[list[str]]:
    """The preview table's rows: field, value now, value after the upload."""
    return page.locator("tbody tr").evaluate_all(
        "rows => rows.map(row => [...row.querySelectorAll('td')].map(td => td.innerText.trim()))"
    )


def test_an_applicant_builds_and_tracks_her_list_and_her_advisor_moves_a_program(
    page: Page, second_page: Page, live_server, real_catalog, tmp_path: Path,
) -> None:
    # --- She signs up on the real sign-up page. ---
    page.goto(live_server.url)
    page.get_by_role("link", name="Create a free account").click()
    # --- She signs up and opens the link in the confirmation e-mail. ---
    sign_up_and_confirm(page, APPLICANT)
    expect(page.get_by_role("heading", name="Your profile")).to_be_visible()
    expect(flash(page)).to_contain_text("Fill in your profile")

    # --- She fills in her profile, and slips: more border months than months in all. ---
    by_label(page, "Step 1 passed").check()
    by_label(page, "Step 1 attempts").fill("1")
    by_label(page, "Step 2 CK score").fill("222")
    by_label(page, "Step 2 CK attempts").fill("1")
    by_label(page, "Year of graduation").fill(str(timezone.now().year - 2))
    by_label(page, "ECFMG certification").select_option(label="ECFMG certified")
    by_label(page, "J-1 (ECFMG-sponsored)").check()
    by_label(page, "Hands-on US clinical experience (months)").fill("3")
    border_months = by_label(page, "Of which in the US-Mexico border region (months)")
    border_months.fill("5")
    by_label(page, "Native").check()
    pick(page, "Specialties you apply to", "Internal Medicine", "Family Medicine")
    page.get_by_role("button", name="Save profile").click()

    # The server refuses it and says why next to the field, in words a screen reader reads
    # out with the field; what she typed elsewhere is kept.
    expect(flash(page).get_by_role("alert")).to_have_text(
        "Please correct the fields marked below.")
    expect(border_months).to_have_attribute("aria-invalid", "true")
    expect(border_months).to_have_accessible_description(re.compile(
        r"Border-region experience \(5 months\) cannot be more than your total US clinical "
        r"experience \(3 months\)"))
    # The summary at the top takes focus and links to the field; the field says it too.
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link", name=re.compile("border region"))).to_be_visible()
    expect(page.locator("strong", has_text="cannot be more than your total US clinical")
           ).to_be_visible()
    expect(by_label(page, "Step 2 CK score")).to_have_value("222")
    expect(page.locator("#id_target_specialties option:checked")).to_have_text(
        ["Family Medicine", "Internal Medicine"])

    border_months.fill("3")
    page.get_by_role("button", name="Save profile").click()

    # --- Her list: built from her two specialties, in three tiers, Tier 1 not empty; the
    # rest of the catalog is there to add from, not on the list. ---
    expect(page.get_by_role("heading", name="Your program list")).to_be_visible()
    expect(flash(page)).to_have_text("Your profile is saved and your list is updated.")
    counts = tier_counts(page)
    assert list(counts) == TIERS
    assert counts["Tier 1"] > 0 and counts["Tier 3"] > 0
    assert 80 <= sum(counts.values()) <= 120
    assert sum(counts.values()) < Program.objects.filter(
        specialty__code__in=[INTERNAL_MEDICINE, FAMILY_MEDICINE]).count()
    expect(page.get_by_role("heading", name=re.compile("More candidates"))).to_be_visible()

    # --- She narrows it to Family Medicine near the border and opens the best program. ---
    filter_list(page, "Family Medicine")
    filtered_url = page.url
    assert "specialty=" + FAMILY_MEDICINE in filtered_url and "border=on" in filtered_url
    best_name, best_id, best_row = program_row(tier_section(page, "Tier 1"), 0)
    other_name, other_id, other_row = program_row(tier_section(page, "Tier 2"), 0)

    page.get_by_role("link", name=best_name, exact=True).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(best_name)
    expect(placement(page).get_by_role("heading", level=2)).to_contain_text("Tier 1")
    expect(page.get_by_role("heading", name="What placed it here")).to_be_visible()

    # --- Back on the list, a tap on a status opens its menu; choosing saves it and returns to
    # the same row. ---
    page.go_back()
    status_of(page, best_row).click()
    page.locator(f"#{best_row}").get_by_label(f"Status of {best_name}").select_option(
        label="Applied")
    page.wait_for_url(re.compile(re.escape(filtered_url) + rf"#{best_row}$"))
    expect(flash(page)).to_have_text(f"{best_name}: status set to Applied.")
    expect(status_of(page, best_row)).to_have_accessible_name(
        f"Status of {best_name}: Applied")
    expect(page.locator(f"#{best_row}")).to_be_in_viewport()

    # --- She downloads the tracker: the workbook has that program with its new status. ---
    with page.expect_download() as download:
        page.get_by_role("link", name="Download tracker (.xlsx)").click()
    assert re.fullmatch(r"program-list-maria-lopez-\d{4}-\d{2}-\d{2}\.xlsx",
                        download.value.suggested_filename)
    downloaded = tmp_path / download.value.suggested_filename
    download.value.save_as(downloaded)
    rows = tracker_rows(downloaded)
    assert rows[best_id]["Program"] == best_name
    assert rows[best_id]["Status"] == "Applied"
    assert rows[other_id]["Status"] == "Not started"

    # --- She edits another program in the workbook and uploads it back. ---
    edited = tmp_path / "my-tracker.xlsx"
    edit_tracker(downloaded, edited, other_id, {"Status": "Preparing", "Notes": NOTE})
    # The upload has its own page, behind the list's "More" menu.
    page.get_by_role("button", name="More").click()
    page.get_by_role("link", name="Upload tracker").click()
    page.get_by_label("Tracker workbook (.xlsx)").set_input_files(edited)
    page.get_by_role("button", name="Upload and preview").click()

    # The preview lists exactly her two changes, and nothing is saved yet.
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Confirm the changes from your tracker")
    expect(page.get_by_text("changes 2 values on 1 program")).to_be_visible()
    expect(page.locator("tbody th")).to_have_text([re.compile(rf"^{re.escape(other_name)}")])
    assert preview_changes(page) == [["Status", "Not started", "Preparing"], ["Notes", "—", NOTE]]
    assert ListEntry.objects.get(profile__user__email=APPLICANT,
                                 program__acgme_id=other_id).status == Status.NOT_STARTED

    page.get_by_role("button", name="Apply 2 changes").click()
    expect(flash(page)).to_have_text("Tracker applied: 2 changes to 1 program.")
    filter_list(page, "Family Medicine")
    # (Rows are found by their id: an IM and an FM program can share a name.)
    expect(status_of(page, other_row)).to_have_accessible_name(
        f"Status of {other_name}: Preparing")
    expect(page.locator(f"#{other_row}")).to_contain_text(NOTE)
    expect(status_of(page, best_row)).to_have_accessible_name(
        f"Status of {best_name}: Applied")

    # --- She links her advisor by email. ---
    User.objects.create_user(email=ADVISOR, password=PASSWORD, role=User.Role.ADVISOR,
                             email_confirmed_at=timezone.now())
    page.get_by_role("navigation", name="Main").get_by_role("link", name="My advisors").click()
    by_label(page, "Your advisor's email").fill(ADVISOR)
    page.get_by_role("button", name="Link this advisor").click()
    expect(page.get_by_role("region", name="Linked now")).to_contain_text(ADVISOR)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="My list").click()
    expect(page.locator(f"#{best_row}")).to_be_visible()

    # --- Her advisor, in another browser, finds her on the dashboard and opens her list. ---
    advisor = second_page
    login(advisor, live_server, ADVISOR, PASSWORD)
    advisor.get_by_role("link", name="Dashboard").click()
    client = advisor.get_by_role("row", name=re.compile(re.escape(APPLICANT)))
    expect(client.locator("td").first).to_have_text(str(counts["Tier 1"]))
    client.get_by_role("link", name=APPLICANT).click()
    expect(advisor.get_by_role("heading", level=1)).to_have_text(f"Program list of {APPLICANT}")

    # She opens the same program and moves it to Tier 2, with the reason.
    tier_1 = tier_section(advisor, "Tier 1")
    tier_1.get_by_role("link", name=best_name, exact=True).click()
    expect(advisor.get_by_role("heading", name="Your decisions as advisor")).to_be_visible()
    by_label(advisor, "New tier").select_option(label="Tier 2")
    by_label(advisor, "Reason (your client reads it)").fill(REASON)
    advisor.get_by_role("button", name="Save the tier").click()
    expect(placement(advisor).get_by_role("heading", level=2)).to_contain_text("Tier 2")

    # --- The applicant reloads her list: the program is in Tier 2, by her advisor's word. ---
    page.reload()
    assert tier_counts(page)["Tier 1"] == counts["Tier 1"] - 1
    moved = tier_section(page, "Tier 2").locator(f"#{best_row}")
    expect(moved).to_contain_text("Advisor: Tier 2 computed Tier 1")
    moved.get_by_role("link", name=best_name, exact=True).click()
    expect(placement(page)).to_contain_text(
        f"Advisor's decision Tier 2 (computed: Tier 1) by {ADVISOR}")
    expect(placement(page)).to_contain_text(f"Reason: {REASON}")

    # --- Her advisor removes a Tier 3 program from the list, with a reason. ---
    advisor.get_by_role("link", name=re.compile("List of")).click()
    reach_name, reach_id, reach_row = program_row(tier_section(advisor, "Tier 3"), 0)
    reach = advisor.locator(f"#{reach_row}")
    reach.get_by_role("link", name=f"Change {reach_name} on the list").click()
    reach.get_by_placeholder("Reason").first.fill("Closed to IMGs since May")
    reach.get_by_role("button", name="Remove").click()
    expect(flash(advisor)).to_contain_text(f"{reach_name} was removed from the list")

    # --- She adds a candidate, then rebuilds her list: the removal and the addition stay. ---
    page.get_by_role("link", name=re.compile("Your list")).click()
    first_candidate = page.locator("tbody tr").filter(has=page.get_by_role(
        "button", name=re.compile("Add to the list"))).first
    added_name = first_candidate.get_by_role("link").first.inner_text()
    first_candidate.get_by_role("button", name=re.compile("Add to the list")).click()
    expect(flash(page)).to_contain_text(f"{added_name} is on the list.")
    page.get_by_role("button", name="More").click()
    page.get_by_role("button", name="Rebuild my list").click()
    expect(flash(page)).to_contain_text("Your list was rebuilt")
    removed = page.get_by_role("group").filter(has_text="Removed from the list (1)")
    expect(removed).to_contain_text(reach_name)
    expect(removed).to_contain_text("Closed to IMGs since May")
    assert ListEntry.objects.get(profile__user__email=APPLICANT,
                                 program__acgme_id=reach_id).excluded
    assert ListEntry.objects.filter(profile__user__email=APPLICANT, added=True,
                                    excluded=False).count() == 1

    # --- The downloaded tracker holds the list: the added program in, the removed one out. ---
    with page.expect_download() as download:
        page.get_by_role("link", name="Download tracker (.xlsx)").click()
    final = tmp_path / "final.xlsx"
    download.value.save_as(final)
    final_rows = tracker_rows(final)
    assert reach_id not in final_rows
    assert added_name in {row["Program"] for row in final_rows.values()}
    assert len(final_rows) == sum(tier_counts(page).values())
