"""What the caches must never do: show a catalog page or a list that is no longer true, or
rebuild a list that a profile save did not change."""

from __future__ import annotations

import pandas as pd
import pytest
from django.urls import reverse

from programs.catalog_import import import_catalog
from tests.applicants.test_profile import VALID
from tests.factories import ProfileFactory, ProgramFactory, SpecialtyFactory
from tiering.models import ListBuild, ListEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def internal_medicine():
    im = SpecialtyFactory(code="140", name="Internal Medicine")
    for n in range(6):
        ProgramFactory(specialty=im, acgme_id=f"14048000{n:02d}", name=f"Border Program {n}",
                       state="TX", j1_accepted="yes", non_us_img_share_pct=40 + n,
                       setting="community")
    return im


def test_a_catalog_import_shows_at_once_on_the_catalog_and_program_pages(
    client, internal_medicine
) -> None:
    catalog, page = reverse("programs:list"), reverse("programs:detail", args=["1404800000"])
    assert b"Border Program 0" in client.get(catalog).content
    assert b"Border Program 0" in client.get(page).content

    frame = pd.DataFrame([{"acgme_id": "1404800000", "name": "Renamed Border Program"}])
    assert import_catalog(frame, default_source="advisor.csv").ok

    assert b"Renamed Border Program" in client.get(catalog).content
    assert b"Renamed Border Program" in client.get(page).content
    assert b"Border Program 0" not in client.get(page).content


def test_catalog_filters_are_not_answered_from_another_filters_page(
    client, internal_medicine
) -> None:
    ProgramFactory(specialty=internal_medicine, name="Phoenix Program", state="AZ")
    url = reverse("programs:list")
    assert b"Phoenix Program" in client.get(url).content

    texas = client.get(url, {"state": "TX"}).content

    assert b"Phoenix Program" not in texas
    assert b"Border Program 3" in texas


def save_profile(client, profile, **changes) -> None:
    data = {**VALID, "target_specialties": [str(s.pk) for s in
                                            profile.target_specialties.all()], **changes}
    response = client.post(reverse("applicants:profile", kwargs={"pk": profile.pk}), data)
    assert response.status_code == 302


@pytest.fixture
def applicant(client, internal_medicine):
    profile = ProfileFactory()
    client.force_login(profile.user)
    save_profile(client, profile, target_specialties=[str(internal_medicine.pk)])
    return profile


def test_saving_the_profile_without_a_change_keeps_the_list_and_its_history(
    client, applicant
) -> None:
    builds, entries = ListBuild.objects.count(), list(ListEntry.objects.values())

    save_profile(client, applicant)
    response = client.get(reverse("tiering:list", kwargs={"pk": applicant.pk}))

    assert response.status_code == 200
    assert ListBuild.objects.count() == builds
    assert list(ListEntry.objects.values()) == entries


def test_a_profile_edit_the_list_reads_rebuilds_it(client, applicant) -> None:
    builds = ListBuild.objects.count()

    save_profile(client, applicant, visa_need="h1b")

    assert ListBuild.objects.count() == builds + 1
    assert ListBuild.objects.first().cause == "Your profile changed"


def test_a_removal_by_hand_since_the_last_build_is_filled_on_the_next_save(
    client, applicant
) -> None:
    entry = ListEntry.objects.filter(profile=applicant).first()
    client.post(reverse("tiering:list_remove", kwargs={"pk": applicant.pk, "entry_id": entry.pk}),
                {"revision": "", "reason": ""})
    builds = ListBuild.objects.count()

    save_profile(client, applicant)

    assert ListBuild.objects.count() == builds + 1



def test_the_list_shows_a_tracking_change_and_an_advisors_note_at_once(
    client, applicant
) -> None:
    from advising.services import note_add
    from tests.factories import UserFactory

    url = reverse("tiering:list", kwargs={"pk": applicant.pk})
    entry = ListEntry.objects.filter(profile=applicant, excluded=False).first()
    assert b"Waiting for the coordinator" not in client.get(url).content

    client.post(reverse("tracker:entry_tracking", kwargs={"pk": applicant.pk,
                                                          "entry_id": entry.pk}),
                {"status": "not_started", "notes": "Waiting for the coordinator"})
    assert b"Waiting for the coordinator" in client.get(url).content

    advisor = UserFactory(role="advisor")
    note_add(applicant, text="Ask about the J-1 waiver", by=advisor, entry=entry)
    assert b"Ask about the J-1 waiver" in client.get(url).content


def test_a_list_page_from_the_cache_carries_the_visitors_own_csrf_token(applicant) -> None:
    import re

    from django.test import Client

    url = reverse("tiering:list", kwargs={"pk": applicant.pk})
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first.force_login(applicant.user)
    second.force_login(applicant.user)
    first.get(url)  # renders the page and keeps it

    page = second.get(url).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    entry = ListEntry.objects.filter(profile=applicant, excluded=False).first()
    response = second.post(
        reverse("tiering:list_pin", kwargs={"pk": applicant.pk, "entry_id": entry.pk}),
        {"csrfmiddlewaretoken": token, "pinned": "1", "revision": ""})

    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.pinned


