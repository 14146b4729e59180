"""A program's explanation page is kept in the cache like the list page: a page from the cache
is the page rendered afresh, but for its forms' tokens; whatever changes what it shows, the next
view shows the change; no viewer gets another viewer's page or token. Each change is made as a
user makes it, through its form."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from applicants.models import User
from programs import verification
from programs.models import Program
from tests.factories import ProgramFactory, UserFactory
from tests.tiering import test_caches
from tests.tiering.test_caches import save_profile
from tests.tiering.test_list_page_cache import an_advisor_of, first_entry
from tiering.models import ListEntry

pytestmark = pytest.mark.django_db

# An applicant with a list over a few border programs (the fixtures of test_caches).
internal_medicine, applicant = test_caches.internal_medicine, test_caches.applicant
TOKEN = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]+(")')


def explanation_url(profile, acgme_id: str) -> str:
    return reverse("tiering:explanation", kwargs={"pk": profile.pk, "acgme_id": acgme_id})


def view(client, profile, acgme_id: str):
    response = client.get(explanation_url(profile, acgme_id))
    assert response.status_code == 200
    return response


def page(client, profile, acgme_id: str) -> str:
    return view(client, profile, acgme_id).content.decode()


def without_tokens(html: str) -> str:
    return TOKEN.sub(r"\1\2", html)


def a_candidate_of(profile) -> Program:
    """A program of the applicant's specialty that is not on their list."""
    listed = ListEntry.objects.filter(profile=profile).values_list("program_id", flat=True)
    return Program.objects.filter(specialty__in=profile.target_specialties.all()).exclude(
        pk__in=listed).order_by("acgme_id").first()


def test_a_page_from_the_cache_is_the_page_rendered_afresh_but_for_its_tokens(
    client, applicant, internal_medicine
) -> None:
    advisor = an_advisor_of(applicant)
    # A program of the specialty that takes no J-1: a candidate the list leaves out.
    ProgramFactory(specialty=internal_medicine, acgme_id="1404800099", name="No Visa Program",
                   state="TX", j1_accepted="no")
    # The list page: the list brought up to date, and the profile save's message read.
    client.get(reverse("tiering:list", kwargs={"pk": applicant.pk}))
    programs = [first_entry(applicant).program.acgme_id, a_candidate_of(applicant).acgme_id]
    for browser in (client, advisor):
        for acgme_id in programs:
            cache.clear()
            rendered = view(browser, applicant, acgme_id)
            kept = view(browser, applicant, acgme_id)
            cache.clear()
            again = view(browser, applicant, acgme_id)

            assert "entry" in rendered.context and "entry" not in kept.context  # from the cache
            assert "csrfmiddlewaretoken" in kept.content.decode()  # its forms, with tokens
            assert without_tokens(kept.content.decode()) == without_tokens(
                rendered.content.decode()) == without_tokens(again.content.decode())


def test_a_tracking_save_through_the_form_shows_on_the_next_view(client, applicant) -> None:
    entry, other = ListEntry.objects.filter(profile=applicant, excluded=False).order_by(
        "program__acgme_id")[:2]
    assert "Waiting for the coordinator" not in page(client, applicant, entry.program.acgme_id)
    untracked = page(client, applicant, other.program.acgme_id)

    response = client.post(
        reverse("tracker:entry_tracking", kwargs={"pk": applicant.pk, "entry_id": entry.pk}),
        {"status": "applied", "notes": "Waiting for the coordinator", "fee": "12.50"})

    assert response.status_code == 302
    shown = page(client, applicant, entry.program.acgme_id)
    assert "Waiting for the coordinator" in shown and 'value="12.50"' in shown
    # The other program's page is made again (the list changed) and keeps its empty fields.
    assert without_tokens(page(client, applicant, other.program.acgme_id)) == without_tokens(
        untracked)


