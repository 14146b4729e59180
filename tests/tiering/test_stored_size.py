"""What a list keeps on disk, made smaller without a change anyone sees: a ranked choice's
part that its tier and specialty share kept once per list (a row of its own), the entry's own
part as a short line, the programs a build brought in as a line of ids, no index on a list
entry's program nor on a history event's actor (deleting either still does what it did), and
the migrations that made them, both ways with the rows carried."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from applicants.models import User
from programs.models import Program
from tests.factories import UserFactory
from tests.tiering.test_list_building import small_catalog
from tiering import choice_field
from tiering.edits import entry_remove
from tiering.explain import choice_text, next_candidate_ids, next_candidates
from tiering.lists import list_groups, list_rebuild
from tiering.models import EntryEvent, ListBuild, ListEntry, Status
from tracker.tracking import entry_update_tracking

NAMES = {"140": "Internal Medicine"}


def stored_came_in(profile) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT came_in FROM tiering_listbuild WHERE profile_id = %s",
                       [profile.pk])
        return cursor.fetchone()[0]


def stored_choices(profile) -> dict[int, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, choice FROM tiering_listentry WHERE profile_id = %s",
                       [profile.pk])
        return dict(cursor.fetchall())


def whole_entries(profile) -> list[ListEntry]:
    entries = list(ListEntry.objects.filter(profile=profile).order_by("pk"))
    choice_field.attach_groups(entries, list_groups(profile))
    return entries


def what_the_list_says(profile) -> tuple:
    entries = whole_entries(profile)
    names = dict(Program.objects.values_list("acgme_id", "name"))
    return ([e.choice for e in entries], [choice_text(e, NAMES) for e in entries],
            next_candidates(entries, NAMES, names), next_candidate_ids(entries))


@pytest.mark.django_db
def test_a_ranked_choice_keeps_its_own_part_and_its_list_the_part_its_group_shares() -> None:
    profile, _ = small_catalog(120)
    list_rebuild(profile)
    built = what_the_list_says(profile)
    choices, _words, following, _ids = built
    ranked = {pk: line for pk, line in stored_choices(profile).items() if line[:1].isdigit()}
    assert ranked and all(line.count("|") == 4 for line in ranked.values())
    groups = choice_field.decode_groups(list_groups(profile))
    assert len(groups) < len(ranked) / 5  # once per tier and specialty, not per entry
    assert following, "the list page still names the next candidates left out"
    assert all(set(c["params"]) == set(choice_field.RANKED_BY_ID)
               for c in choices if c["code"] == "ranked")
    # Each entry's whole line, as written before the groups (and the short form), reads as
    # the same choice and words.
    whole = {e.pk: e.choice for e in whole_entries(profile)}
    for pk in ranked:
        for short in (True, False):
            ListEntry.objects.filter(pk=pk).update(
                choice=choice_field.encode(whole[pk], short=short))
            assert what_the_list_says(profile) == built
    assert all(line.startswith("ranked|") for pk, line in stored_choices(profile).items()
               if pk in ranked)
    # A rebuild from the same profile brings nothing in and keeps its own part again.
    assert list_rebuild(profile).came_in == []
    assert what_the_list_says(profile) == built
    assert {pk: line for pk, line in stored_choices(profile).items() if pk in ranked} == ranked


@pytest.mark.django_db
def test_a_removed_entry_keeps_the_words_of_its_choice_when_a_rebuild_changes_its_group(
        client) -> None:
    profile, _ = small_catalog(120)
    list_rebuild(profile)
    entry = next(e for e in whole_entries(profile) if e.choice["code"] == "ranked")
    words = choice_text(entry, NAMES)
    entry_remove(entry, by=profile.user, reason="Not for me")
    profile.budget_usd = 400  # a much smaller budget: the rule takes fewer of the group
    profile.save()
    list_rebuild(profile)

    again = next(e for e in whole_entries(profile) if e.pk == entry.pk)
    key = (entry.choice["params"]["tier"], entry.choice["params"]["specialty"])
    group = choice_field.decode_groups(list_groups(profile))[key]
    assert group["taken"] != entry.choice["params"]["taken"]  # the group's figures changed
    assert again.excluded and choice_text(again, NAMES) == words
    client.force_login(profile.user)
    page = client.get(reverse("tiering:explanation", args=[profile.pk, entry.program.acgme_id]))
    assert page.status_code == 200 and "Removed from the list" in page.content.decode()


@pytest.mark.django_db
def test_the_programs_a_build_brought_in_are_kept_as_a_line_of_ids_in_their_order() -> None:
    profile, _ = small_catalog(120)
    came_in = [p.acgme_id for p in list_rebuild(profile).came_in]
    line = stored_came_in(profile)
    assert ListBuild.objects.get(profile=profile).came_in == came_in
    assert line.split(" ")[0] == came_in[0] and line.count("+") == len(came_in) - 1
    assert len(line) < len(json.dumps(came_in)) * 2 / 3
    # A build stored as JSON (before the line, or a list the line cannot hold) reads the same.
    ListBuild.objects.filter(profile=profile).update(came_in=json.dumps(came_in))
    assert stored_came_in(profile).startswith("[")
    assert ListBuild.objects.get(profile=profile).came_in == came_in


@pytest.mark.django_db
def test_deleting_a_program_or_a_user_does_to_the_list_what_it_did() -> None:
    profile, programs = small_catalog(30)
    list_rebuild(profile)
    advisor = UserFactory(role=User.Role.ADVISOR)
    entry = ListEntry.objects.filter(profile=profile).first()
    entry_update_tracking(entry, {"status": Status.APPLIED}, actor=advisor)
    count = ListEntry.objects.filter(profile=profile).count()

    Program.objects.filter(pk=entry.program_id).delete()
    assert ListEntry.objects.filter(profile=profile).count() == count - 1
    assert not EntryEvent.objects.filter(entry_id=entry.pk).exists()

    other = ListEntry.objects.filter(profile=profile).first()
    entry_update_tracking(other, {"status": Status.APPLIED}, actor=advisor)
    advisor.delete()
    event = EntryEvent.objects.get(entry=other)
    assert event.actor is None
    assert event.text == "Status"


def _migrate(target: list[tuple[str, str]]) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(target)


def _indexed_columns(table: str) -> set[tuple[str, ...]]:
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table)
    return {tuple(c["columns"]) for c in constraints.values() if c["index"] or c["unique"]}


@pytest.mark.django_db(transaction=True)
def test_the_migrations_carry_the_choices_and_builds_back_and_forward() -> None:
    profile, _ = small_catalog(30)
    list_rebuild(profile)
    built = what_the_list_says(profile)
    short = stored_choices(profile)
    whole = whole_entries(profile)
    line = stored_came_in(profile)
    came_in = ListBuild.objects.get(profile=profile).came_in
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    try:
        _migrate([("tiering", "0008_event_kind_as_small_integer")])
        back = stored_choices(profile)
        assert back.keys() == short.keys()
        assert all(line.startswith("ranked|") for line in back.values() if "|" in line)
        assert {pk: choice_field.decode(line) for pk, line in back.items()} \
            == {e.pk: e.choice for e in whole}
        assert ("program_id",) in _indexed_columns("tiering_listentry")
        assert ("actor_id",) in _indexed_columns("tiering_entryevent")
        back_came_in = stored_came_in(profile)
        assert (json.loads(back_came_in) if isinstance(back_came_in, str) else back_came_in) \
            == came_in
    finally:
        _migrate(latest)
    assert stored_choices(profile) == short
    assert stored_came_in(profile) == line
    assert ListBuild.objects.get(profile=profile).came_in == came_in
    assert what_the_list_says(profile) == built
    assert ("program_id",) not in _indexed_columns("tiering_listentry")
    assert ("actor_id",) not in _indexed_columns("tiering_entryevent")
    # Entries are still found by profile, through the unique (profile, program) index.
    assert ("profile_id", "program_id") in _indexed_columns("tiering_listentry")


@pytest.mark.django_db
def test_the_groups_are_written_only_by_a_build_that_changes_them() -> None:
    from django.test.utils import CaptureQueriesContext

    profile, _ = small_catalog(120)
    list_rebuild(profile)
    stored = list_groups(profile)
    assert stored
    entry = ListEntry.objects.filter(profile=profile).first()
    with CaptureQueriesContext(connection) as queries:
        list_rebuild(profile, cause="Nothing changed")
        entry_update_tracking(entry, {"status": Status.APPLIED}, actor=profile.user)
    # The list's row gets a new version on every tracking save; the groups are not on it.
    assert not [q for q in queries if "tiering_listgroups" in q["sql"]
                and not q["sql"].lstrip().upper().startswith("SELECT")]
    assert list_groups(profile) == stored
    profile.budget_usd = 400
    profile.save()
    list_rebuild(profile)
    assert list_groups(profile) != stored
