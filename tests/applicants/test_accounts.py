"""Accounts: failed logins are rate-limited, passwords pass Django's validators, and a forgotten
password is reset by email (printed to the console in development, SMTP in production)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from advising import services as advising
from advising.models import AdvisorInvitation
from applicants.models import User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "correct horse battery staple"  # the factories' password


def log_in(client, email: str, password: str):
    return client.post(reverse("login"), {"username": email, "password": password})


def logged_in(client) -> bool:
    return bool(client.session.get("_auth_user_id"))


# --- Failed logins -----------------------------------------------------------------------------


def test_five_failed_logins_lock_the_account_even_for_the_right_password(client) -> None:
    UserFactory(email="ana@example.org")
    for _ in range(5):
        log_in(client, "ana@example.org", "wrong password")

    response = log_in(client, "ana@example.org", PASSWORD)

    assert response.status_code == 429
    assert "Too many failed logins" in response.content.decode()
    assert not logged_in(client)


def test_four_failed_logins_still_let_the_right_password_in(client) -> None:
    UserFactory(email="ana@example.org")
    for _ in range(4):
        assert log_in(client, "ana@example.org", "wrong password").status_code == 200

    response = log_in(client, "ana@example.org", PASSWORD)

    assert response.status_code == 302
    assert logged_in(client)


def test_a_lockout_is_per_account_and_address_not_for_everyone(client) -> None:
    UserFactory(email="ana@example.org")
    UserFactory(email="ben@example.org")
    for _ in range(5):
        log_in(client, "ana@example.org", "wrong password")

    response = log_in(client, "ben@example.org", PASSWORD)

    assert response.status_code == 302


# --- Password validators -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("12345678", "This password is too common."),
        ("k3y!", "This password is too short. It must contain at least 8 characters."),
        ("40417230995", "This password is entirely numeric."),
        ("new.coach.example", "The password is too similar to the email address."),
    ],
)
def test_a_weak_password_is_refused_at_advisor_sign_up(client, password, message) -> None:
    staff = UserFactory(is_staff=True, role=User.Role.STAFF)
    code = advising.invitation_issue(AdvisorInvitation.Kind.ADVISOR_SIGNUP, by=staff).code

    response = client.post(reverse("advising:advisor_signup"), {
        "code": code, "email": "new.coach@example.org",
        "password1": password, "password2": password,
    })

    assert message in response.content.decode().replace("&#x27;", "'")
    assert not User.objects.filter(email="new.coach@example.org").exists()
    assert AdvisorInvitation.objects.get(code=code).used_at is None  # still usable


# --- Password reset ------------------------------------------------------------------------


def test_a_forgotten_password_is_reset_through_the_emailed_link(client, mailoutbox) -> None:
    UserFactory(email="ana@example.org")

    response = client.post(reverse("password_reset"), {"email": "ana@example.org"})

    assert response.url == reverse("password_reset_done")
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["ana@example.org"]
    assert mail.subject == "Reset your Residency Planner password"
    link = re.search(r"https?://testserver(/accounts/reset/\S+/)", mail.body)[1]
    form_page = client.get(link, follow=True)
    assert form_page.context["validlink"]
    new_password = "a-new-unusual-pass-77"
    done = client.post(form_page.redirect_chain[-1][0], {
        "new_password1": new_password, "new_password2": new_password})
    assert done.url == reverse("password_reset_complete")

    client.logout()
    assert log_in(client, "ana@example.org", PASSWORD).status_code == 200  # the old one fails
    assert log_in(client, "ana@example.org", new_password).status_code == 302
    assert logged_in(client)
    assert not client.get(link, follow=True).context["validlink"]  # the link works once


def test_a_reset_for_an_unknown_email_sends_nothing_and_looks_the_same(
    client, mailoutbox
) -> None:
    response = client.post(reverse("password_reset"), {"email": "nobody@example.org"})

    assert response.url == reverse("password_reset_done")
    assert mailoutbox == []


def test_the_reset_refuses_a_weak_new_password(client, mailoutbox) -> None:
    UserFactory(email="ana@example.org")
    client.post(reverse("password_reset"), {"email": "ana@example.org"})
    link = re.search(r"https?://testserver(/accounts/reset/\S+/)", mailoutbox[0].body)[1]
    form_page = client.get(link, follow=True)

    response = client.post(form_page.redirect_chain[-1][0], {
        "new_password1": "password", "new_password2": "password"})

    assert response.status_code == 200
    assert "This password is too common." in response.content.decode()


# --- Email settings ------------------------------------------------------------------------


def email_settings(env: dict[str, str]) -> dict[str, str]:
    names = ["EMAIL_BACKEND", "EMAIL_HOST", "EMAIL_PORT", "EMAIL_HOST_USER", "EMAIL_USE_TLS"]
    script = ("import residency_planner.settings as s; "
              f"print('|'.join(str(getattr(s, n, '')) for n in {names!r}))")
    clean = {k: v for k, v in os.environ.items()
             if not k.startswith("EMAIL_") and k not in {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS"}}
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env={**clean, **env},
                            capture_output=True, text=True, check=True)
    return dict(zip(names, result.stdout.strip().split("|"), strict=True))


def test_development_prints_emails_to_the_console() -> None:
    assert email_settings({"DEBUG": "1"})["EMAIL_BACKEND"] == (
        "django.core.mail.backends.console.EmailBackend")


def test_production_sends_emails_by_smtp_from_the_environment() -> None:
    production = {"DEBUG": "0", "SECRET_KEY": "x" * 50, "ALLOWED_HOSTS": "example.org",
                  "EMAIL_HOST": "smtp.example.org", "EMAIL_PORT": "2525",
                  "EMAIL_HOST_USER": "mailer"}

    found = email_settings(production)

    assert found == {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "smtp.example.org", "EMAIL_PORT": "2525", "EMAIL_HOST_USER": "mailer",
        "EMAIL_USE_TLS": "True",
    }
