"""How tall the pages a tired applicant reads on a phone are, in English and in Spanish, and
that a desktop shows their menus and tables whole.

At 390 x 844 CSS px (an iPhone 14) the list and the try-it result (both folded by tier), a
program's page and the SOAP page fit in 4 screens, the strategy page in 8. The heights are
written into benchmarks/RESULTS.md ("Page heights at 390 px, English and Spanish") on every run
with RECORD_HEIGHTS=1:

    RECORD_HEIGHTS=1 DEBUG=1 .venv/bin/python -m pytest -q tests/browser/test_heights.py
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page

from tests.browser.conftest import Advised, log_in

pytestmark = pytest.mark.usefixtures("transactional_db")

PHONE_WIDTH, PHONE_SCREEN = 390, 844
LIMITS = {"list": 4, "try-it result": 4, "strategy": 8, "program page": 4, "SOAP": 4}
RESULTS = Path(__file__).resolve().parents[2] / "benchmarks" / "RESULTS.md"
SECTION = "## Page heights at 390 px, English and Spanish (issue 25)"
HEIGHT = "() => document.documentElement.scrollHeight"


def phone(browser, language: str) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": PHONE_WIDTH, "height": PHONE_SCREEN},
                                  is_mobile=True, has_touch=True, device_scale_factor=1,
                                  locale={"en": "en-US", "es": "es-MX"}[language])
    page = context.new_page()
    page.set_default_timeout(20_000)
    yield page
    context.close()


def try_it(page: Page, live_server) -> None:
    """The try-it form filled as the persona would (by field names: the labels change with
    the language), then its result."""
    from programs.models import Specialty

    page.goto(live_server.url + reverse("tiering:try_it"))
    page.locator("input[name=visa_need][value=j1]").check()
    page.locator("input[name=step1_passed]").check()
    for name, value in (("step1_attempts", "1"), ("step2_score", "222"), ("step2_attempts", "1"),
                        ("graduation_year", str(timezone.now().year - 2)),
                        ("usce_hands_on_months", "3"), ("usce_border_months", "3")):
        page.locator(f"input[name={name}]").fill(value)
    page.locator("input[name=spanish_level][value=native]").check()
    for code in ("140", "120"):
        pk = Specialty.objects.get(code=code).pk
        page.locator(f"input[name=target_specialties][value='{pk}']").check()
    page.locator("main form [type=submit][name=try]").click()
    page.wait_for_url(re.compile(r"/try/list/"))


# Buttons, fields and button-like links a reader meets before the list's first tier.
CONTROLS_ABOVE_THE_LIST = """() => {
  const top = document.getElementById("the-list").getBoundingClientRect().top;
  return [...document.querySelectorAll(
      "main button, main input:not([type=hidden]), main select, main a.btn")]
    .filter((e) => e.checkVisibility({checkVisibilityCSS: true})
                   && e.getBoundingClientRect().top < top)
    .map((e) => e.innerText.trim() || e.name || e.type);
}"""
FOLDING_SCRIPT = "() => [...document.scripts].some((s) => s.src.endsWith('/js/list.js'))"


def heights_of(page: Page, live_server, advised: Advised) -> dict[str, int]:
    mine = {"pk": advised.applicant.pk}
    heights = {}
    try_it(page, live_server)
    heights["try-it result"] = page.evaluate(HEIGHT)
    assert page.evaluate(FOLDING_SCRIPT), "the try-it result folds its tiers as the list does"
    page.goto(live_server.url + reverse("programs:detail", args=[advised.program]))
    heights["program page"] = page.evaluate(HEIGHT)
    log_in(page, live_server, advised.applicant.user.email)
    for name, route in (("list", "tiering:list"), ("strategy", "strategy:strategy"),
                        ("SOAP", "strategy:soap")):
        page.goto(live_server.url + reverse(route, kwargs=mine))
        if name == "strategy":  # its map comes when the reader reaches it: measured with it
            page.locator("#map").scroll_into_view_if_needed()
            page.locator("svg.strategy-map").first.wait_for()
        heights[name] = page.evaluate(HEIGHT)
        if name == "list":
            assert page.evaluate(FOLDING_SCRIPT)
            controls = page.evaluate(CONTROLS_ABOVE_THE_LIST)
            assert len(controls) <= 2, controls  # the main button and the menu
    return heights


START, END = "<!-- heights measured: start -->", "<!-- heights measured: end -->"


def record(measured: dict[str, dict[str, int]]) -> None:
    """Rewrite the measured part of this test's section of benchmarks/RESULTS.md; the notes
    around it (the heights before, what changed) are kept."""
    def cell(height: int) -> str:
        return f"{height:,} px ({height / PHONE_SCREEN:.1f})"

    lines = [START,
             f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC in Chromium at {PHONE_WIDTH} x "
             f"{PHONE_SCREEN} CSS px, as the persona with her advisor's change (the `advised` "
             "fixture; geographic preferences West South Central, Mountain, Pacific), in "
             f"screens of {PHONE_SCREEN} px in brackets, by", "",
             "    RECORD_HEIGHTS=1 DEBUG=1 .venv/bin/python -m pytest -q "
             "tests/browser/test_heights.py", "",
             "| page | English | Spanish | limit |", "|---|---|---|---|"]
    for name, limit in LIMITS.items():
        lines.append(f"| {name} | {cell(measured['en'][name])} | {cell(measured['es'][name])} "
                     f"| {limit} screens ({limit * PHONE_SCREEN:,} px) |")
    block = "\n".join([*lines, END])
    text = RESULTS.read_text()
    if START in text:
        text = text[:text.index(START)] + block + text[text.index(END) + len(END):]
    else:
        text = text.rstrip("\n") + f"\n\n{SECTION}\n\n{block}\n"
    RESULTS.write_text(text)


def test_the_pages_fit_their_screens_on_a_phone_in_english_and_spanish(
    browser, live_server, advised: Advised,
) -> None:
    from strategy.geography import geography_save

    geography_save(advised.applicant, divisions=["west_south_central", "mountain", "pacific"],
                   setting="urban")
    measured = {}
    for language in ("en", "es"):
        for page in phone(browser, language):
            measured[language] = heights_of(page, live_server, advised)
    print()
    for language, heights in measured.items():
        for name, height in heights.items():
            print(f"{language} {name}: {height:,} px ({height / PHONE_SCREEN:.1f} screens)")
    if os.environ.get("RECORD_HEIGHTS") == "1":
        record(measured)

    too_tall = {f"{language} {name}": f"{height / PHONE_SCREEN:.1f} screens"
                for language, heights in measured.items() for name, height in heights.items()
                if height > LIMITS[name] * PHONE_SCREEN}
    assert too_tall == {}


# The widest text of a menu's choices, in the menu's own font, plus room for its arrow.
MENU_CUT = """(select) => {
  const style = getComputedStyle(select);
  const context = document.createElement("canvas").getContext("2d");
  context.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
  const widest = Math.max(...[...select.options].map((o) => context.measureText(o.text).width));
  return select.clientWidth < widest + parseFloat(style.paddingLeft) + 12;
}"""
NAV_LINES = """() => [...document.querySelectorAll("#nav .nav-link, #nav .navbar-text")]
  .filter((e) => e.getClientRects().length)
  .map((e) => {
    const style = getComputedStyle(e);
    const text = e.getBoundingClientRect().height - parseFloat(style.paddingTop)
      - parseFloat(style.paddingBottom);
    return Math.round(text / parseFloat(style.lineHeight));
  })"""


def test_on_a_desktop_in_spanish_the_menus_and_facts_show_whole(browser, live_server,
                                                               advised: Advised) -> None:
    """At 1280 px: the Spanish navigation fits one line, the strategy's signal menus show their
    choices whole, and a program's facts never scroll sideways inside their box."""
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="es-MX")
    page = context.new_page()
    log_in(page, live_server, advised.applicant.user.email)

    page.goto(live_server.url + reverse("strategy:strategy", kwargs={"pk": advised.applicant.pk}))
    nav_lines = page.evaluate(NAV_LINES)
    menus = page.locator("select.signal-select")
    menu_count = menus.count()
    cut = [menus.nth(i).get_attribute("id") for i in range(menus.count())
           if menus.nth(i).is_visible() and menus.nth(i).evaluate(MENU_CUT)]
    page.goto(live_server.url + reverse("programs:detail", args=[advised.program]))
    boxes = page.locator(".facts-box").evaluate_all(
        "boxes => boxes.filter((b) => b.getClientRects().length)"
        ".map((b) => b.scrollWidth - b.clientWidth)")
    context.close()

    assert nav_lines and set(nav_lines) == {1}, nav_lines
    assert menu_count > 0 and cut == []
    assert boxes and max(boxes) <= 0, boxes
