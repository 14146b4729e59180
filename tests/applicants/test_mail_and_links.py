"""E-mail that cannot be flooded and confirmation links that work once (the third hardening
issue, findings 3-5): every e-mail is counted per address and per client address and queued;
sign-up takes as long for a taken address as for a new one; a confirmation link confirms once,
then sends the person to log in, and ends with a password change; a lost link can be asked for
again."""

from __future__ import annotations

import re
import time

import pytest
from django.urls import reverse

from applicants import tasks
from applicants.confirmation import confirmation_token
from applicants.models import AdvisorLink, User
from tests.factories import ProfileFactory, UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-unusual-pass-42"


def sign_up(client, email: str, **extra):
    return client.post(reverse("signup"), {"email": email, "password1": PASSWORD,
                                           "password2": PASSWORD}, **extra)


def link_in(message) -> str:
    return re.search(r"https?://\S+", message.body)[0]


@pytest.fixture
def fast_hashing(settings) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# --- counted ----------------------------------------------------------------------------------


@pytest.mark.parametrize("taken", [True, False], ids=["existing-address", "new-address"])
def test_thirty_sign_ups_for_one_address_send_at_most_three_emails(client, mailoutbox,
                                                                  fast_hashing, taken) -> None:
    if taken:
        UserFactory(email="victim@example.org")

    for n in range(30):
        page = sign_up(client, "victim@example.org", REMOTE_ADDR=f"10.0.0.{n}")
        assert "Check your e-mail" in page.content.decode()  # the same answer every time

    assert 1 <= len(mailoutbox) <= 3
    assert {tuple(m.to) for m in mailoutbox} == {("victim@example.org",)}


def test_thirty_password_resets_send_at_most_three_emails(client, mailoutbox) -> None:
    UserFactory(email="victim@example.org")

    for n in range(30):
        client.post(reverse("password_reset"), {"email": "victim@example.org"},
                    REMOTE_ADDR=f"10.0.1.{n}")

    assert 1 <= len(mailoutbox) <= 3


def test_one_client_cannot_mail_many_addresses(client, mailoutbox, fast_hashing,
                                               settings) -> None:
    for n in range(settings.MAIL_PER_IP_PER_HOUR + 10):
        sign_up(client, f"someone{n}@example.org")

    assert len(mailoutbox) == settings.MAIL_PER_IP_PER_HOUR


def test_thirty_advisor_confirmation_resends_send_at_most_three(client, mailoutbox) -> None:
    advisor = UserFactory(role=User.Role.ADVISOR, email_confirmed_at=None)
    client.force_login(advisor)

    for _n in range(30):
        client.post(reverse("advising:advisor_confirm_resend"))

    assert 1 <= len(mailoutbox) <= 3
    page = client.post(reverse("advising:advisor_confirm_resend"), follow=True)
    assert "Several links went to" in page.content.decode()


def test_link_and_revoke_cycles_do_not_flood_the_advisor(client, mailoutbox) -> None:
    advisor = UserFactory(role=User.Role.ADVISOR, email="coach@example.org")
    profile = ProfileFactory()
    client.force_login(profile.user)

    for _n in range(10):
        client.post(reverse("advising:advisor_invite"), {"email": "coach@example.org"})
        link = AdvisorLink.objects.get(profile=profile, advisor=advisor, revoked_at__isnull=True)
        client.post(reverse("advising:advisor_revoke", kwargs={"link_id": link.pk}))

    assert 1 <= len([m for m in mailoutbox if m.to == ["coach@example.org"]]) <= 3


def test_e_mail_is_queued_not_sent_by_the_page(client, mailoutbox, fast_hashing,
                                               monkeypatch) -> None:
    queued = []
    monkeypatch.setattr(tasks.mail_deliver, "delay", lambda *args: queued.append(args))

    sign_up(client, "new@example.org")

    assert mailoutbox == []  # the page sent nothing itself
    [(subject, body, recipients)] = queued
    assert recipients == ["new@example.org"] and "/accounts/confirm/" in body


def timed(post, kinds: dict[str, str], tries: int) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {kind: [] for kind in kinds}
    for n in range(tries):
        for kind, email in kinds.items():
            started = time.perf_counter()
            post(email.format(n=n), REMOTE_ADDR=f"10.0.2.{n}")
            times[kind].append(time.perf_counter() - started)
    return times


