"""Accessibility in Chromium: axe-core finds nothing serious or critical on the main pages, they
work with the keyboard alone with the focus always visible, and colour never tells a tier
alone."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Locator, Page, expect

from applicants.models import Profile, User
from tests.browser.conftest import (
    FAMILY_MEDICINE,
    INTERNAL_MEDICINE,
    PASSWORD,
    by_label,
    login,
    persona_applicant,
    persona_fields,
    run_axe,
    tour,
)

pytestmark = pytest.mark.usefixtures("transactional_db")

# How the focused element shows it has the focus: an outline (browsers' own focus ring) or
# Bootstrap's focus shadow on form controls and buttons.
# A searchable picker (Tom Select) shows the focus on its box, not on the text field inside it.
FOCUS_MARK = """() => {
  const element = document.activeElement;
  const picker = element.closest(".ts-wrapper");
  const style = getComputedStyle(picker ? picker.querySelector(".ts-control") : element);
  const outlined = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
  return {marked: outlined || style.boxShadow !== "none",
          element: element.outerHTML.slice(0, 100)};
}"""

# Every element coloured by its tier (class tier-1 ... tier-0) must name the tier in words: in
# its own text (the count cards, the explanation's card) or in the heading of its section (a
# list row sits under "Tier 1 (27)").
TIER_NAMES = """() => {
  const names = {"tier-1": "Tier 1", "tier-2": "Tier 2", "tier-3": "Tier 3",
                 "tier-0": "Not eligible"};
  const unnamed = [];
  let coloured = 0;
  for (const [css, name] of Object.entries(names)) {
    for (const element of document.querySelectorAll("." + css)) {
      coloured++;
      const group = element.closest("section, details");
      const heading = group ? group.querySelector("h2, summary") : null;
      const words = element.textContent + " " + (heading ? heading.textContent : "");
      if (!words.includes(name)) unnamed.push(css + ": " + element.textContent.trim().slice(0, 80));
    }
  }
  return {coloured, unnamed};
}"""


class Keyboard:
    """Moves through a page with Tab, as a keyboard user does, noting every element that
    takes the focus without showing it."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.unmarked: list[str] = []

    def tab_to(self, target: Locator, limit: int = 150) -> None:
        for _ in range(limit):
            self.page.keyboard.press("Tab")
            focus = self.page.evaluate(FOCUS_MARK)
            if not focus["marked"]:
                self.unmarked.append(focus["element"])
            if target.evaluate("element => element === document.activeElement"):
                return
        raise AssertionError(f"Tab never reached {target} in {limit} presses")

    def type_over(self, text: str) -> None:
        self.page.keyboard.press("ControlOrMeta+A")
        self.page.keyboard.type(text)


def open_list(page: Page, live_server, profile: Profile) -> None:
    login(page, live_server, profile.user.email, PASSWORD)
    page.goto(f"{live_server.url}/applicants/{profile.pk}/list/")


@pytest.mark.parametrize("device", ["page", "phone_page"], ids=["desktop", "phone"])
def test_no_main_page_has_a_serious_or_critical_axe_violation(
    device: str, request, live_server, advised,
) -> None:
    page = request.getfixturevalue(device)

    violations = {stop.title: run_axe(page) for stop in tour(page, live_server, advised)}

    assert len(violations) == 19  # every main page, and the error states, were checked
    assert {title: found for title, found in violations.items() if found} == {}


def test_a_refused_log_in_is_announced_and_keeps_the_email(page: Page, live_server) -> None:
    User.objects.create_user(email="maria.lopez@example.org", password=PASSWORD)

    login(page, live_server, "maria.lopez@example.org", "not the password")

    expect(page.get_by_role("alert")).to_contain_text(
        "The e-mail address or the password is not right")
    expect(by_label(page, "Email")).to_have_value("maria.lopez@example.org")


def test_the_skip_link_is_the_first_tab_stop_and_moves_the_focus_to_the_content(
    page: Page, live_server, real_catalog,
) -> None:
    open_list(page, live_server, persona_applicant())

    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page.get_by_role("main")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Edit profile")).to_be_focused()


def test_every_tab_stop_on_the_list_shows_the_focus(page: Page, live_server, real_catalog) -> None:
    open_list(page, live_server, persona_applicant())
    keyboard = Keyboard(page)

    # Through the navigation, the list's actions, the tier cards, the filters, the plan and
    # into the first rows with their status and change links.
    keyboard.tab_to(page.locator("tbody a[data-status-edit]").nth(2))

    assert keyboard.unmarked == []


