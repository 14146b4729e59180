"""Changing the list from its rows on a phone: a row's "Change" link opens its forms under it
(built on the tap from the page's one copy), and each change brings the page back at that row."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import PASSWORD, login, persona_applicant
from tiering.models import ListEntry

pytestmark = pytest.mark.usefixtures("transactional_db")


def flash(page: Page):
    return page.locator("main > [aria-live]")


def test_a_program_is_pinned_removed_and_put_back_from_its_row_on_a_phone(
    phone_page: Page, live_server, real_catalog,
) -> None:
    page = phone_page
    profile = persona_applicant()
    login(page, live_server, profile.user.email, PASSWORD)
    page.goto(f"{live_server.url}/applicants/{profile.pk}/list/")
    page.locator("summary", has_text="Tier 1").click()
    row = page.locator("section", has_text="Tier 1").locator("tr[id^=entry-]").first
    row_id = row.get_attribute("id")
    name = row.get_by_role("link").first.inner_text()
    row = page.locator(f"#{row_id}")
    change = row.get_by_role("link", name=f"Change {name} on the list")

    # The forms open under the link, the reason first; a second tap folds them.
    change.click()
    expect(row.get_by_label(f"Why remove {name}")).to_be_focused()
    expect(change).to_have_attribute("aria-expanded", "true")
    change.click()
    expect(row.get_by_label(f"Why remove {name}")).to_be_hidden()
    expect(change).to_have_attribute("aria-expanded", "false")

    # Pin: the page comes back at the row, its tier open, the row marked.
    change.click()
    row.get_by_role("button", name="Pin: keep on rebuilds").click()
    page.wait_for_url(re.compile(rf"/list/#{row_id}$"))
    expect(flash(page)).to_have_text(f"{name} is pinned: it stays.")
    expect(row).to_be_in_viewport()
    expect(row).to_contain_text("Pinned")
    change.click()
    expect(row.get_by_role("button", name="Unpin")).to_be_visible()

    # Remove, with a reason: the row is now among the removed programs, reason shown.
    row.get_by_label(f"Why remove {name}").fill("Too far from my family")
    row.get_by_role("button", name="Remove").click()
    expect(flash(page)).to_contain_text(f"{name} was removed from the list")
    expect(row).to_be_in_viewport()
    expect(row).to_contain_text("Too far from my family")
    assert ListEntry.objects.get(pk=row_id.removeprefix("entry-")).excluded

    # Put back.
    change.click()
    expect(row.get_by_label(f"Why put {name} back")).to_be_focused()
    row.get_by_role("button", name="Put back on the list").click()
    expect(flash(page)).to_have_text(f"{name} is on the list.")
    expect(row).to_be_in_viewport()
    assert not ListEntry.objects.get(pk=row_id.removeprefix("entry-")).excluded
