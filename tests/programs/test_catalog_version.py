"""The catalog's version: one read by primary key per request, whatever the catalog's size, and
a new version with every change to the catalog, however it is written."""

from __future__ import annotations

import pandas as pd
import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from programs import verification
from programs.catalog_import import import_catalog
from programs.models import Program, Specialty
from programs.versions import catalog_latest_change, catalog_version
from tests.factories import ProgramFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def program() -> Program:
    return ProgramFactory(acgme_id="1404899001", j1_accepted="no")


def import_row(**values) -> bool:
    frame = pd.DataFrame([{"acgme_id": "1404899001", **values}])
    return import_catalog(frame, default_source="catalog.csv").ok


def rename(specialty: Specialty) -> None:
    specialty.name = "Internal Medicine (renamed)"
    specialty.save()


def fact(program, user):
    return verification.submit(program, user, key="j1_accepted", value="yes", method="phone",
                               verified_on=timezone.localdate())


@pytest.mark.parametrize("change", [
    pytest.param(lambda p: Program.objects.get(pk=p.pk).save(), id="a program saved (admin)"),
    pytest.param(lambda p: Program.objects.filter(pk=p.pk).delete(), id="a program deleted"),
    pytest.param(lambda p: rename(Specialty.objects.get(pk=p.specialty_id)),
                 id="a specialty renamed"),
    pytest.param(lambda p: import_row(name="Renamed Program"), id="an import that updates"),
    pytest.param(lambda p: import_catalog(pd.DataFrame([{
        "acgme_id": "1404899002", "name": "New Program", "city": "El Paso", "state": "TX"}]),
        default_source="catalog.csv").ok, id="an import that adds"),
    pytest.param(lambda p: fact(p, UserFactory(role="staff")), id="a staff fact (approved)"),
    pytest.param(lambda p: verification.withdraw(fact(p, UserFactory(role="staff")).pk,
                                                 UserFactory(role="staff")),
                 id="a fact withdrawn"),
])
def test_every_change_to_the_catalog_makes_a_new_version(program, change) -> None:
    before, changed_before = catalog_version(), catalog_latest_change()
    change(program)
    assert catalog_version() != before
    assert catalog_latest_change() > changed_before


@pytest.mark.parametrize("change", [
    pytest.param(lambda p: import_row(name="Renamed Program"), id="the same import again"),
    pytest.param(lambda p: fact(p, UserFactory(role="advisor")), id="a fact awaiting review"),
])
def test_what_changes_nothing_shown_keeps_the_version(program, change) -> None:
    import_row(name="Renamed Program")
    before = catalog_version()
    change(program)
    assert catalog_version() == before


def test_a_change_rolled_back_keeps_the_version(program) -> None:
    before = catalog_version()
    with pytest.raises(RuntimeError), transaction.atomic():
        Program.objects.get(pk=program.pk).save()
        assert catalog_version() != before  # its own transaction sees it
        raise RuntimeError
    assert catalog_version() == before


def test_a_request_reads_the_version_once_by_primary_key_whatever_the_catalog_size(
        client) -> None:
    for n in range(30):
        ProgramFactory(acgme_id=f"14048{n:05d}")
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("programs:list")).status_code == 200
    reads = [q["sql"] for q in queries if "catalogversion" in q["sql"]]
    assert len(reads) == 1
    # No aggregate over the programs to learn the version (it scanned the whole table).
    assert not [q["sql"] for q in queries if "COUNT" in q["sql"] and "MAX" in q["sql"]]
