"""Playwright driving Debian's Chromium against pytest-django's live server.

Chromium comes from the system package (`apt-get install chromium`), never from
`playwright install`. Without it these tests are skipped here; CI installs it first.
"""

from __future__ import annotations

import io
import os
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:  # the browser tests skip where Playwright is missing
    from playwright.sync_api import Page

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
AXE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
# Playwright's sync API runs an event loop in this thread; the live server's ORM calls happen
# in their own thread, and the test's own ORM calls are synchronous by design.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        if os.environ.get("REQUIRE_BROWSER"):
            pytest.fail(f"Chromium not found at {CHROMIUM}, and REQUIRE_BROWSER is set")
        pytest.skip(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--headless", "--no-sandbox", "--disable-gpu",
                  "--disable-background-networking", "--disable-component-update",
                  "--no-first-run", "--disable-sync"],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser) -> Iterator:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def second_page(browser) -> Iterator:
    """A second person's browser: its own context, so its own cookies and session."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def phone_page(browser) -> Iterator:
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True,
                                  has_touch=True, device_scale_factor=2)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def run_axe(page) -> list[dict]:
    """Serious and critical axe-core violations on the current page."""
    # The app's content security policy forbids inline scripts, so axe is not added as a
    # <script> tag: Playwright evaluates it through the DevTools protocol, which CSP does not
    # govern.
    page.evaluate(AXE.read_text())
    results = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        {"id": v["id"], "impact": v["impact"], "help": v["help"],
         "nodes": [n["target"] for n in v["nodes"][:5]]}
        for v in results["violations"] if v["impact"] in ("serious", "critical")
    ]


def by_label(page, label: str):
    """The form control with exactly this label; crispy forms add "*" to required fields."""
    return page.get_by_label(re.compile(rf"^\s*{re.escape(label)}\*?\s*$"))


def pick(page, label: str, *options: str) -> None:
    """Choose options in a searchable picker (the profile's specialties and states): type the
    name, then click the match."""
    box = page.get_by_role("combobox", name=label)
    for option in options:
        box.fill(option)
        page.get_by_role("option", name=option, exact=True).click()


def login(page, live_server, email: str, password: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()


# --- people and their data -------------------------------------------------------------------

PASSWORD = "a long passphrase nobody guesses"


def sign_up_and_confirm(page, email: str) -> None:
    """On the sign-up page: sign up, then open the link of the confirmation e-mail in the same
    browser, as a new applicant does."""
    from django.core import mail
    from playwright.sync_api import expect

    by_label(page, "Email address").fill(email)
    by_label(page, "Password").fill(PASSWORD)
    by_label(page, "Password confirmation").fill(PASSWORD)
    page.get_by_role("button", name="Sign up").click()
    expect(page.get_by_role("heading", name="Check your e-mail")).to_be_visible()
    [message] = mail.outbox
    page.goto(re.search(r"https?://\S+", message.body)[0])
INTERNAL_MEDICINE, FAMILY_MEDICINE = "140", "120"


@pytest.fixture(autouse=True)
def fast_password_hashing(settings) -> None:
    # The live server runs in this process, so it hashes with this too: every sign-up and
    # log-in would otherwise cost a deliberately slow key derivation.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def persona_fields() -> dict:
    """The acceptance persona: Step 1 passed once, Step 2 CK 222 at the first attempt,
    graduated two years ago, needs a J-1, native Spanish, 3 months of hands-on US clinical
    experience, all of it in the border region."""
    from django.utils import timezone

    return dict(
        step1_passed=True, step1_attempts=1, step2_score=222, step2_attempts=1,
        graduation_year=timezone.now().year - 2, visa_need="j1", ecfmg_status="certified",
        spanish_level="native", usce_hands_on_months=3, usce_border_months=3,
    )


def persona_applicant(email: str = "maria.lopez@example.org", **changes):
    """The persona (with changes) in Internal Medicine and Family Medicine, her list computed."""
    from applicants.models import Profile, User
    from programs.models import Specialty
    from tiering.lists import list_recompute

    user = User.objects.create_user(email=email, password=PASSWORD)
    profile = Profile.objects.create(user=user, **{**persona_fields(), **changes})
    profile.target_specialties.set(
        Specialty.objects.filter(code__in=[INTERNAL_MEDICINE, FAMILY_MEDICINE]))
    list_recompute(profile)
    return profile


def linked_advisor(profile, email: str = "ana.garcia@example.org"):
    from django.utils import timezone

    from applicants.models import AdvisorLink, User

    advisor = User.objects.create_user(email=email, password=PASSWORD, role=User.Role.ADVISOR,
                                       email_confirmed_at=timezone.now())
    AdvisorLink.objects.create(profile=profile, advisor=advisor)
    return advisor


@dataclass(frozen=True)
class Advised:
    """The persona, her advisor, and the program her advisor moved to another tier."""

    applicant: Any  # Profile
    advisor: Any  # User
    program: str  # ACGME id
    program_name: str


@pytest.fixture
def advised(transactional_db, real_catalog) -> Advised:
    """The persona some weeks into the season: she applied to her best program and sent it a
    signal; her advisor moved her second-best program to Tier 2 with a reason and left a note."""
    from advising import services as advising
    from tiering.models import ListEntry, Tier
    from tracker import tracking

    applicant = persona_applicant()
    advisor = linked_advisor(applicant)
    best, second = (ListEntry.objects.for_list()
                    .filter(profile=applicant, computed_tier=Tier.TIER_1)
                    .order_by("-score", "program__name")[:2])
    tracking.entry_update_tracking(best, {
        "status": "applied", "signal": True, "date_applied": date(2026, 9, 24),
        "notes": "Asked the coordinator about the J-1 Statement of Need",
    }, actor=applicant.user)
    advising.entry_override_tier(
        second, tier=Tier.TIER_2, by=advisor,
        reason="Few J-1 residents in the last two classes: keep it, but as Tier 2.")
    advising.note_add(applicant, entry=second, by=advisor,
                      text="Ask which visa their current residents hold before you pay to apply.")
    return Advised(applicant=applicant, advisor=advisor, program=second.program.acgme_id,
                   program_name=second.program.name)


# --- a tour of the main pages ----------------------------------------------------------------


@dataclass(frozen=True)
class Stop:
    slug: str  # names the screenshot files
    title: str
    heading: str  # the page's <h1>, which says it rendered
    screenshot: bool = True  # error states are checked, not shown in the README


def tracker_with_a_change(applicant) -> bytes:
    """The applicant's tracker as she downloads it, with one status changed in Excel."""
    import openpyxl

    from tracker.export import tracker_export
    from tracker.workbook import write_xlsx

    downloaded = io.BytesIO()
    write_xlsx(tracker_export(applicant), downloaded)
    workbook = openpyxl.load_workbook(io.BytesIO(downloaded.getvalue()))
    sheet = workbook["Tracker"]
    header = [cell.value for cell in sheet[1]]
    sheet.cell(row=3, column=header.index("Status") + 1).value = "Preparing"
    sheet.cell(row=3, column=header.index("Notes") + 1).value = "Letters: two of three received"
    edited = io.BytesIO()
    workbook.save(edited)
    return edited.getvalue()


def tour(page, live_server, advised: Advised) -> Iterator[Stop]:
    """Open each main page in turn, as a visitor, then the applicant, then her advisor, and
    yield once each page is shown; also the pages' error states and the upload's preview."""
    from django.urls import reverse

    applicant = advised.applicant
    mine = {"pk": applicant.pk}
    program = {**mine, "acgme_id": advised.program}

    def show(path: str, stop: Stop) -> Stop:
        if path:
            page.goto(live_server.url + path)
        expect_heading(page, stop.heading)
        return stop

    yield show("/", Stop("home", "Home", "Build the list of residency programs"))
    yield show(reverse("programs:list") + "?specialty=140&state=TX&border=on",
               Stop("catalog", "Program catalog, filtered", "Program catalog"))
    program_name = advised.program_name
    yield show(reverse("programs:detail", args=[advised.program]),
               Stop("program", "A program's facts and sources", program_name))
    yield show(reverse("sources"), Stop("sources", "Sources", "Sources and attributions"))
    yield show(reverse("signup"), Stop("signup", "Sign up", "Create your account"))
    yield show(reverse("login"), Stop("login", "Log in", "Log in"))
    by_label(page, "Email").fill(applicant.user.email)
    by_label(page, "Password").fill("not the password")
    page.get_by_role("button", name="Log in").click()
    yield show("", Stop("login-error", "Log in, refused", "Log in", screenshot=False))

    login(page, live_server, applicant.user.email, PASSWORD)
    yield show(reverse("applicants:profile", kwargs=mine),
               Stop("profile", "Profile", "Your profile"))
    by_label(page, "Of which in the US-Mexico border region (months)").fill("9")
    page.get_by_role("button", name="Save profile").click()
    yield show("", Stop("profile-errors", "Profile, refused", "Your profile", screenshot=False))
    yield show(reverse("tiering:list", kwargs=mine),
               Stop("list", "Tiered program list", "Your program list"))
    yield show(reverse("tiering:explanation", kwargs=program),
               Stop("explanation", "Why a program is in its tier", program_name))
    yield show(reverse("tracker:tracker_upload", kwargs=mine),
               Stop("upload", "Tracker upload", "Upload your tracker"))
    page.get_by_label("Tracker workbook (.xlsx)").set_input_files({
        "name": "my-tracker.xlsx", "buffer": tracker_with_a_change(applicant),
        "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    })
    page.get_by_role("button", name="Upload and preview").click()
    yield show("", Stop("upload-preview", "Tracker upload, preview",
                        "Confirm the changes from your tracker"))
    yield show(reverse("advising:my_advisors"), Stop("advisors", "My advisors", "My advisors"))
    yield show(reverse("advising:history", kwargs=mine),
               Stop("history", "History of the list", "History of your list"))
    yield show(reverse("strategy:strategy", kwargs=mine),
               Stop("strategy", "Application strategy", "Application strategy",
                    screenshot=False))
    yield show(reverse("strategy:soap", kwargs=mine),
               Stop("soap", "SOAP backup list", "SOAP backup list", screenshot=False))

    page.context.clear_cookies()
    login(page, live_server, advised.advisor.email, PASSWORD)
    yield show(reverse("advising:advisor_dashboard"),
               Stop("dashboard", "Advisor's dashboard", "Your clients"))
    yield show(reverse("tiering:explanation", kwargs=program),
               Stop("advisor-explanation", "A program, as the advisor sees it", program_name))
    page.context.clear_cookies()


def expect_heading(page, text: str) -> None:
    from playwright.sync_api import expect

    expect(page.get_by_role("heading", level=1)).to_contain_text(text)


def log_in(page: Page, live_server, email: str) -> None:
    """Log in through the real log-in form, with the fixtures' password."""
    page.goto(f"{live_server.url}/accounts/login/")
    page.locator("input[name=username]").fill(email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_load_state()
