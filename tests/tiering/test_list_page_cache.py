"""The list page is kept in the cache as a whole: whatever changes what it shows, the next visit
shows the change; a visitor never gets another visitor's page or token; a flash message shows
once. Each change is made as a user makes it, through its form."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from applicants.models import AdvisorLink, User
from programs import verification
from programs.models import Program
from tests.factories import UserFactory
from tests.tiering import test_caches
from tests.tiering.test_caches import save_profile
from tiering.models import ListEntry, Tier

pytestmark = pytest.mark.django_db

# An applicant with a list over a few border programs (the fixtures of test_caches).
internal_medicine, applicant = test_caches.internal_medicine, test_caches.applicant
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def list_url(profile) -> str:
    return reverse("tiering:list", kwargs={"pk": profile.pk})


def first_entry(profile) -> ListEntry:
    return ListEntry.objects.select_related("program").filter(
        profile=profile, excluded=False).order_by("program__acgme_id").first()


def page(client, profile) -> str:
    response = client.get(list_url(profile))
    assert response.status_code == 200
    return response.content.decode()


def an_advisor_of(profile) -> Client:
    advisor = UserFactory(role=User.Role.ADVISOR, email="ana.advisor@example.org")
    AdvisorLink.objects.create(profile=profile, advisor=advisor)
    browser = Client()
    browser.force_login(advisor)
    return browser


def test_a_tracking_save_through_the_form_shows_on_the_next_visit(client, applicant) -> None:
    entry = first_entry(applicant)
    assert "Waiting for the coordinator" not in page(client, applicant)

    response = client.post(
        reverse("tracker:entry_tracking", kwargs={"pk": applicant.pk, "entry_id": entry.pk}),
        {"status": "applied", "notes": "Waiting for the coordinator"})

    assert response.status_code == 302
    assert "Waiting for the coordinator" in page(client, applicant)


def test_a_signal_chosen_on_the_strategy_page_shows_on_the_list(client, applicant) -> None:
    from strategy.signals import SIGNAL

    entry = first_entry(applicant)
    assert "Internal Medicine 0 of" in page(client, applicant)

    client.post(reverse("strategy:signals_update", kwargs={"pk": applicant.pk}),
                {f"signal-{entry.pk}": SIGNAL})

    assert ListEntry.objects.get(pk=entry.pk).signal
    assert "Internal Medicine 1 of" in page(client, applicant)


def test_an_advisors_tier_change_and_note_show_on_the_applicants_list(client,
                                                                      applicant) -> None:
    advisor = an_advisor_of(applicant)
    entry = first_entry(applicant)
    before = page(client, applicant)
    assert "Your advisor changed" not in before

    advisor.post(reverse("advising:entry_override",
                         kwargs={"pk": applicant.pk, "entry_id": entry.pk}),
                 {"tier": Tier.TIER_3, "reason": "Their new director cut IMG interviews."})
    assert "Your advisor changed 1 program" in page(client, applicant)

    advisor.post(reverse("advising:note_add", kwargs={"pk": applicant.pk}),
                 {"text": "Call me before you apply."})
    assert "Call me before you apply." in page(client, applicant)


def test_a_profile_save_shows_on_the_list(client, applicant) -> None:
    assert "of your $7,654 budget" not in page(client, applicant)

    save_profile(client, applicant, budget_usd="7654")

    assert "of your $7,654 budget" in page(client, applicant)


def test_an_approved_fact_shows_on_the_list(client, applicant) -> None:
    entry = first_entry(applicant)
    assert entry.program.name in page(client, applicant)

    staff = UserFactory(role="staff")
    verification.submit(Program.objects.get(pk=entry.program_id), staff, key="j1_accepted",
                        value="no", method="phone", verified_on=timezone.localdate())

    # The program no longer takes a J-1: it leaves the applicant's list.
    the_list = page(client, applicant).split('id="candidates"')[0]
    assert entry.program.name not in the_list


def test_the_list_is_shown_in_the_language_just_chosen(client, applicant) -> None:
    assert "Your program list" in page(client, applicant)

    client.post(reverse("set_language"), {"language": "es", "next": list_url(applicant)})

    spanish = page(client, applicant)
    assert "Your program list" not in spanish
    assert 'lang="es"' in spanish


def test_another_viewer_gets_their_own_page_and_a_stranger_nothing(client, applicant) -> None:
    owners = page(client, applicant)
    assert "Your program list" in owners

    advisors = page(an_advisor_of(applicant), applicant)
    assert "Your program list" not in advisors
    assert f"Program list of {applicant.user.email}" in advisors

    stranger = Client()
    stranger.force_login(UserFactory(role=User.Role.ADVISOR))
    assert stranger.get(list_url(applicant)).status_code == 404


def test_no_visitor_gets_another_visitors_csrf_token(applicant) -> None:
    from django.middleware.csrf import _unmask_cipher_token

    first, second = Client(), Client()
    first.force_login(applicant.user)
    second.force_login(applicant.user)

    mine, theirs = page(first, applicant), page(second, applicant)  # the second from the cache

    for browser, shown in ((first, mine), (second, theirs)):
        secret = browser.cookies["csrftoken"].value
        tokens = TOKEN.findall(shown)
        assert len(tokens) > 1  # the page's forms, each with a token
        assert {_unmask_cipher_token(token) for token in tokens} == {secret}
    assert first.cookies["csrftoken"].value != second.cookies["csrftoken"].value


def test_a_flash_message_shows_once_over_a_cached_page(client, applicant) -> None:
    entry = first_entry(applicant)
    page(client, applicant)  # kept in the cache

    response = client.post(
        reverse("tiering:list_pin", kwargs={"pk": applicant.pk, "entry_id": entry.pk}),
        {"pinned": "1", "revision": ""}, follow=True)

    shown = response.content.decode()
    assert response.status_code == 200
    assert 'role="status"' in shown and entry.program.name in shown
    messages_after = [str(m) for m in response.context["messages"]]
    assert len(messages_after) == 1
    again = client.get(list_url(applicant))
    assert not list(again.context["messages"])
    assert messages_after[0] not in again.content.decode()


def test_a_second_visit_reads_the_page_in_a_few_queries(client, applicant,
                                                        django_assert_max_num_queries) -> None:
    page(client, applicant)

    # session, user, profile with its list and the catalog's version
    with django_assert_max_num_queries(3):
        assert "Tier 1" in page(client, applicant)
