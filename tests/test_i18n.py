"""The product in English and Spanish: the catalog is complete, the pages follow the browser,
the switcher and the account's saved choice, and the error pages speak both languages."""

from __future__ import annotations

import gettext
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.template import loader
from django.test import Client
from django.urls import reverse
from django.utils import translation

from applicants.models import User
from tests.factories import ProfileFactory, ProgramFactory, SpecialtyFactory, UserFactory
from tests.routes import route
from tiering.lists import list_recompute

LOCALE = Path(settings.BASE_DIR) / "locale"
CATALOGS = sorted(LOCALE.glob("*/LC_MESSAGES/django.po"))

# English sentences and labels of the pages translated so far. Each one would show in a Spanish
# page only if a string escaped translation (or the catalog was not compiled).
ENGLISH = [
    "Skip to content", "Program catalog", "Log in", "Sign up", "Log out", "My list",
    "My profile", "My advisors", "Sources and attributions", "verify them with the program",
    "Build the list of residency programs", "Create a free account", "Border-aware",
    "Browse the program catalog", "No account yet?", "Forgot your password?",
    "Create your account", "Already registered?", "Reset your password", "Send the link",
    "An advisor you link sees your profile", "Linked now", "Add an advisor by email",
    "Enter a code from your advisor", "Link with this code", "No advisor sees your list",
    "History of your list", "Every change to a program", "Builds of the list",
    "Notes on the whole list", "No change recorded yet", "Upload your tracker",
    "Upload the workbook you downloaded", "Upload and preview", "Cancel", "Your list",
]