def test_the_profile_is_filled_in_and_saved_with_the_keyboard_alone(
    page: Page, live_server, real_catalog,
) -> None:
    user = User.objects.create_user(email="maria.lopez@example.org", password=PASSWORD)
    profile = Profile.objects.create(user=user)
    login(page, live_server, user.email, PASSWORD)
    page.goto(f"{live_server.url}/applicants/{profile.pk}/profile/")
    keyboard = Keyboard(page)
    persona = persona_fields()

    keyboard.tab_to(by_label(page, "Step 1 passed"))
    page.keyboard.press("Space")
    keyboard.tab_to(by_label(page, "Step 1 attempts"))
    keyboard.type_over("1")
    keyboard.tab_to(by_label(page, "Step 2 CK score"))
    keyboard.type_over("222")
    keyboard.tab_to(by_label(page, "Step 2 CK attempts"))
    keyboard.type_over("1")
    keyboard.tab_to(by_label(page, "Year of graduation"))
    keyboard.type_over(str(persona["graduation_year"]))
    keyboard.tab_to(by_label(page, "ECFMG certification"))
    page.keyboard.press("ArrowUp")  # from "In progress" to "ECFMG certified"
    keyboard.tab_to(by_label(page, "J-1 (ECFMG-sponsored)"))  # the group's chosen radio
    keyboard.tab_to(by_label(page, "Hands-on US clinical experience (months)"))
    keyboard.type_over("3")
    keyboard.tab_to(by_label(page, "Of which in the US-Mexico border region (months)"))
    keyboard.type_over("3")
    keyboard.tab_to(by_label(page, "None"))  # Spanish: the group's chosen radio
    for _ in range(4):  # Basic, Intermediate, Advanced, Native
        page.keyboard.press("ArrowDown")
    # The specialties: type part of a name, Enter takes the first match; the picker says so.
    specialties = page.get_by_role("combobox", name="Specialties you apply to")
    keyboard.tab_to(specialties)
    page.keyboard.type("family med")
    page.keyboard.press("Enter")
    page.keyboard.type("internal med")
    page.keyboard.press("Enter")
    expect(page.locator("[aria-live]", has_text="Internal Medicine added")).to_have_text(
        "Internal Medicine added. Chosen: Family Medicine, Internal Medicine.")
    # The border states with one button, then one more state by name.
    keyboard.tab_to(page.get_by_role("button", name="Add the border states (CA, AZ, NM, TX)"))
    page.keyboard.press("Enter")
    keyboard.tab_to(page.get_by_role("combobox", name=re.compile("^States")))
    page.keyboard.type("NV")
    page.keyboard.press("Enter")
    keyboard.tab_to(page.get_by_role("button", name="Save profile"))
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", name="Your program list")).to_be_visible()
    expect(page.locator("main > [aria-live]")).to_have_text(
        "Your profile is saved and your list is updated.")
    saved = Profile.objects.get(pk=profile.pk)
    assert {name: getattr(saved, name) for name in persona} == persona
    assert sorted(saved.target_specialties.values_list("code", flat=True)) == sorted(
        [FAMILY_MEDICINE, INTERNAL_MEDICINE])
    assert sorted(saved.target_states) == ["AZ", "CA", "NM", "NV", "TX"]
    assert keyboard.unmarked == []


def test_a_status_is_changed_on_the_list_with_the_keyboard_alone(
    page: Page, live_server, real_catalog,
) -> None:
    open_list(page, live_server, persona_applicant())
    row = page.locator("tbody tr[id^=entry-]").first
    keyboard = Keyboard(page)

    keyboard.tab_to(row.get_by_role("link", name=re.compile(r"^Status of .*: Not started$")))
    page.keyboard.press("Enter")  # the status menu takes the link's place, focused
    status = row.get_by_role("combobox")
    expect(status).to_be_focused()
    page.keyboard.press("ArrowDown")  # from "Not started" to "Preparing"; nothing saved yet
    expect(page.locator("main > [aria-live]")).to_have_count(0)
    keyboard.tab_to(row.get_by_role("button", name="Save"))
    page.keyboard.press("Enter")

    page.wait_for_url(f"**/list/#{row.get_attribute('id')}")
    expect(page.locator("main > [aria-live]")).to_contain_text("status set to Preparing")
    expect(row.get_by_role("link", name=re.compile(r"^Status of .*: Preparing$"))).to_be_visible()
    assert keyboard.unmarked == []


def test_every_tier_is_named_in_words_not_by_colour_alone(
    page: Page, live_server, advised,
) -> None:
    open_list(page, live_server, advised.applicant)

    on_the_list = page.evaluate(TIER_NAMES)
    assert on_the_list["unnamed"] == []
    assert on_the_list["coloured"] > 30  # the four cards and the rows of every tier

    page.get_by_role("link", name=advised.program_name, exact=True).first.click()
    on_the_explanation = page.evaluate(TIER_NAMES)
    assert on_the_explanation == {"coloured": 1, "unnamed": []}
    expect(page.locator("#placement .badge")).to_have_text("Tier 2")
    expect(page.get_by_text("Advisor's decision")).to_be_visible()


def test_without_javascript_the_profile_keeps_its_boxes_and_saves(
    browser, live_server, real_catalog,
) -> None:
    user = User.objects.create_user(email="maria.lopez@example.org", password=PASSWORD)
    profile = Profile.objects.create(user=user)
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    login(page, live_server, user.email, PASSWORD)
    page.goto(f"{live_server.url}/applicants/{profile.pk}/profile/")

    expect(page.get_by_role("combobox", name="Specialties you apply to")).to_have_count(0)
    by_label(page, "Year of graduation").fill(str(persona_fields()["graduation_year"]))
    by_label(page, "Internal Medicine").check()
    by_label(page, "TX").check()
    page.get_by_role("button", name="Save profile").click()

    expect(page.get_by_role("heading", name="Your program list")).to_be_visible()
    saved = Profile.objects.get(pk=profile.pk)
    assert list(saved.target_specialties.values_list("code", flat=True)) == [INTERNAL_MEDICINE]
    assert saved.target_states == ["TX"]
    context.close()