def test_sign_up_takes_as_long_for_a_taken_address_as_for_a_new_one(client, settings) -> None:
    # The real password hasher and the real wait: a new account's two rows took a steady
    # millisecond more than a taken address's note, enough to tell them apart over a few tries.
    UserFactory(email="taken@example.org")
    times = timed(lambda email, **extra: sign_up(client, email, **extra),
                  {"new": "new{n}@example.org", "taken": "taken@example.org"}, tries=8)

    # Neither answers before the wait, and the two ranges overlap: no time tells them apart.
    assert min(times["new"] + times["taken"]) >= settings.ACCOUNT_ANSWER_MS / 1000
    assert min(times["new"]) <= max(times["taken"])
    assert min(times["taken"]) <= max(times["new"])


@pytest.mark.parametrize("page", ["confirmation_again", "password_reset"])
def test_asking_for_a_link_takes_as_long_with_an_account_as_without(client, settings, page,
                                                                    mailoutbox) -> None:
    settings.ACCOUNT_ANSWER_MS = 150  # shorter than a sign-up's: no password is hashed here
    UserFactory(email="known@example.org")
    times = timed(lambda email, **extra: client.post(reverse(page), {"email": email}, **extra),
                  {"known": "known@example.org", "unknown": "unknown{n}@example.org"}, tries=6)

    assert mailoutbox  # the address with an account was written to
    assert min(times["known"] + times["unknown"]) >= 0.15
    assert min(times["known"]) <= max(times["unknown"])
    assert min(times["unknown"]) <= max(times["known"])


# --- links that work once ---------------------------------------------------------------------


def test_a_confirmation_link_signs_in_once_then_sends_to_log_in(client, mailoutbox,
                                                                fast_hashing) -> None:
    sign_up(client, "ana@example.org")
    link = link_in(mailoutbox[0])

    first = client.get(link, follow=True)
    assert first.context["user"].email == "ana@example.org"
    client.logout()

    again = client.get(link, follow=True)

    assert again.redirect_chain[-1][0] == reverse("login")
    assert not again.context["user"].is_authenticated
    assert "Your address is already confirmed. Log in" in again.content.decode()


def test_a_confirmation_link_ends_with_a_password_change(client) -> None:
    advisor = UserFactory(role=User.Role.ADVISOR, email_confirmed_at=None)
    link = reverse("confirm_email", kwargs={"token": confirmation_token(advisor)})
    advisor.set_password("another long passphrase 77")
    advisor.save()

    response = client.get(link)

    assert response.status_code == 400
    assert "This link does not work" in response.content.decode()
    advisor.refresh_from_db()
    assert advisor.email_confirmed_at is None
    assert not response.wsgi_request.user.is_authenticated


def test_signing_up_again_sends_a_new_link(client, mailoutbox, fast_hashing) -> None:
    sign_up(client, "ana@example.org")
    mailoutbox.clear()

    sign_up(client, "ana@example.org")

    [message] = mailoutbox
    assert "/accounts/confirm/" in message.body
    assert client.get(link_in(message), follow=True).context["user"].is_authenticated


def test_a_password_reset_before_confirming_sends_the_confirmation_link(
        client, mailoutbox, fast_hashing) -> None:
    sign_up(client, "ana@example.org")
    mailoutbox.clear()

    client.post(reverse("password_reset"), {"email": "ana@example.org"})

    [message] = mailoutbox
    assert "/accounts/confirm/" in message.body


def test_the_link_can_be_asked_for_again_from_the_log_in_and_sign_up_pages(
        client, mailoutbox, fast_hashing) -> None:
    again = reverse("confirmation_again")
    for page in ("login", "signup"):
        assert f'href="{again}"' in client.get(reverse(page)).content.decode()
    sign_up(client, "ana@example.org")
    mailoutbox.clear()

    answer = client.post(again, {"email": "Ana@Example.org"})
    unknown = client.post(again, {"email": "nobody@example.org"})

    assert "Check your e-mail" in answer.content.decode()
    assert "Check your e-mail" in unknown.content.decode()  # no address is told apart
    [message] = mailoutbox
    assert message.to == ["ana@example.org"] and "/accounts/confirm/" in message.body


def test_the_log_in_error_no_longer_says_the_address_is_case_sensitive(client) -> None:
    UserFactory(email="ana@example.org")

    page = client.post(reverse("login"), {"username": "ana@example.org",
                                          "password": "wrong"}).content.decode()

    assert "case-sensitive" in page  # the password is
    assert "may be case-sensitive" not in page
    assert "the address is not" in page


def test_sign_up_still_answers_when_the_counts_cannot_be_reached(client, mailoutbox,
                                                                fast_hashing,
                                                                monkeypatch) -> None:
    from django.core.cache import caches

    def down(*args, **kwargs):
        raise ConnectionError("Error 111 connecting to 127.0.0.1:6379")

    monkeypatch.setattr(caches["throttle"], "add", down)

    page = sign_up(client, "ana@example.org")

    assert "Check your e-mail" in page.content.decode()
