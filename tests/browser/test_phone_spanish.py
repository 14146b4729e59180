"""The main pages in Spanish at phone width (390 px): Spanish runs about a fifth longer than
English, and still nothing scrolls sideways but the wide tables inside their own boxes."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.urls import reverse
from playwright.sync_api import Page

from tests.browser.conftest import log_in
from tests.browser.test_phone import PAGE_WIDTH, PHONE_WIDTH

pytestmark = pytest.mark.usefixtures("transactional_db")


@pytest.fixture
def spanish_phone(browser) -> Iterator[Page]:
    """A phone whose browser asks for Mexican Spanish, as most of the product's users' do."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True,
                                  has_touch=True, device_scale_factor=2, locale="es-MX")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def test_no_main_page_scrolls_sideways_in_spanish_on_a_phone(
    spanish_phone: Page, live_server, advised,
) -> None:
    page = spanish_phone
    mine = {"pk": advised.applicant.pk}
    program = {**mine, "acgme_id": advised.program}
    visitor = ["/", reverse("tiering:try_it"),
               reverse("programs:list") + "?specialty=140&state=TX&border=on",
               reverse("programs:detail", args=[advised.program]), reverse("sources"),
               reverse("signup"), reverse("login")]
    applicant = [reverse("applicants:profile", kwargs=mine), reverse("tiering:list", kwargs=mine),
                 reverse("tiering:explanation", kwargs=program),
                 reverse("tracker:tracker_upload", kwargs=mine),
                 reverse("advising:my_advisors"), reverse("advising:history", kwargs=mine),
                 reverse("strategy:strategy", kwargs=mine), reverse("strategy:soap", kwargs=mine)]
    advisor = [reverse("advising:advisor_dashboard"),
               reverse("tiering:explanation", kwargs=program)]
    widths, languages = {}, {}

    def visit(paths: list[str], who: str) -> None:
        for path in paths:
            page.goto(live_server.url + path)
            widths[f"{who} {path}"] = page.evaluate(PAGE_WIDTH)
            languages[f"{who} {path}"] = page.evaluate("() => document.documentElement.lang")

    visit(visitor, "visitor")
    log_in(page, live_server, advised.applicant.user.email)
    visit(applicant, "applicant")
    page.context.clear_cookies()
    log_in(page, live_server, advised.advisor.email)
    visit(advisor, "advisor")

    assert len(widths) == 17
    assert set(languages.values()) == {"es"}
    assert {stop: width for stop, width in widths.items() if width > PHONE_WIDTH + 1} == {}
