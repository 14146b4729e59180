"""The pages at phone width (390 px, an iPhone 14's CSS width): nothing scrolls sideways but the
wide tables inside their own scroll boxes, the navigation folds behind a menu button that opens
with the keyboard, and the list's tier counts fit the screen."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import PASSWORD, login, tour

pytestmark = pytest.mark.usefixtures("transactional_db")

PHONE_WIDTH = 390

# A mobile browser widens its layout viewport (and window.innerWidth with it) to fit content
# that overflows, so the page's width is compared with the phone's, not with innerWidth.
PAGE_WIDTH = "() => document.documentElement.scrollWidth"


def test_no_main_page_scrolls_sideways_on_a_phone(phone_page: Page, live_server, advised) -> None:
    page = phone_page

    widths = {stop.title: page.evaluate(PAGE_WIDTH) for stop in tour(page, live_server, advised)}

    assert len(widths) == 19
    assert {title: width for title, width in widths.items() if width > PHONE_WIDTH + 1} == {}


def test_the_navigation_folds_behind_a_button_that_opens_with_the_keyboard(
    phone_page: Page, live_server, advised,
) -> None:
    page = phone_page
    login(page, live_server, advised.applicant.user.email, PASSWORD)
    navigation = page.get_by_role("navigation", name="Main")
    menu = navigation.get_by_role("button", name="Toggle navigation")
    my_list = navigation.get_by_role("link", name="My list")
    # The language switcher stays outside the folded menu: a phone reaches it at once.
    switcher = navigation.get_by_role("button", name="Idioma: Español")
    expect(menu).to_be_visible()
    expect(switcher).to_be_visible()
    expect(my_list).to_be_hidden()

    for _ in range(3):  # the skip link, the site's name, the language switcher
        page.keyboard.press("Tab")
    expect(switcher).to_be_focused()
    page.keyboard.press("Tab")
    expect(menu).to_be_focused()
    page.keyboard.press("Enter")

    expect(menu).to_have_attribute("aria-expanded", "true")
    expect(my_list).to_be_visible()
    page.keyboard.press("Tab")
    expect(navigation.get_by_role("link", name="Program catalog")).to_be_focused()
    page.keyboard.press("Tab")
    expect(my_list).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Your program list")).to_be_visible()


def test_the_tier_counts_fit_a_phone_screen(phone_page: Page, live_server, advised) -> None:
    page = phone_page
    login(page, live_server, advised.applicant.user.email, PASSWORD)
    page.goto(f"{live_server.url}/applicants/{advised.applicant.pk}/list/")

    cards = page.get_by_role("region", name="Programs per tier").get_by_role("link")
    expect(cards).to_have_count(3)  # Tiers 1-3; "Not eligible" only when one is kept by hand
    for card in cards.all():
        expect(card).to_be_visible()
        box = card.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE_WIDTH, card.inner_text()
    expect(cards.first).to_contain_text("Tier 1")


# Every table cell and card the page shows, with the folded parts (the list's tiers, the
# "Before you apply" panel) opened first: a cell inside a scroll box counts too, since a reader
# has to scroll it into view to read it.
CELLS_PAST_THE_EDGE = """(width) => {
  document.querySelectorAll("details").forEach((details) => { details.open = true; });
  const past = [];
  for (const element of document.querySelectorAll("table td, table th, .card")) {
    if (!element.getClientRects().length) { continue; }  // not shown (a hidden header row)
    const right = element.getBoundingClientRect().right + window.scrollX;
    if (right > width + 1) {
      past.push(`${Math.round(right)} px: ${element.innerText.trim().slice(0, 40)}`);
    }
  }
  return past;
}"""


def test_no_table_cell_or_card_ends_right_of_a_phone_screen(
    phone_page: Page, live_server, advised,
) -> None:
    page = phone_page

    past_the_edge = {stop.title: page.evaluate(CELLS_PAST_THE_EDGE, PHONE_WIDTH)
                     for stop in tour(page, live_server, advised)}

    assert len(past_the_edge) == 19
    failing = {title: cells[:3] for title, cells in past_the_edge.items() if cells}
    assert failing == {}, "\n".join(f"{title}: {cells}" for title, cells in failing.items())


PHONE_SCREEN = 844  # an iPhone 14's CSS height


def test_the_list_folded_by_tier_is_at_most_six_screens_tall(
    phone_page: Page, live_server, advised,
) -> None:
    """Also prints the heights of the list, the catalog and the profile (run with -s); they are
    recorded in benchmarks/RESULTS.md."""
    page = phone_page
    login(page, live_server, advised.applicant.user.email, PASSWORD)
    pk = advised.applicant.pk
    heights = {}
    for name, path in [("list (folded by tier)", f"/applicants/{pk}/list/"),
                       ("catalog (Internal Medicine, Texas, border)",
                        "/programs/?specialty=140&state=TX&border=on"),
                       ("profile", f"/applicants/{pk}/profile/")]:
        page.goto(live_server.url + path)
        heights[name] = page.evaluate("() => document.documentElement.scrollHeight")
    print()
    for name, height in heights.items():
        print(f"Height at {PHONE_WIDTH} px: {name}: {height} px, "
              f"{height / PHONE_SCREEN:.1f} screens of {PHONE_SCREEN} px")

    assert heights["list (folded by tier)"] <= 6 * PHONE_SCREEN


def test_on_a_phone_the_tiers_come_folded_and_a_link_to_a_row_opens_its_tier(
    phone_page: Page, live_server, advised,
) -> None:
    from tiering.models import ListEntry

    page = phone_page
    login(page, live_server, advised.applicant.user.email, PASSWORD)
    entry = ListEntry.objects.get(profile=advised.applicant, program__acgme_id=advised.program)
    list_page = f"{live_server.url}/applicants/{advised.applicant.pk}/list/"

    page.goto(list_page)
    expect(page.locator("details[data-fold-on-phone][open]")).to_have_count(0)
    expect(page.locator(f"#entry-{entry.pk}")).to_be_hidden()

    page.goto(f"{list_page}#entry-{entry.pk}")  # where a status change brings her back
    expect(page.locator(f"#entry-{entry.pk}")).to_be_visible()
    expect(page.locator("details[data-fold-on-phone][open]")).to_have_count(1)
