"""The main pages at desktop and phone width, as the README shows them.

Every run opens each page and checks it renders without a console error (a script or style the
content security policy blocked, a file missing); `make screenshots` (REFRESH_SCREENSHOTS=1) also
rewrites their PNG files under docs/screenshots/."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import ConsoleMessage, Page

from applicants.models import AdvisorLink
from tests.browser.conftest import persona_applicant, tour

pytestmark = pytest.mark.usefixtures("transactional_db")

REFRESH = os.environ.get("REFRESH_SCREENSHOTS") == "1"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def console_errors(page: Page) -> list[str]:
    """Errors the page reports from now on; the favicon the site does not have is no error."""
    errors: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error" and not message.location["url"].endswith("/favicon.ico"):
            errors.append(f"{page.url}: {message.text}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: errors.append(f"{page.url}: {error}"))
    return errors


@pytest.mark.parametrize("device", ["page", "phone_page"], ids=["desktop", "phone"])
def test_every_main_page_renders_without_a_console_error(
    device: str, request, live_server, advised,
) -> None:
    # A second client, so that the dashboard looks like an advisor's: she needs an H-1B and
    # has not passed Step 3 yet, which the dashboard points out.
    other = persona_applicant("sofia.ramirez@example.org", visa_need="h1b", step2_score=238)
    AdvisorLink.objects.create(profile=other, advisor=advised.advisor)
    page: Page = request.getfixturevalue(device)
    width = "phone" if device == "phone_page" else "desktop"
    errors = console_errors(page)

    shown = []
    for stop in tour(page, live_server, advised):
        shown.append(stop.slug)
        if REFRESH and stop.screenshot:
            # One image pixel per CSS pixel: a phone's double density would only add weight.
            page.screenshot(path=SCREENSHOTS / f"{stop.slug}-{width}.png", scale="css",
                            animations="disabled", caret="hide")

    assert len(shown) == 19
    assert errors == []


@pytest.mark.parametrize("device", ["page", "phone_page"], ids=["desktop", "phone"])
def test_the_try_it_result_and_the_strategy_render_without_a_console_error(
    device: str, request, live_server, advised,
) -> None:
    """The try-it result (a visitor's list) and the strategy page, as the README shows them."""
    from django.urls import reverse

    from tests.browser.conftest import PASSWORD, expect_heading, login
    from tests.browser.test_heights import try_it

    page: Page = request.getfixturevalue(device)
    width = "phone" if device == "phone_page" else "desktop"
    errors = console_errors(page)

    try_it(page, live_server)
    expect_heading(page, "Your list, tried without an account")
    if REFRESH:
        page.screenshot(path=SCREENSHOTS / f"try-result-{width}.png", scale="css",
                        animations="disabled", caret="hide")
    login(page, live_server, advised.applicant.user.email, PASSWORD)
    page.goto(live_server.url + reverse("strategy:strategy", kwargs={"pk": advised.applicant.pk}))
    expect_heading(page, "Application strategy")
    if REFRESH:
        page.screenshot(path=SCREENSHOTS / f"strategy-{width}.png", scale="css",
                        animations="disabled", caret="hide")

    assert errors == []
