"""Trying the planner without an account: a list in the session only, kept by signing up, and
refused with 429 when one address floods it."""

from __future__ import annotations

import re

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from applicants.forms import ProfileForm
from applicants.models import Profile, User
from programs.models import Specialty
from tiering.forms import TrialForm
from tiering.models import ApplicantList, ListEntry
from tiering.trial import SESSION_KEY, trial_list

pytestmark = pytest.mark.django_db

CORE = ["140", "120", "320", "400"]  # IM, FM, Pediatrics, Psychiatry


def answers(**changes) -> dict:
    """The published-advice persona as a visitor types it: J-1, Step 2 CK 222 on the first
    attempt, graduated two years ago, native Spanish, 3 months in El Paso."""
    data = {
        "citizenship": "needs_visa", "visa_need": "j1",
        "step1_passed": "on", "step1_attempts": "1", "step2_score": "222",
        "step2_attempts": "1", "step3_attempts": "0",
        "graduation_year": str(timezone.now().year - 2), "spanish_level": "native",
        "usce_hands_on_months": "3", "usce_border_months": "3",
        "target_specialties": [str(pk) for pk in
                               Specialty.objects.filter(code__in=CORE).values_list("pk",
                                                                                  flat=True)],
        "budget_usd": "1500",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def rows() -> dict[str, int]:
    return {"users": User.objects.count(), "profiles": Profile.objects.count(),
            "entries": ListEntry.objects.count(), "lists": ApplicantList.objects.count()}


@pytest.mark.parametrize("bad, field", [
    ({"step2_score": "301"}, "step2_score"),
    ({"step1_attempts": "5"}, "step1_attempts"),
    ({"step2_attempts": "-1"}, "step2_attempts"),
    ({"graduation_year": str(timezone.now().year + 1)}, "graduation_year"),
    ({"graduation_year": "1900"}, "graduation_year"),
    ({"graduation_year": None}, "graduation_year"),
    ({"usce_border_months": "9"}, "usce_border_months"),
    ({"citizenship": "us_citizen", "visa_need": "j1"}, "visa_need"),
    ({"step3_passed": "on", "step3_attempts": "0"}, "step3_attempts"),
    ({"budget_usd": "-5"}, "budget_usd"),
])
def test_the_try_it_form_refuses_what_the_profile_form_refuses_with_the_same_message(
    client, real_catalog, bad, field,
) -> None:
    data = answers(**bad)
    if bad.get("graduation_year", "") is None:
        data.pop("graduation_year", None)
    profile_errors = ProfileForm(data, instance=Profile()).errors
    assert field in profile_errors

    assert TrialForm(data).errors[field] == profile_errors[field]
    page = client.post(reverse("tiering:try_it"), data).content.decode()
    assert profile_errors[field][0].replace('"', "&quot;") in page
    assert SESSION_KEY not in client.session


def test_a_visitor_gets_a_list_with_its_explanations_and_nothing_is_stored(
    client, real_catalog,
) -> None:
    before = rows()

    response = client.post(reverse("tiering:try_it"), answers())

    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    assert "Tier 1" in page and "On the list: Tier 1 place 1" in page
    # Each row reads as on the stored list: its top reason on one line; the tiers fold on a
    # phone by the list's own script.
    assert 'class="one-line" title="' in page
    assert "/static/js/list.js" in page
    assert "Save it: sign up" in page
    # The answers are in the session only; not a row of a profile, a user or a list.
    assert rows() == before
    assert client.session[SESSION_KEY]["step2_score"] == 222
    assert Session.objects.count() == 1


def test_the_what_ifs_of_a_list_tried_open_from_it_for_the_same_answers(
    client, real_catalog,
) -> None:
    client.post(reverse("tiering:try_it"), answers())
    page = client.get(reverse("tiering:try_list")).content.decode()
    # The list links to its what-ifs (list.js loads them into the panel when it is opened)
    # instead of scoring them for a visitor who may never look.
    link = reverse("tiering:try_what_if")
    assert f'data-what-if="{link}?part=1"' in page and 'data-scenario="' not in page

    whole = client.get(link).content.decode()
    part = client.get(link + "?part=1").content.decode()

    for text in ("If you pass Step 3", "Spanish one level up", "one change to your answers"):
        assert text in whole and text in part
    assert whole.count('data-scenario="') == part.count('data-scenario="') == 4
    assert "<nav" in whole and "<nav" not in part  # the panel alone, without the page


def test_the_what_ifs_of_a_list_tried_without_answers_send_to_the_form(client, db) -> None:
    response = client.get(reverse("tiering:try_what_if"))

    assert response.status_code == 302 and response.url == reverse("tiering:try_it")


def test_the_visitors_list_is_the_one_the_same_profile_gets_when_saved(real_catalog) -> None:
    form = TrialForm(answers())
    assert form.is_valid(), form.errors
    from tiering.trial import trial_inputs

    the_list = trial_list(trial_inputs(form))

    assert 1 <= the_list.size <= 120
    assert set(the_list.tiers) == {1, 2, 3}
    assert the_list.cost.total_usd <= 1500
    assert all(entry.explanation["parts"] for s in the_list.sections for entry in s["rows"])


def test_signing_up_keeps_the_list_tried(client, real_catalog, mailoutbox) -> None:
    client.post(reverse("tiering:try_it"), answers(budget_usd="2000"))
    tried = client.get(reverse("tiering:try_list")).content.decode()
    tried_ids = set(re.findall(r'href="/programs/(\d{10})/"', tried))
    assert tried_ids

    client.post(reverse("signup"), {"email": "visitor@example.org",
                                    "password1": "a long enough passphrase 42",
                                    "password2": "a long enough passphrase 42"})
    assert Profile.objects.get(user__email="visitor@example.org").graduation_year is None
    link = re.search(r"https?://testserver(/accounts/confirm/\S+/)", mailoutbox[0].body)[1]
    landing = client.get(link)

    profile = Profile.objects.get(user__email="visitor@example.org")
    assert landing.url == reverse("tiering:list", kwargs={"pk": profile.pk})
    assert (profile.step2_score, profile.spanish_level, profile.usce_border_months,
            profile.budget_usd) == (222, "native", 3, 2000)
    assert set(profile.target_specialties.values_list("code", flat=True)) == set(CORE)
    stored = set(ListEntry.objects.on_list().filter(profile=profile)
                 .values_list("program__acgme_id", flat=True))
    assert stored == tried_ids
    assert SESSION_KEY not in client.session
    page = client.get(landing.url).content.decode()
    assert "The list you tried is saved" in page


def test_a_profile_already_filled_is_not_overwritten_by_a_list_tried(
    client, real_catalog,
) -> None:
    from tests.factories import ProfileFactory

    profile = ProfileFactory(step2_score=250)
    profile.target_specialties.set(Specialty.objects.filter(code="140"))
    client.post(reverse("tiering:try_it"), answers())

    client.force_login(profile.user)
    response = client.post(reverse("tiering:try_save"))

    profile.refresh_from_db()
    assert profile.step2_score == 250
    assert response.url == reverse("applicants:my_profile")


@pytest.fixture
def one_rate_window(monkeypatch) -> None:
    """The rate limit counts in fixed one-minute windows: a test whose requests straddled the
    end of one would see the count start again. Time stands still for the limiter here."""
    import time
    from types import SimpleNamespace

    import django_ratelimit.core

    now = int(time.time())
    monkeypatch.setattr(django_ratelimit.core, "time", SimpleNamespace(time=lambda: now))


@pytest.mark.usefixtures("one_rate_window")
def test_a_flood_from_one_address_gets_429_and_a_readable_page(client, settings,
                                                               real_catalog) -> None:
    settings.TRY_IT_RATE = "3/m"
    url = reverse("tiering:try_it")
    statuses = [client.post(url, answers(step2_score="301")).status_code for _ in range(3)]

    refused = client.post(url, answers())

    assert statuses == [200, 200, 200]
    assert refused.status_code == 429
    assert "Too many requests" in refused.content.decode()
    assert refused["Retry-After"] == "60"
    # Another address is not held back.
    assert client.post(url, answers(), REMOTE_ADDR="203.0.113.9").status_code == 302


@pytest.mark.usefixtures("one_rate_window")
def test_a_flood_of_list_views_gets_429(client, settings, real_catalog) -> None:
    settings.TRY_IT_VIEW_RATE = "2/m"
    client.post(reverse("tiering:try_it"), answers())
    url = reverse("tiering:try_list")

    assert [client.get(url).status_code for _ in range(3)] == [200, 200, 429]


def test_logging_in_to_an_account_with_an_empty_profile_keeps_the_list_tried(
    client, real_catalog,
) -> None:
    from tests.factories import UserFactory

    user = UserFactory(email="returning@example.org")
    client.post(reverse("tiering:try_it"), answers(spanish_level="basic"))

    response = client.post(reverse("login"), {"username": "returning@example.org",
                                              "password": "correct horse battery staple"})

    profile = Profile.objects.get(user=user)
    assert response.url == reverse("applicants:landing")
    assert client.get(response.url).url == reverse("tiering:list", kwargs={"pk": profile.pk})
    assert profile.spanish_level == "basic" and profile.is_complete
    assert ListEntry.objects.filter(profile=profile).exists()


def test_changing_the_answers_starts_from_the_ones_given(client, real_catalog) -> None:
    client.post(reverse("tiering:try_it"), answers(step2_score="231"))

    page = client.get(reverse("tiering:try_it")).content.decode()

    assert 'name="step2_score" value="231"' in page
