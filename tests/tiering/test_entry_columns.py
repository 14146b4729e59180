"""A list entry's score and confidence kept as two-byte integers (tiering.scaled_field), the
entries' and events' columns ordered without alignment padding on PostgreSQL (migration 0013,
which makes both tables again), and the build's budget what-if kept with the groups rather than
on the list's row, itself made again (0014): the same floats read back, the same pages, the
same history, and the migrations carrying every row, constraint and index both ways."""

from __future__ import annotations

import json
import re

import pytest
from django.core.cache import caches
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from advising.models import AdvisorNote
from advising.services import entry_override_tier
from applicants.models import User
from tests.factories import UserFactory
from tests.tiering.test_list_building import small_catalog
from tiering.lists import list_rebuild
from tiering.models import ApplicantList, EntryEvent, ListEntry, ListGroups, Status, Tier
from tiering.scaled_field import stored
from tracker.tracking import entry_update_tracking


def raw(sql: str, params=()) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def test_every_confidence_the_scoring_gives_reads_back_as_the_same_float() -> None:
    # The scoring rounds confidences to hundredths and scores to whole numbers.
    for n in range(100_001):
        confidence = round(n / 100_000, 2)
        assert stored(confidence, 100) / 100 == confidence
    for total in (0, 0.4, 55.5, 79.49, 99.6, 100):
        assert float(stored(round(total), 1)) == round(total)
    for value, scale in ((0.125, 100), (80.5, 1), (1 / 3, 100)):
        with pytest.raises(ValueError):
            stored(value, scale)


@pytest.mark.django_db
def test_an_entry_keeps_its_score_and_confidence_as_small_integers_and_pages_show_them(
        client) -> None:
    profile, _ = small_catalog(30)
    list_rebuild(profile)
    entries = {e.pk: e for e in ListEntry.objects.filter(profile=profile)}
    kept = raw("SELECT id, score, confidence FROM tiering_listentry WHERE profile_id = %s",
               [profile.pk])
    assert kept and all(isinstance(s, int) and isinstance(c, int) for _, s, c in kept)
    for pk, score, confidence in kept:
        assert entries[pk].score == score and isinstance(entries[pk].score, float)
        assert entries[pk].confidence == round(confidence / 100, 2)
    entry = max(entries.values(), key=lambda e: e.confidence)
    client.force_login(profile.user)
    page = client.get(reverse("tiering:explanation",
                              args=[profile.pk, entry.program.acgme_id])).content.decode()
    assert f"score {entry.score:.0f} of 100" in page and f"({entry.confidence:.2f})" in page
    # A value the column cannot hold exactly is refused, not rounded.
    confidence, entry.confidence = entry.confidence, 0.125
    with pytest.raises(ValueError), transaction.atomic():
        entry.save()
    assert ListEntry.objects.get(pk=entry.pk).confidence == confidence


def _migrate(target: list[tuple[str, str]]) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(target)


def _pages(client, profile, acgme_id: str) -> list[str]:
    for cache in caches.all():
        cache.clear()
    urls = [reverse("tiering:explanation", args=[profile.pk, acgme_id]),
            reverse("advising:history", kwargs={"pk": profile.pk}),
            reverse("tiering:list", args=[profile.pk])]
    pages = []
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200
        pages.append(re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "",
                            response.content.decode()))
    return pages


def _schema(table: str) -> tuple:
    """What a table holds besides its rows: constraints (its own and the foreign keys that
    point at it), indexes and storage options, by name and definition."""
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            found = connection.introspection.get_constraints(cursor, table)
        return tuple(sorted((name, tuple(c["columns"]), bool(c["unique"]))
                            for name, c in found.items()))
    return (raw("SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE conrelid = %s::regclass OR confrelid = %s::regclass ORDER BY conname",
                [table, table]),
            raw("SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index "
                "WHERE indrelid = %s::regclass ORDER BY 1", [table]),
            raw("SELECT reloptions FROM pg_class WHERE oid = %s::regclass", [table]))


