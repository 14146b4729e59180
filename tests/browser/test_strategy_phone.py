"""The strategy page and its map, and the SOAP page, at phone width (390 px): nothing scrolls
sideways and the map fits the screen."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Page

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
    strategy_width = page.evaluate(PAGE_WIDTH)
    maps = page.locator("svg.strategy-map")
    boxes = [maps.nth(i).bounding_box() for i in range(maps.count())]
    markers = page.locator("svg.strategy-map g > title").count()

    page.goto(live_server.url + reverse("strategy:soap", kwargs={"pk": applicant.pk}))
    expect_heading(page, "SOAP backup list")
    soap_width = page.evaluate(PAGE_WIDTH)

    assert strategy_width <= PHONE_WIDTH + 1
    assert soap_width <= PHONE_WIDTH + 1
    assert len(boxes) == 2 and all(0 < box["width"] <= PHONE_WIDTH for box in boxes)
    assert all(box["x"] >= 0 and box["x"] + box["width"] <= PHONE_WIDTH + 1 for box in boxes)
    assert markers > 0
