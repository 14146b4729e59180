"""The profile open in two tabs: the second tab's save, made from the page as it was loaded
before the first tab saved, is refused with a message and changes nothing (the page sends
the version it was loaded with)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import PASSWORD, by_label, login, persona_applicant

pytestmark = pytest.mark.usefixtures("transactional_db")


def test_a_second_tab_cannot_overwrite_the_first_tabs_save(page: Page, live_server,
                                                           real_catalog) -> None:
    profile = persona_applicant()  # Step 2 CK 222, native Spanish
    login(page, live_server, profile.user.email, PASSWORD)
    url = f"{live_server.url}/applicants/{profile.pk}/profile/"
    first = page
    second = page.context.new_page()  # the same browser: the same session
    first.goto(url)
    second.goto(url)

    by_label(first, "Step 2 CK score").fill("241")
    first.get_by_role("button", name="Save profile").click()
    expect(first.get_by_text("Your profile is saved and your list is updated.")).to_be_visible()

    by_label(second, "Step 2 CK score").fill("199")
    second.get_by_label("Basic").check()
    second.get_by_role("button", name="Save profile").click()

    expect(second.locator("#error-summary")).to_contain_text(
        "Your profile was changed in another tab or window")
    profile.refresh_from_db()
    assert (profile.step2_score, profile.spanish_level) == (241, "native")
    second.goto(url)  # the current profile, as the message says
    expect(by_label(second, "Step 2 CK score")).to_have_value("241")