@pytest.mark.django_db(transaction=True)
def test_the_tables_made_again_keep_every_row_page_and_constraint_both_ways(client) -> None:
    profile, _ = small_catalog(30)
    list_rebuild(profile)
    advisor = UserFactory(role=User.Role.ADVISOR)
    entry = ListEntry.objects.filter(profile=profile).order_by("pk").first()
    entry_update_tracking(entry, {"status": Status.APPLIED, "notes": "Asked about J-1",
                                  "fee": "31.00", "letters_sent": 3}, actor=profile.user)
    entry_override_tier(entry, tier=Tier.TIER_1, reason="Their PD knows her", by=advisor)
    AdvisorNote.objects.create(profile=profile, entry=entry, author=advisor, text="Call them")
    client.force_login(profile.user)
    pages = _pages(client, profile, entry.program.acgme_id)
    values = list(ListEntry.objects.order_by("pk").values_list())
    events = list(EntryEvent.objects.order_by("pk").values_list())
    tables = ("tiering_listentry", "tiering_entryevent", "tiering_applicantlist")
    schemas = [_schema(table) for table in tables]
    lists = list(ApplicantList.objects.order_by("pk").values_list())
    what_if = ListGroups.objects.get(profile=profile).budget_what_if
    assert what_if and what_if["answer"]
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    try:
        _migrate([("tiering", "0012_list_budget_what_if")])
        back = raw("SELECT score, confidence FROM tiering_listentry ORDER BY id")
        names = [f.name for f in ListEntry._meta.concrete_fields]
        floats = [(v[names.index("score")], v[names.index("confidence")]) for v in values]
        assert back == floats and all(isinstance(s, float) for row in back for s in row)
        # The build's budget what-if back on the list's row.
        [(kept,)] = raw("SELECT budget_what_if FROM tiering_applicantlist WHERE "
                        "profile_id = %s", [profile.pk])
        assert (kept if isinstance(kept, dict) else json.loads(kept)) == what_if
    finally:
        _migrate(latest)
    assert list(ListEntry.objects.order_by("pk").values_list()) == values
    assert list(EntryEvent.objects.order_by("pk").values_list()) == events
    assert [_schema(table) for table in tables] == schemas
    assert list(ApplicantList.objects.order_by("pk").values_list()) == lists
    assert _pages(client, profile, entry.program.acgme_id) == pages
    assert ListGroups.objects.get(profile=profile).budget_what_if == what_if
    # The id sequences go on where they were; deleting an entry still deletes its history and
    # its advisor's notes (the foreign keys that point at the table were made again).
    entry_update_tracking(ListEntry.objects.get(pk=entry.pk), {"status": Status.INTERVIEWED},
                          actor=profile.user)
    assert EntryEvent.objects.order_by("-pk").first().pk > max(e[0] for e in events)
    ListEntry.objects.filter(pk=entry.pk).delete()
    assert not EntryEvent.objects.filter(entry_id=entry.pk).exists()
    assert not AdvisorNote.objects.filter(entry_id=entry.pk).exists()
    again = ListEntry.objects.create(profile=profile, program=entry.program, computed_tier=1,
                                     score=50, confidence=0.5)
    assert again.pk > max(v[0] for v in values)
    if connection.vendor == "postgresql":
        for table in tables:
            columns = raw("SELECT attname, attlen, attisdropped FROM pg_attribute WHERE "
                          "attrelid = %s::regclass AND attnum > 0 ORDER BY attnum", [table])
            assert not any(dropped for _, _, dropped in columns)
            widths = [length if length > 0 else 0 for _, length, _ in columns]
            assert widths == sorted(widths, reverse=True)  # 8, 4, 2, 1 bytes, then texts
        assert raw("SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = "
                   "'tiering_listentry'::regclass AND attname IN ('score', 'confidence')") \
            == [("smallint",), ("smallint",)]


@pytest.mark.django_db
def test_a_build_keeps_its_groups_and_budget_what_if_in_one_write_and_a_save_in_none(
        client) -> None:
    from django.test.utils import CaptureQueriesContext

    profile, _ = small_catalog(120)
    with CaptureQueriesContext(connection) as queries:
        list_rebuild(profile)
    writes = [q["sql"] for q in queries if "tiering_listgroups" in q["sql"]
              and not q["sql"].lstrip().upper().startswith("SELECT")]
    kept = ListGroups.objects.get(profile=profile)
    assert len(writes) == 1 and kept.groups and kept.budget_what_if["answer"]
    # A tracking save gives the list's row a new version; the what-if is not on it.
    entry = ListEntry.objects.filter(profile=profile).first()
    client.force_login(profile.user)
    with CaptureQueriesContext(connection) as queries:
        response = client.post(reverse("tracker:entry_tracking", kwargs={
            "pk": profile.pk, "entry_id": entry.pk}), {"status": "applied"})
    assert response.status_code == 302
    assert [q for q in queries if "UPDATE" in q["sql"] and "tiering_applicantlist" in q["sql"]]
    assert not [q for q in queries if "tiering_listgroups" in q["sql"]
                and not q["sql"].lstrip().upper().startswith("SELECT")]
    assert "budget_what_if" not in {f.name for f in ApplicantList._meta.fields}
