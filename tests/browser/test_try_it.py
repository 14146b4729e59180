"""The anonymous path in Chromium: a visitor tries the planner without an account, is refused
once for a score no exam gives, sees her list with its reasons and what-ifs, then keeps it by
signing up and confirming her address in the same browser."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from applicants.models import Profile, User
from tests.browser.conftest import by_label, run_axe, sign_up_and_confirm
from tests.browser.test_journey import flash, tier_counts
from tiering.models import ListEntry

pytestmark = pytest.mark.usefixtures("transactional_db")

VISITOR = "lucia.mendez@example.org"


def listed_ids(page: Page) -> set[str]:
    """ACGME ids of the programs in the list's tier sections."""
    hrefs = page.locator("section[aria-label^='Tier'] tbody tr td:first-child a").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))")
    return {href.rstrip("/").rsplit("/", 1)[-1] for href in hrefs}


def test_a_visitor_tries_a_list_without_an_account_and_keeps_it_by_signing_up(
    page: Page, live_server, real_catalog,
) -> None:
    page.goto(live_server.url)
    page.get_by_role("link", name="Try it without an account").click()
    assert run_axe(page) == []

    by_label(page, "J-1 (ECFMG-sponsored)").check()
    by_label(page, "Step 1 passed").check()
    by_label(page, "Step 1 attempts").fill("1")
    by_label(page, "Step 2 CK score").fill("301")
    by_label(page, "Step 2 CK attempts").fill("1")
    by_label(page, "Year of graduation").fill(str(timezone.now().year - 2))
    by_label(page, "Native").check()
    by_label(page, "Hands-on US clinical experience (months)").fill("3")
    by_label(page, "Of which in the US-Mexico border region (months)").fill("3")
    by_label(page, "Internal Medicine").check()
    by_label(page, "Family Medicine").check()
    by_label(page, "Application budget (USD)").fill("1500")
    page.get_by_role("button", name="Show my list").click()

    # The same refusal and words as the profile form; the rest of what she typed is kept.
    expect(page.locator("#error-summary")).to_contain_text(
        "A Step 2 CK score is between 1 and 300.")
    expect(by_label(page, "Family Medicine")).to_be_checked()
    assert run_axe(page) == []
    by_label(page, "Step 2 CK score").fill("222")
    page.get_by_role("button", name="Show my list").click()

    # --- Her list, in three tiers, with the reasons and the four what-ifs. ---
    expect(page.get_by_role("heading", name="Your list, tried without an account")).to_be_visible()
    counts = tier_counts(page)
    assert list(counts) == ["Tier 1", "Tier 2", "Tier 3"] and counts["Tier 1"] > 0
    expect(page.get_by_text(re.compile(r"^On the list: Tier 1 place 1 of")).first).to_be_visible()
    # The what-ifs are scored when their panel is opened (list.js), not with the list.
    page.locator("details[data-what-if] summary").click()
    what_if = page.locator("section[aria-labelledby=what-if-heading]")
    for title in ("If you pass Step 3", "in the border region", "Spanish one level up",
                  "more budget"):
        expect(what_if.get_by_role("heading", name=re.compile(title))).to_be_visible()
    assert run_axe(page) == []
    tried = listed_ids(page)
    assert len(tried) == sum(counts.values())
    assert not User.objects.exists() and not Profile.objects.exists()

    # --- She keeps it: sign up, then the link in the e-mail, in this browser. ---
    page.get_by_role("link", name="Save it: sign up").click()
    sign_up_and_confirm(page, VISITOR)

    expect(page.get_by_role("heading", name="Your program list")).to_be_visible()
    expect(flash(page)).to_contain_text("The list you tried is saved")
    assert tier_counts(page) == counts
    profile = Profile.objects.get(user__email=VISITOR)
    assert (profile.step2_score, profile.spanish_level, profile.budget_usd) == (222, "native",
                                                                                1500)
    assert set(ListEntry.objects.on_list().filter(profile=profile)
               .values_list("program__acgme_id", flat=True)) == tried
