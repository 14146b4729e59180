"""The strategy page and its map, and the SOAP page, at phone width (390 px): nothing scrolls
sideways and the map fits the screen. The map comes when the reader scrolls to it (strategy.js)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from tests.browser.conftest import PASSWORD, expect_heading, login, persona_applicant

pytestmark = pytest.mark.usefixtures("transactional_db")

PHONE_WIDTH = 390
PAGE_WIDTH = "() => document.documentElement.scrollWidth"


def test_the_strategy_map_and_the_soap_list_fit_a_phone(phone_page: Page, live_server,
                                                        real_catalog) -> None:
    from strategy.geography import geography_save

    applicant = persona_applicant()
    geography_save(applicant, divisions=["west_south_central", "mountain", "pacific"],
                   setting="urban")
    page = phone_page
    login(page, live_server, applicant.user.email, PASSWORD)

    page.goto(live_server.url + reverse("strategy:strategy", kwargs={"pk": applicant.pk}))
    expect_heading(page, "Application strategy")
    maps = page.locator("svg.strategy-map")
    before = maps.count()  # the map is fetched when the reader comes near it, not before
    page.locator("#map").scroll_into_view_if_needed()
    expect(maps).to_have_count(2)
    strategy_width = page.evaluate(PAGE_WIDTH)
    boxes = [maps.nth(i).bounding_box() for i in range(maps.count())]
    markers = page.locator("svg.strategy-map g > title").count()
    table = page.locator("#map-table").count()

    page.goto(live_server.url + reverse("strategy:soap", kwargs={"pk": applicant.pk}))
    expect_heading(page, "SOAP backup list")
    soap_width = page.evaluate(PAGE_WIDTH)

    assert before == 0 and table == 1
    assert strategy_width <= PHONE_WIDTH + 1
    assert soap_width <= PHONE_WIDTH + 1
    assert len(boxes) == 2 and all(0 < box["width"] <= PHONE_WIDTH for box in boxes)
    assert all(box["x"] >= 0 and box["x"] + box["width"] <= PHONE_WIDTH + 1 for box in boxes)
    assert markers > 0


def test_without_javascript_the_strategy_page_links_to_the_map_page(browser, live_server,
                                                                    real_catalog) -> None:
    context = browser.new_context(viewport={"width": PHONE_WIDTH, "height": 844},
                                  is_mobile=True, java_script_enabled=False)
    page = context.new_page()
    applicant = persona_applicant()
    login(page, live_server, applicant.user.email, PASSWORD)
    page.goto(live_server.url + reverse("strategy:strategy", kwargs={"pk": applicant.pk}))

    page.get_by_role("link", name="Open the map of the list").click()

    expect_heading(page, "Map of the list")
    expect(page.locator("svg.strategy-map")).to_have_count(2)
    assert page.evaluate(PAGE_WIDTH) <= PHONE_WIDTH + 1
    context.close()
