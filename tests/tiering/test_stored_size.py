"""What a list keeps on disk, made smaller without a change anyone sees: a ranked choice in its
short line, the programs a build brought in as a line of ids, no index on a list entry's
program nor on a history event's actor (deleting either still does what it did), and the
migrations that made them, both ways with the rows carried."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from applicants.models import User
from programs.models import Program
from tests.factories import UserFactory
from tests.tiering.test_list_building import small_catalog
from tiering import choice_field
from tiering.explain import choice_text, next_candidate_ids, next_candidates
from tiering.lists import list_rebuild
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


def what_the_list_says(profile) -> tuple:
    entries = list(ListEntry.objects.filter(profile=profile).order_by("pk"))
    names = dict(Program.objects.values_list("acgme_id", "name"))
    return ([e.choice for e in entries], [choice_text(e, NAMES) for e in entries],
            next_candidates(entries, NAMES, names), next_candidate_ids(entries))


@pytest.mark.django_db
def test_a_ranked_choice_is_kept_as_a_short_line_and_says_the_same_as_the_long_one() -> None:
    profile, _ = small_catalog(120)
    list_rebuild(profile)
    built = what_the_list_says(profile)
    ranked = {pk: line for pk, line in stored_choices(profile).items() if line[:1].isdigit()}
    assert ranked, "a ranked choice is written without its code"
    some = next(line for line in ranked.values() if "=" in line)
    value = choice_field.decode(some)
    assert value["code"] == "ranked" and value["params"]["next_id"].startswith("140")
    # The line as it was written before the short one reads as the same dict and words.
    long_lines = {pk: choice_field.encode(choice_field.decode(line), short=False)
                  for pk, line in ranked.items()}
    assert all(line.startswith("ranked|") and "|#" in line for line in long_lines.values())
    # "ranked|" and, when the next candidate is of the same specialty, its code.
    assert all(len(long_lines[pk]) - len(line) == (10 if "=" in line else 7)
               for pk, line in ranked.items())
    for pk, line in long_lines.items():
        ListEntry.objects.filter(pk=pk).update(choice=line)
    assert what_the_list_says(profile) == built
    # A rebuild from the same profile sees nothing to change in either form.
    assert list_rebuild(profile).came_in == []
    assert what_the_list_says(profile) == built


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
    line = stored_came_in(profile)
    came_in = ListBuild.objects.get(profile=profile).came_in
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    try:
        _migrate([("tiering", "0008_event_kind_as_small_integer")])
        back = stored_choices(profile)
        assert back.keys() == short.keys()
        assert all(line.startswith("ranked|") for line in back.values() if "|" in line)
        assert {pk: choice_field.decode(line) for pk, line in back.items()} \
            == {pk: choice_field.decode(line) for pk, line in short.items()}
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