def test_a_specialty_renamed_in_the_admin_shows_on_the_program_page(
    admin_client, internal_medicine
) -> None:
    page = reverse("programs:detail", args=["1404800000"])
    assert b'<p class="lead">Internal Medicine' in admin_client.get(page).content

    response = admin_client.post(
        reverse("admin:programs_specialty_change", args=[internal_medicine.pk]),
        {"code": "140", "name": "General Internal Medicine"})

    assert response.status_code == 302
    # (the admin's "changed successfully" message names it too: look at the page's own line)
    assert b'<p class="lead">General Internal Medicine' in admin_client.get(page).content


def test_the_catalog_snapshot_loads_in_a_fixed_number_of_queries_whatever_its_size(
    django_assert_max_num_queries,
) -> None:
    # The first request after a catalog change builds it: 5,216 programs once cost one query
    # each for their verified facts (5.7 s); the rows now hold them (programs.current).
    from programs import current
    from programs.models import VerifiedFact
    from tests.factories import UserFactory
    from tiering import scope

    im = SpecialtyFactory(code="140", name="Internal Medicine")
    programs = [ProgramFactory(specialty=im, acgme_id=f"14048{n:05d}") for n in range(30)]
    VerifiedFact.objects.create(
        program=programs[0], key="j1_accepted", value="no", method="email",
        verified_on="2026-10-01", entered_by=UserFactory(), status=VerifiedFact.Status.APPROVED)
    current.refresh(programs[0].pk)  # what an approval does

    # The catalog's version; then its specialties, those specialties, their programs.
    with django_assert_max_num_queries(4):
        built = scope.snapshot()
        built.facts()

    assert len(built.by_pk) == 30
    assert built.by_acgme_id[programs[0].acgme_id] is not None
    assert {facts.acgme_id: facts.j1_accepted for facts in built.facts()}[
        programs[0].acgme_id] == "no"  # the verified fact, over the catalog's


def _three_specialties() -> dict[str, list]:
    specialties = {code: SpecialtyFactory(code=code, name=f"Specialty {code}")
                   for code in ("140", "120", "400")}
    return {code: [ProgramFactory(specialty=specialty, acgme_id=f"{code}48{n:05d}",
                                  state=("TX", "CA", "NM")[n % 3],
                                  j1_accepted=("yes", "no")[n % 2],
                                  non_us_img_share_pct=10 + n)
                   for n in range(8)] for code, specialty in specialties.items()}


def test_an_applicants_specialties_read_alone_score_as_they_do_in_the_whole_catalog() -> None:
    # A page reads only the applicant's specialties: the same programs, facts and scores as
    # when the whole catalog is read at once.
    from programs.versions import catalog_version
    from tests.tiering.test_tier_list import persona
    from tiering import scoring
    from tiering.scored import applicant_of
    from tiering.snapshot import Snapshot

    programs = _three_specialties()
    wanted = [programs["140"][0].specialty_id, programs["400"][0].specialty_id]
    whole, alone = Snapshot(catalog_version()), Snapshot(catalog_version())
    everything = whole.in_scope(whole.by_specialty, [])  # every specialty loaded first

    read = alone.in_scope(wanted, ["TX", "NM"])

    expected = [pair for pair in everything
                if pair[0].specialty_id in wanted and pair[0].state in ("TX", "NM")]
    assert [(p.acgme_id, f) for p, f in read] == [(p.acgme_id, f) for p, f in expected]
    assert programs["120"][0].specialty_id not in alone.specialty_pairs(wanted)
    applicant = applicant_of(persona())
    assert scoring.score_programs(applicant=applicant, programs=[f for _, f in read]) == \
        scoring.score_programs(applicant=applicant, programs=[f for _, f in expected])


def test_a_program_looked_up_by_id_brings_its_specialty_only(
    django_assert_max_num_queries,
) -> None:
    from programs.versions import catalog_version
    from tiering.snapshot import Snapshot

    programs = _three_specialties()
    shot = Snapshot(catalog_version())

    with django_assert_max_num_queries(3):  # the specialty's id, the specialty, its programs
        found = shot.by_pk[programs["120"][3].pk]
        by_code = shot.by_acgme_id[programs["120"][5].acgme_id]

    assert (found.acgme_id, by_code.acgme_id) == ("1204800003", "1204800005")
    assert found.specialty.name == "Specialty 120"
    assert "9999999999" not in shot.by_acgme_id  # not in the catalog: not found
    loaded = {p.specialty.code for p in shot.by_pk.index.values()}
    assert loaded == {"120"}  # the list page of a Family Medicine applicant reads no more
