"""The catalog's Spanish-speaking and shortage-area filters in Chromium, on a phone (390 px)
and a desktop (1280 px): chosen with the form, they narrow the shipped catalog's list, the page
fits the screen and axe finds nothing serious."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import run_axe

pytestmark = pytest.mark.usefixtures("transactional_db")


@pytest.mark.parametrize("device", ["page", "phone_page"], ids=["desktop", "phone"])
def test_spanish_speaking_shortage_areas_beyond_the_border_are_found_with_the_filters(
    device: str, request, live_server, real_catalog
) -> None:
    page = request.getfixturevalue(device)
    page.goto(f"{live_server.url}/programs/")

    page.get_by_label("Spanish-speaking community").select_option(
        label="at least 25% speak Spanish at home")
    page.get_by_label("Primary-care shortage area (county has a geographic HPSA)").check()
    page.get_by_role("button", name="Search").click()

    page.wait_for_url("**shortage=on**")
    assert "spanish=25" in page.url
    rows = page.locator("table.table-programs tbody tr")
    expect(rows.first).to_be_visible()
    cities = set(page.locator("table.table-programs tbody td[data-label='City']").all_inner_texts())
    # Not only border towns: Spanish-speaking shortage areas far from the line are listed too.
    assert any(not city.endswith((", TX", ", NM", ", AZ")) for city in cities), cities
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert [v for v in run_axe(page) if v["impact"] in ("serious", "critical")] == []
