"""A catalog change rebuilds the lists it touches in the task queue, not in the next page
view (the third hardening issue): an approved verified fact queues the rebuild of the lists of
its specialty; other specialties' lists are left alone."""

from __future__ import annotations

import pytest
from django.urls import reverse

from programs.models import Specialty
from tests.factories import ProfileFactory, SpecialtyFactory
from tests.programs.test_verified_facts import (
    TODAY,
    advisor,
    applicant_list,
    refusing_program,
    staff,
    verify_j1_yes,
)
from tiering import tasks
from tiering.lists import list_is_stale, list_recompute
from tiering.models import ApplicantList

pytestmark = pytest.mark.django_db


def test_an_approved_fact_rebuilds_the_lists_of_its_specialty_in_the_queue(
        client, django_capture_on_commit_callbacks, monkeypatch) -> None:
    program = refusing_program()
    touched = applicant_list(program)
    other = ProfileFactory(visa_need="j1", graduation_year=TODAY.year - 2)
    other.target_specialties.set([SpecialtyFactory(code="120", name="Family Medicine")])
    list_recompute(other)
    other_built = ApplicantList.objects.get(profile=other).built_at
    queued = []
    monkeypatch.setattr(tasks.lists_refresh, "delay",
                        lambda codes: queued.append(codes) or tasks.lists_refresh(codes))
    fact = verify_j1_yes(program, advisor())
    client.force_login(staff())

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("programs:review"), {"fact": fact.pk, "action": "approve"})

    assert queued == [["140"]]
    touched.refresh_from_db()
    assert not list_is_stale(type(touched).objects.select_related("program_list")
                             .get(pk=touched.pk))  # rebuilt by the task, not by a page
    assert ApplicantList.objects.get(profile=other).built_at == other_built


def test_the_rebuild_is_queued_in_batches(monkeypatch) -> None:
    im = Specialty.objects.get_or_create(code="140", defaults={"name": "Internal Medicine"})[0]
    for _n in range(tasks.BATCH + 3):
        ProfileFactory(graduation_year=TODAY.year - 2).target_specialties.set([im])
    batches = []
    monkeypatch.setattr(tasks.lists_rebuild, "delay", batches.append)

    assert tasks.lists_refresh(["140"]) == tasks.BATCH + 3

    assert [len(batch) for batch in batches] == [tasks.BATCH, 3]
