"""The strategy page is kept in the cache, and still shows what changed as soon as it changed:
signals saved on the page, a proposal taken, geographic preferences, a tracking save, a profile
save, another language; and two people never see each other's page or form token."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from advising.services import entry_override_tier
from applicants.forms import ProfileForm
from applicants.models import AdvisorLink, Profile, User
from strategy.signals import SIGNAL
from tests.factories import UserFactory
from tests.routes import route
from tests.strategy.conftest import fm_entries
from tiering.edits import entry_remove
from tiering.models import ListEntry, Tier
from tiering.scoring.divisions import WEST_SOUTH_CENTRAL

pytestmark = pytest.mark.django_db

SELECTED = re.compile(r'<option value="signal" selected>')


def form_data(profile: Profile) -> dict:
    """The profile form as the browser posts it, unchanged."""
    data = {}
    for field in ProfileForm(instance=profile):
        value = field.value()
        if value is None or value is False:
            continue
        data[field.name] = [str(v) for v in value] if isinstance(value, list | tuple) \
            else ("on" if value is True else str(value))
    return data


def page(client: Client, profile: Profile) -> str:
    response = client.get(route("strategy", pk=profile.pk))
    assert response.status_code == 200
    return response.content.decode()


def signal_select(html: str, entry: ListEntry) -> str:
    start = html.index(f'<select class="form-select form-select-sm signal-select" '
                       f'id="signal-{entry.pk}"')
    return html[start:html.index("</select>", start)]


def tokens(html: str) -> set[str]:
    return set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', html))


def test_a_signal_saved_on_the_page_shows_and_its_message_shows_once(owner, profile) -> None:
    first = fm_entries(profile)[0]
    assert not SELECTED.search(signal_select(page(owner, profile), first))

    after = owner.post(route("signals_update", pk=profile.pk), {f"signal-{first.pk}": SIGNAL},
                       follow=True).content.decode()

    assert SELECTED.search(signal_select(after, first))
    assert "Signals saved (1 changed)." in after
    again = page(owner, profile)
    assert SELECTED.search(signal_select(again, first))
    assert "Signals saved" not in again


def test_the_proposal_taken_shows_on_the_page(owner, profile) -> None:
    assert "0 of 5 planned" in page(owner, profile)

    owner.post(route("signals_propose", pk=profile.pk))

    planned = ListEntry.objects.filter(profile=profile, signal=True,
                                       program__acgme_id__startswith="120").count()
    assert planned and f"{planned} of 5 planned" in page(owner, profile)


def test_geographic_preferences_saved_show_on_the_page(owner, profile) -> None:
    assert f'id="div-{WEST_SOUTH_CENTRAL}" checked' not in page(owner, profile)

    owner.post(route("geography_update", pk=profile.pk),
               {"divisions": [WEST_SOUTH_CENTRAL], "setting": "urban"})

    html = page(owner, profile)
    assert f'id="div-{WEST_SOUTH_CENTRAL}" checked' in html
    assert '<option value="urban" selected>' in html


def test_a_signal_saved_from_the_tracker_shows_on_the_page(owner, profile) -> None:
    first = fm_entries(profile)[0]
    page(owner, profile)

    owner.post(route("entry_tracking", pk=profile.pk, entry_id=first.pk),
               {"status": "applied", "signal": "on"})

    assert SELECTED.search(signal_select(page(owner, profile), first))


def test_an_advisors_tier_shows_on_the_page(client, profile) -> None:
    advisor = UserFactory(role=User.Role.ADVISOR)
    AdvisorLink.objects.create(profile=profile, advisor=advisor)
    client.force_login(advisor)
    first = fm_entries(profile)[0]
    assert first.tier != Tier.TIER_3
    page(client, profile)

    entry_override_tier(first, tier=Tier.TIER_3, reason="Check the visa", by=advisor)

    html = page(client, profile)
    row = html[html.index(f"{first.program.name} <span"):]
    assert row[:row.index("</tr>")].count('data-label="Tier">3</td>') == 1


def test_an_advisors_tier_shows_on_the_map_page(client, profile) -> None:
    advisor = UserFactory(role=User.Role.ADVISOR)
    AdvisorLink.objects.create(profile=profile, advisor=advisor)
    client.force_login(advisor)
    first = fm_entries(profile)[0]
    drawn = f"{first.program.name}, {first.program.city}, {first.program.state}: Tier"
    assert f"{drawn} {first.tier}" in client.get(route("map", pk=profile.pk)).content.decode()

    entry_override_tier(first, tier=Tier.TIER_3, reason="Check the visa", by=advisor)

    for path in (route("map", pk=profile.pk), route("map", pk=profile.pk) + "?part=1"):
        assert f"{drawn} 3" in client.get(path).content.decode()


def test_the_map_follows_the_geographic_preferences_and_the_language(owner, profile) -> None:
    part = route("map", pk=profile.pk) + "?part=1"
    assert "No Census division chosen yet." in owner.get(part).content.decode()

    owner.post(route("geography_update", pk=profile.pk),
               {"divisions": [WEST_SOUTH_CENTRAL], "setting": "urban"})
    assert "shaded: West South Central" in owner.get(part).content.decode()

    owner.post("/i18n/setlang/", {"language": "es", "next": "/"})
    html = owner.get(part).content.decode()
    assert "Map: US Census Bureau" not in html and "Oficina del Censo" in html


def test_a_profile_save_shows_on_the_page(owner, profile) -> None:
    proposing = "the divisions of the list's border-region programs first"
    Profile.objects.filter(pk=profile.pk).update(spanish_level="none", usce_border_months=0,
                                                 border_or_underserved_projects=False)
    profile.refresh_from_db()
    assert proposing not in page(owner, profile)

    data = form_data(profile)
    data["spanish_level"] = "native"
    response = owner.post(route("profile", pk=profile.pk), data)
    assert response.status_code == 302

    assert proposing in page(owner, profile)


def test_the_page_follows_the_language_chosen(owner, profile) -> None:
    assert "Program signals" in page(owner, profile)

    owner.post("/i18n/setlang/", {"language": "es", "next": "/"})

    html = page(owner, profile)
    assert "Program signals" not in html and "Señales" in html


def test_two_people_never_see_each_others_page_or_form_token(profile) -> None:
    applicant = Client(enforce_csrf_checks=True)
    applicant.force_login(profile.user)
    advisor_user = UserFactory(role=User.Role.ADVISOR)
    AdvisorLink.objects.create(profile=profile, advisor=advisor_user)
    advisor = Client(enforce_csrf_checks=True)
    advisor.force_login(advisor_user)

    mine = page(applicant, profile)
    theirs = page(advisor, profile)
    again = page(applicant, profile)

    title = f"Application strategy · {profile.user.email}"  # as the advisor sees it
    assert title not in mine and title in theirs
    assert "Census divisions (up to 3)" not in theirs  # the owner's form only
    assert "Census divisions (up to 3)" in mine
    assert tokens(mine) and tokens(theirs) and not tokens(mine) & tokens(theirs)
    assert not tokens(again) & tokens(theirs)
    # Each one's token is good for their own session.
    first = fm_entries(profile)[0]
    response = advisor.post(route("signals_update", pk=profile.pk),
                            {"csrfmiddlewaretoken": tokens(theirs).pop(),
                             f"signal-{first.pk}": SIGNAL})
    assert response.status_code == 302
    assert SELECTED.search(signal_select(page(applicant, profile), first))


def soap_row(html: str, name: str) -> str:
    start = html.index(f'<th scope="row" class="fw-normal">{name}</th>')
    return html[start:html.index("</tr>", start)]


def test_the_soap_page_follows_the_main_list_and_the_language(owner, profile) -> None:
    first = fm_entries(profile)[0]
    html = owner.get(route("soap", pk=profile.pk)).content.decode()
    assert soap_row(html, first.program.name).endswith(">Yes</td>")

    entry_remove(first, by=profile.user, reason="Too far")

    html = owner.get(route("soap", pk=profile.pk)).content.decode()
    assert soap_row(html, first.program.name).endswith(">No</td>")
    owner.post("/i18n/setlang/", {"language": "es", "next": "/"})
    html = owner.get(route("soap", pk=profile.pk)).content.decode()
    assert "SOAP backup list" not in html and soap_row(html, first.program.name)
