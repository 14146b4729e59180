"""The catalog page and a program's page come from the cache, and a reader never notices:
a fact approved a moment ago shows on the next request, every filter still filters, a page in
Spanish never answers an English reader (nor the other way round), each viewer is offered
their own form, and a form from the cache posts with the visitor's own CSRF token."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from programs import verification
from tests.factories import ProgramFactory, SpecialtyFactory, UserFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


@pytest.fixture
def programs():
    im = SpecialtyFactory(code="140", name="Internal Medicine")
    return {
        "el_paso": ProgramFactory(
            specialty=im, acgme_id="1404899001", name="El Paso Refusing Program",
            j1_accepted="no", county_spanish_share=79.3, county_spanish_share_period="2019-2023",
            hpsa_primary_care="no",
            provenance={"j1_accepted": {"source": "freida-2025", "year": 2025}}),
        "yuma": ProgramFactory(
            specialty=im, acgme_id="1400399002", name="Yuma Shortage Program", city="Yuma",
            state="AZ", county_spanish_share=40.9, county_spanish_share_period="2019-2023",
            hpsa_primary_care="yes", hpsa_primary_care_score=17),
        "boston": ProgramFactory(
            specialty=im, acgme_id="1402499003", name="Boston Plain Program", city="Boston",
            state="MA", county_spanish_share=9.0, county_spanish_share_period="2019-2023",
            hpsa_primary_care="no"),
    }


def approve_j1_yes(program) -> None:
    """An advisor's J-1 answer, approved by staff in the review queue."""
    fact = verification.submit(
        program, UserFactory(role="advisor"), key="j1_accepted", value="yes", method="phone",
        note="Coordinator, by phone", verified_on=TODAY)
    staff = Client()
    staff.force_login(UserFactory(role="staff"))
    response = staff.post(reverse("programs:review"), {"fact": fact.pk, "action": "approve"})
    assert response.status_code == 302


def program_names(page: str) -> set[str]:
    return set(re.findall(r">([^<>]+ Program)</a>", page))


def test_the_catalog_page_shows_a_newly_approved_fact_on_the_next_request(client, programs):
    client.force_login(UserFactory())
    catalog = reverse("programs:list")
    client.get(catalog)  # the page is in the cache
    before = client.get(catalog).content.decode()
    assert "El Paso Refusing Program" in before
    assert f"verified on {TODAY.isoformat()}" not in before

    approve_j1_yes(programs["el_paso"])

    assert f"verified on {TODAY.isoformat()}" in client.get(catalog).content.decode()


def test_the_program_page_shows_a_newly_approved_fact_on_the_next_request(client, programs):
    client.force_login(UserFactory())
    page = reverse("programs:detail", args=["1404899001"])
    before = client.get(page).content.decode()
    assert "<title>El Paso Refusing Program" in before
    assert f"verified on {TODAY.isoformat()}" not in before

    approve_j1_yes(programs["el_paso"])

    after = client.get(page).content.decode()
    assert f"verified on {TODAY.isoformat()}" in after
    assert "<title>El Paso Refusing Program" in after


def test_every_filter_still_filters_with_the_unfiltered_page_cached(client, programs):
    catalog = reverse("programs:list")
    everything = {"El Paso Refusing Program", "Yuma Shortage Program", "Boston Plain Program"}
    assert program_names(client.get(catalog).content.decode()) == everything
    for query, expected in [
        ({"spanish": "50"}, {"El Paso Refusing Program"}),
        ({"shortage": "on"}, {"Yuma Shortage Program"}),
        ({"spanish": "25"}, {"El Paso Refusing Program", "Yuma Shortage Program"}),
        ({"state": "MA"}, {"Boston Plain Program"}),
        ({"q": ""}, everything),
        ({}, everything),
    ]:
        for _twice in range(2):
            assert program_names(client.get(catalog, query).content.decode()) == expected, query


@pytest.mark.parametrize("name", ["programs:list", "programs:detail"])
def test_languages_do_not_mix_on_cached_pages(programs, name) -> None:
    url = reverse(name, args=["1404899001"] if name == "programs:detail" else [])
    english, spanish = Client(HTTP_ACCEPT_LANGUAGE="en"), Client(HTTP_ACCEPT_LANGUAGE="es")
    for reader in (english, UserFactory(language="es")):
        english.get(url)  # the English page is in the cache first
        if not isinstance(reader, Client):
            spanish.force_login(reader)  # a saved choice as well as the browser's language
        page = spanish.get(url).content.decode()
        assert "Catálogo" in page and "Catalog<" not in page and "Program catalog" not in page
        again = english.get(url).content.decode()
        assert "Catálogo" not in again


def test_each_viewer_is_offered_their_own_form_from_a_warm_cache(programs) -> None:
    page = reverse("programs:detail", args=["1404899001"])
    applicant, staff, advisor, visitor = Client(), Client(), Client(), Client()
    applicant.force_login(UserFactory())
    staff.force_login(UserFactory(role="staff"))
    advisor.force_login(UserFactory(role="advisor", email_confirmed_at=None))
    for _twice in range(2):
        seen = {who: client.get(page).content.decode() for who, client in [
            ("applicant", applicant), ("staff", staff), ("advisor", advisor),
            ("visitor", visitor)]}
        assert "Report an error in these facts" in seen["applicant"]
        assert "Record a fact you verified" not in seen["applicant"]
        assert "Record a fact you verified" in seen["staff"]
        assert "Confirm your e-mail address" in seen["advisor"]
        assert "Record a fact you verified" not in seen["advisor"]
        assert "Report an error" not in seen["visitor"] and "Record a fact" not in seen["visitor"]


def test_a_program_page_from_the_cache_posts_with_the_visitors_own_token(programs) -> None:
    page = reverse("programs:detail", args=["1404899001"])
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first.force_login(UserFactory())
    second.force_login(UserFactory())
    token = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
    first_token = token.search(first.get(page).content.decode())[1]
    cached = second.get(page).content.decode()
    second_token = token.search(cached)[1]
    assert second_token != first_token

    response = second.post(reverse("programs:report", args=["1404899001"]), {
        "csrfmiddlewaretoken": second_token, "key": "j1_accepted",
        "note": "The coordinator said they take J-1 now"})
    assert response.status_code == 302
    thanks = second.get(page).content.decode()
    assert "Thank you: staff will check your report" in thanks
    assert "Thank you" not in first.get(page).content.decode()  # messages stay per visitor


def test_a_refused_report_shows_its_errors_after_the_page_was_cached(client, programs):
    client.force_login(UserFactory())
    page = reverse("programs:detail", args=["1404899001"])
    client.get(page)
    response = client.post(reverse("programs:report", args=["1404899001"]),
                           {"key": "j1_accepted", "note": "", "url": "ftp://x"})
    assert response.status_code == 400
    assert "Give an http:// or https:// address." in response.content.decode()
    assert "Report an error in these facts" in response.content.decode()
    # and the next plain visit is the page without those errors
    assert "Give an http://" not in client.get(page).content.decode()


def test_an_unknown_program_is_not_found_even_with_pages_cached(client, programs):
    client.get(reverse("programs:detail", args=["1404899001"]))
    assert client.get(reverse("programs:detail", args=["1409999999"])).status_code == 404