def test_an_advisors_tier_and_note_show_on_the_applicants_next_view(client, applicant) -> None:
    advisor = an_advisor_of(applicant)
    entry = first_entry(applicant)
    assert "Their new director cut IMG interviews." not in page(client, applicant,
                                                                 entry.program.acgme_id)

    advisor.post(reverse("advising:entry_override",
                         kwargs={"pk": applicant.pk, "entry_id": entry.pk}),
                 {"tier": 3, "reason": "Their new director cut IMG interviews."})

    assert "Their new director cut IMG interviews." in page(client, applicant,
                                                             entry.program.acgme_id)


def test_a_profile_save_shows_on_the_next_view(client, applicant) -> None:
    acgme_id = first_entry(applicant).program.acgme_id
    assert "Step 2 CK 222" in page(client, applicant, acgme_id)

    save_profile(client, applicant, step2_score="236")

    shown = page(client, applicant, acgme_id)
    assert "Step 2 CK 236" in shown and "Step 2 CK 222" not in shown


def test_an_approved_fact_shows_on_the_next_view(client, applicant) -> None:
    entry = first_entry(applicant)
    before = page(client, applicant, entry.program.acgme_id)
    assert "Why you are not eligible" not in before
    assert "verified on" not in before.split("Program facts and their sources")[1]

    staff = UserFactory(role="staff")
    verification.submit(Program.objects.get(pk=entry.program_id), staff, key="j1_accepted",
                        value="no", method="phone", verified_on=timezone.localdate())

    # The program no longer takes a J-1, which the applicant needs: it is no longer scored,
    # and its facts table says who verified it and when.
    shown = page(client, applicant, entry.program.acgme_id)
    assert "Why you are not eligible" in shown
    facts = shown.split("Program facts and their sources")[1]
    assert f"verified on {timezone.localdate().isoformat()}" in facts


def test_another_viewer_gets_their_own_page_and_a_stranger_nothing(client, applicant) -> None:
    acgme_id = first_entry(applicant).program.acgme_id
    owners = page(client, applicant, acgme_id)
    assert "Your list" in owners and "Save tracking" in owners

    advisors = page(an_advisor_of(applicant), applicant, acgme_id)
    assert f"List of {applicant.user.email}" in advisors
    assert "Your list" not in advisors and "Save tracking" not in advisors

    stranger = Client()
    stranger.force_login(UserFactory(role=User.Role.ADVISOR))
    assert stranger.get(explanation_url(applicant, acgme_id)).status_code == 404


def test_the_title_names_the_program_from_the_cache_too(client, applicant) -> None:
    entry = first_entry(applicant)
    for _ in range(2):
        shown = page(client, applicant, entry.program.acgme_id)
        assert f"<title>{entry.program.name}: why" in shown


def test_no_visitor_gets_another_visitors_csrf_token(applicant) -> None:
    from django.middleware.csrf import _unmask_cipher_token

    acgme_id = first_entry(applicant).program.acgme_id
    first, second = Client(), Client()
    first.force_login(applicant.user)
    second.force_login(applicant.user)

    # The second from the cache.
    mine, theirs = page(first, applicant, acgme_id), page(second, applicant, acgme_id)

    for browser, shown in ((first, mine), (second, theirs)):
        secret = browser.cookies["csrftoken"].value
        tokens = [match.group(0).split('value="')[1][:-1] for match in TOKEN.finditer(shown)]
        assert tokens  # the tracking form, with its token
        assert {_unmask_cipher_token(token) for token in tokens} == {secret}
    assert first.cookies["csrftoken"].value != second.cookies["csrftoken"].value


def test_a_second_view_reads_the_page_in_a_few_queries(client, applicant,
                                                       django_assert_max_num_queries) -> None:
    acgme_id = first_entry(applicant).program.acgme_id
    page(client, applicant, acgme_id)

    with django_assert_max_num_queries(5):  # session, user, profile with its list, link, catalog
        assert "Program facts and their sources" in page(client, applicant, acgme_id)