def visible_text(html: str) -> str:
    """The words a reader sees (and a screen reader reads): text and the attributes that
    carry words, without markup, scripts or e-mail addresses."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    labels = " ".join(re.findall(r'(?:aria-label|title|alt|placeholder)="([^"]*)"', html))
    text = re.sub(r"<[^>]+>", " ", html) + " " + labels
    return re.sub(r"\s+", " ", text)


def english_in(html: str) -> list[str]:
    text = visible_text(html)
    return [phrase for phrase in ENGLISH if re.search(rf"\b{re.escape(phrase)}\b", text)]


# --- The catalog --------------------------------------------------------------------------------


def test_every_catalog_is_complete_with_no_fuzzy_or_untranslated_message() -> None:
    if shutil.which("msgfmt") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("msgfmt is missing on CI: .ci/run installs gettext")
        pytest.skip("msgfmt (GNU gettext) is not installed: apt-get install gettext")
    assert CATALOGS, "no locale/*/LC_MESSAGES/django.po"
    for po in CATALOGS:
        result = subprocess.run(
            ["msgfmt", "--check", "--statistics", "-o", os.devnull, str(po)],
            capture_output=True, text=True, env={**os.environ, "LC_ALL": "C"},
        )
        assert result.returncode == 0, result.stderr
        # msgfmt reports "N translated messages, M fuzzy translations, K untranslated ...".
        assert "fuzzy" not in result.stderr and "untranslated" not in result.stderr, (
            f"{po}: {result.stderr.strip()}")


def test_the_committed_mo_files_match_their_po_files(tmp_path) -> None:
    if shutil.which("msgfmt") is None:
        pytest.skip("msgfmt (GNU gettext) is not installed: apt-get install gettext")
    for po in CATALOGS:
        fresh = tmp_path / "fresh.mo"
        subprocess.run(["msgfmt", "-o", str(fresh), str(po)], check=True)
        with fresh.open("rb") as new, po.with_suffix(".mo").open("rb") as committed:
            assert gettext.GNUTranslations(committed)._catalog == (
                gettext.GNUTranslations(new)._catalog
            ), f"{po.with_suffix('.mo')} is stale: run manage.py compilemessages"


# --- Pages in Spanish ---------------------------------------------------------------------------


@pytest.fixture
def applicant(db):
    """An applicant with a built list, an advisor link to show, and a page of history."""
    specialty = SpecialtyFactory()
    for n in range(3):
        ProgramFactory(specialty=specialty, j1_accepted="yes", name=f"Programa {n}")
    profile = ProfileFactory()
    profile.target_specialties.set([specialty])
    list_recompute(profile)
    return profile


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/", "/accounts/login/", "/accounts/signup/",
                                 "/accounts/password-reset/", "/accounts/password-reset/sent/",
                                 "/accounts/reset/done/"])
def test_a_visitor_whose_browser_asks_for_spanish_reads_the_page_in_spanish(client, url) -> None:
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="es-MX,es;q=0.9,en;q=0.5")

    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="es">' in html
    assert english_in(html) == []


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["my_advisors", "history", "tracker_upload"])
def test_an_applicant_reads_advisors_history_and_upload_in_spanish(client, applicant,
                                                                   name) -> None:
    client.force_login(applicant.user)
    url = route(name) if name == "my_advisors" else route(name, pk=applicant.pk)

    response = client.get(url, HTTP_ACCEPT_LANGUAGE="es")

    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="es">' in html
    assert english_in(html) == []


@pytest.mark.django_db
def test_english_stays_the_default_for_a_browser_that_asks_for_neither_language(client) -> None:
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="fr")

    html = response.content.decode()
    assert '<html lang="en">' in html
    assert "Build the list of residency programs you apply to" in html


@pytest.mark.django_db
def test_the_password_reset_email_is_in_the_language_of_the_page(client, mailoutbox) -> None:
    UserFactory(email="ana@example.org")

    client.post("/accounts/password-reset/", {"email": "ana@example.org"},
                HTTP_ACCEPT_LANGUAGE="es")

    [mail] = mailoutbox
    assert mail.subject == "Restablece tu contraseña de Residency Planner"
    assert "Pediste restablecer la contraseña" in mail.body
    assert "/accounts/reset/" in mail.body


# --- The switcher and the saved choice ----------------------------------------------------------


@pytest.mark.django_db
def test_the_switcher_is_a_form_in_the_navigation_offering_the_other_language(client) -> None:
    html = client.get("/").content.decode()

    switcher = re.search(r'<form class="language-switcher.*?</form>', html, flags=re.S)
    assert switcher, "no language switcher"
    assert f'action="{reverse("set_language")}"' in switcher.group()
    assert 'method="post"' in switcher.group()
    assert re.search(r'<button[^>]*name="language" value="es"[^>]*lang="es"', switcher.group())
    assert "Español" in switcher.group()
    # Outside the collapsed menu: visible on a phone without opening it.
    assert html.index("language-switcher") < html.index('id="nav"')


@pytest.mark.django_db
def test_a_visitor_who_switches_to_spanish_stays_in_spanish_whatever_the_browser_says(
    client,
) -> None:
    response = client.post(reverse("set_language"), {"language": "es", "next": "/"})

    assert response.status_code == 302 and response["Location"] == "/"
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "es"
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="es">' in html


@pytest.mark.django_db
def test_a_signed_in_user_who_switches_keeps_spanish_on_another_device(client) -> None:
    user = UserFactory()
    client.force_login(user)

    client.post(reverse("set_language"), {"language": "es", "next": "/"})

    user.refresh_from_db()
    assert user.language == "es"
    other_device = Client()
    other_device.force_login(user)
    html = other_device.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="es">' in html
    assert other_device.cookies[settings.LANGUAGE_COOKIE_NAME].value == "es"


@pytest.mark.django_db
def test_the_saved_choice_wins_over_the_browser_and_english_can_be_chosen_back(client) -> None:
    user = UserFactory(language="en")
    client.force_login(user)

    assert '<html lang="en">' in client.get("/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    client.post(reverse("set_language"), {"language": "es", "next": "/"})
    client.post(reverse("set_language"), {"language": "en", "next": "/"})

    user.refresh_from_db()
    assert user.language == "en"


@pytest.mark.django_db
def test_a_language_chosen_before_logging_in_becomes_the_accounts_choice(client) -> None:
    user = UserFactory()
    client.post(reverse("set_language"), {"language": "es", "next": "/"})

    client.post("/accounts/login/", {"username": user.email,
                                     "password": "correct horse battery staple"})

    user.refresh_from_db()
    assert user.language == "es"


@pytest.mark.django_db
def test_a_user_without_a_saved_choice_follows_the_browser(client) -> None:
    user = UserFactory()
    client.force_login(user)

    html = client.get("/", HTTP_ACCEPT_LANGUAGE="es").content.decode()

    assert '<html lang="es">' in html
    user.refresh_from_db()
    assert user.language == ""


@pytest.mark.django_db
def test_an_unknown_language_is_not_saved(client) -> None:
    user = UserFactory()
    client.force_login(user)

    client.post(reverse("set_language"), {"language": "xx", "next": "/"})

    user.refresh_from_db()
    assert user.language == ""


# --- Error pages --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_404_page_is_in_the_visitors_language(client) -> None:
    spanish = client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE="es")
    english = client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE="en")

    assert spanish.status_code == 404
    assert "Página no encontrada" in spanish.content.decode()
    assert "Page not found" in english.content.decode()


def test_the_500_page_renders_without_a_request_in_both_languages() -> None:
    template = loader.get_template("500.html")
    for language, title in (("en", "Something went wrong"), ("es", "Algo salió mal")):
        with translation.override(language):
            html = template.render()
        assert f'<html lang="{language}">' in html
        assert title in html


# --- Model-level strings ------------------------------------------------------------------------


def test_choices_follow_the_language() -> None:
    from tiering.models import Status, Tier

    with translation.override("es"):
        assert str(Tier.TIER_1.label) == "Nivel 1"
        assert str(Status.APPLIED.label) == "Enviada"
        assert str(User.Role.ADVISOR.label) == "Asesor"
    assert str(Tier.TIER_1.label) == "Tier 1"
