"""The map of the list's rings by the county's Spanish-at-home share (issue 28), at phone width
(390 px) and desktop width (1280 px): the legend says what each ring means and fits the screen,
the rings are drawn where the list has such programs, and nothing scrolls sideways."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Page

from tests.browser.conftest import PASSWORD, expect_heading, login, persona_applicant

pytestmark = pytest.mark.usefixtures("transactional_db")

PAGE_WIDTH = "() => document.documentElement.scrollWidth"


def _check_map(page: Page, live_server, width: int) -> None:
    applicant = persona_applicant(border_or_underserved_projects=True)
    login(page, live_server, applicant.user.email, PASSWORD)
    page.goto(live_server.url + reverse("strategy:map", kwargs={"pk": applicant.pk}))
    expect_heading(page, "Map of the list")

    legend = page.locator("#map-legend-spanish")
    box = legend.bounding_box()
    text = legend.inner_text()
    high = page.locator("svg.strategy-map circle.ring-high")
    ring = high.first.bounding_box()
    desc = page.locator("svg.strategy-map desc").first.text_content()
    titles = page.locator("svg.strategy-map g > title").all_text_contents()

    assert page.evaluate(PAGE_WIDTH) <= width + 1
    assert legend.is_visible() and box["x"] >= 0 and box["x"] + box["width"] <= width + 1
    assert "40% or more" in text and "national 13.4%" in text and "unknown" in text
    assert "not a better chance of matching" in text
    # The list holds programs in counties where 40% or more speak Spanish at home (the border
    # valley, the Central Valley): their rings are drawn and large enough to see.
    assert high.count() > 0 and ring["width"] >= 4
    assert "in a county where 40% or more speak Spanish at home" in desc
    assert any("speak Spanish at home in the county (Census ACS 2019-2023)" in t for t in titles)


def test_the_map_rings_programs_by_spanish_spoken_at_home_on_a_phone(
        phone_page: Page, live_server, real_catalog) -> None:
    _check_map(phone_page, live_server, 390)


def test_the_map_rings_programs_by_spanish_spoken_at_home_on_a_desktop(
        page: Page, live_server, real_catalog) -> None:
    _check_map(page, live_server, 1280)
