"""Every applicant page reads the profile through SQL compiled once per connection
(residency_planner.compiled): what it reads is what the ORM reads, and always the row as it
is now."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.http import Http404
from django.urls import reverse

from applicants.access import get_applicant_for
from applicants.models import Profile
from programs.versions import with_catalog_version
from tests.factories import ProfileFactory, SpecialtyFactory
from tiering.lists import list_recompute
from tiering.models import ApplicantList

pytestmark = pytest.mark.django_db


def values(obj) -> dict:
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


def orm_read(pk: int) -> Profile:
    return with_catalog_version(
        Profile.objects.select_related("user", "program_list")).get(pk=pk)


def a_profile_with_a_list() -> Profile:
    profile = ProfileFactory(target_states=["TX", "NM"], budget_usd=2500)
    profile.target_specialties.set([SpecialtyFactory(code="140", name="Internal Medicine")])
    list_recompute(profile)
    return profile


def test_the_profile_read_is_the_one_the_orm_reads() -> None:
    profile = a_profile_with_a_list()

    read = get_applicant_for(profile.user, profile.pk, related=("program_list",))
    orm = orm_read(profile.pk)

    assert values(read) == values(orm)
    assert values(read.user) == values(orm.user)
    assert values(read.program_list) == values(orm.program_list)
    assert (read.catalog_number, read.catalog_changed_at) == \
        (orm.catalog_number, orm.catalog_changed_at)
    # Converted as the ORM converts them, on SQLite as on PostgreSQL.
    assert read.target_states == ["TX", "NM"]
    assert isinstance(read.updated_at, datetime.datetime) and read.updated_at.tzinfo
    assert isinstance(read.program_list.built_at, datetime.datetime)
    assert not read.get_deferred_fields()


def test_a_profile_without_a_list_has_none() -> None:
    profile = ProfileFactory()
    ApplicantList.objects.filter(profile=profile).delete()

    read = get_applicant_for(profile.user, profile.pk, related=("program_list",))

    with pytest.raises(ApplicantList.DoesNotExist):
        read.program_list  # noqa: B018 (read as a page reads it)
    assert read.user == profile.user


def test_no_such_applicant_is_a_404() -> None:
    profile = ProfileFactory()

    with pytest.raises(Http404):
        get_applicant_for(profile.user, profile.pk + 1000)


@pytest.mark.django_db(transaction=True)  # the connection is closed between requests
def test_a_change_shows_at_the_next_read_and_after_a_new_connection(client) -> None:
    profile = a_profile_with_a_list()
    client.force_login(profile.user)
    url = reverse("applicants:profile", kwargs={"pk": profile.pk})
    assert client.get(url).status_code == 200
    Profile.objects.filter(pk=profile.pk).update(budget_usd=4321)

    assert get_applicant_for(profile.user, profile.pk).budget_usd == 4321
    connection.close()  # the next request opens another connection
    assert get_applicant_for(profile.user, profile.pk).budget_usd == 4321
    assert "4321" in client.get(url).content.decode()
