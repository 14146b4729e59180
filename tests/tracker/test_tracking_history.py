"""A tracking save in the history: kept as one short line of raw values, read as the same words
the history always showed, and carried both ways by the migration that introduced the line."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from tests.factories import ProfileFactory, ProgramFactory
from tiering.models import EntryEvent, ListEntry, Status
from tracker.tracking import entry_update_tracking

NOTE = "Applied through ERAS; asked the coordinator about J-1 sponsorship by email."
FIRST_SAVE = {"status": Status.APPLIED, "date_applied": date(2026, 9, 24), "letters_sent": 3,
              "fee": Decimal("31.00"), "notes": NOTE}
# The words of that save, as the history showed them when they were stored as words.
FIRST_SAVE_WORDS = (
    "Status, Date applied, Letters sent, Fee, Notes",
    "Status: Not started; Date applied: —; Letters sent: —; Fee: —; Notes: —",
    ("Status: Applied; Date applied: 2026-09-24; Letters sent: 3; Fee: $31.00; Notes: "
     + NOTE)[:200],
)


@pytest.fixture
def entry(db) -> ListEntry:
    profile = ProfileFactory()
    return ListEntry.objects.create(profile=profile, program=ProgramFactory(), computed_tier=1,
                                    score=80.0, confidence=0.8)


def words(event: EntryEvent) -> tuple[str, str, str]:
    return event.text, event.before, event.after


def stored_row(event: EntryEvent) -> tuple[str, str, str, str]:
    return tuple(EntryEvent.objects.filter(pk=event.pk)
                 .values_list("text", "before", "after", "changes").get())


def test_a_save_of_five_fields_reads_as_the_words_it_always_did(entry) -> None:
    entry_update_tracking(entry, FIRST_SAVE, actor=entry.profile.user)

    event = EntryEvent.objects.get(entry=entry)
    assert words(event) == FIRST_SAVE_WORDS
    text, before, after, line = stored_row(event)
    # On disk: no words, and a line far shorter than they were.
    assert (text, before, after) == ("", "", "")
    assert len(line.encode()) < len("".join(FIRST_SAVE_WORDS).encode()) / 2


def test_a_save_keeps_dates_without_dashes_and_fees_without_zeros_and_reads_the_same(
        client, entry) -> None:
    entry_update_tracking(entry, FIRST_SAVE, actor=entry.profile.user)
    event = EntryEvent.objects.get(entry=entry)
    line = stored_row(event)[3]
    assert "20260924" in line and "2026-09-24" not in line
    assert "\x1f31\x1e" in line and "31.00" not in line
    client.force_login(entry.profile.user)

    def history() -> str:
        page = client.get(reverse("advising:history", kwargs={"pk": entry.profile.pk}))
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", page.content.decode())

    shown = history()
    assert "2026-09-24" in shown and "$31.00" in shown
    # A line written before, with the date's dashes and the fee's zeros, reads the same.
    EntryEvent.objects.filter(pk=event.pk).update(
        changes=line.replace("20260924", "2026-09-24").replace("\x1f31\x1e", "\x1f31.00\x1e"))
    assert len(stored_row(event)[3]) == len(line) + 5
    assert words(EntryEvent.objects.get(pk=event.pk)) == FIRST_SAVE_WORDS
    assert history() == shown


def test_later_saves_of_one_field_read_as_before(entry) -> None:
    entry_update_tracking(entry, FIRST_SAVE, actor=entry.profile.user)
    entry_update_tracking(entry, {"status": Status.INTERVIEWED,
                                  "interview_date": date(2026, 11, 23)},
                          actor=entry.profile.user)
    entry_update_tracking(entry, {"status": Status.RANKED, "signal": True},
                          actor=entry.profile.user)
    entry_update_tracking(entry, {"notes": "", "fee": None}, actor=entry.profile.user)

    newest_first = [words(event) for event in EntryEvent.objects.filter(entry=entry)]
    assert newest_first[:3] == [
        ("Notes, Fee", f"Notes: {NOTE}; Fee: $31.00"[:200], "Notes: —; Fee: —"),
        ("Status, Signal", "Status: Interviewed; Signal: No", "Status: Ranked; Signal: Yes"),
        ("Status, Interview date", "Status: Applied; Interview date: —",
         "Status: Interviewed; Interview date: 2026-11-23"),
    ]


def test_a_long_note_is_shown_and_kept_only_as_far_as_the_history_shows_it(entry) -> None:
    note = "Call the coordinator. " * 30
    entry_update_tracking(entry, {"notes": note}, actor=entry.profile.user)

    event = EntryEvent.objects.get(entry=entry)
    assert words(event) == ("Notes", "—", note[:200])
    assert len(stored_row(event)[3]) < 210


def test_a_note_holding_a_separator_character_is_kept_as_words(entry) -> None:
    note = "odd\x1fcharacter"
    entry_update_tracking(entry, {"notes": note}, actor=entry.profile.user)

    event = EntryEvent.objects.get(entry=entry)
    assert words(event) == ("Notes", "—", note)
    assert stored_row(event) == ("Notes", "—", note, "")


def test_the_history_page_shows_the_save_in_the_readers_language(entry, client) -> None:
    entry_update_tracking(entry, {"status": Status.APPLIED}, actor=entry.profile.user)
    client.force_login(entry.profile.user)
    history = reverse("advising:history", kwargs={"pk": entry.profile.pk})

    english = client.get(history).content.decode()
    spanish = client.get(history, headers={"accept-language": "es"}).content.decode()

    assert "Tracking updated: Not started &rarr; Applied" in english
    assert "Seguimiento actualizado: Sin empezar &rarr; Enviada" in spanish


def _migrate(target: list[tuple[str, str]]) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(target)


def raw(sql: str, params: list) -> tuple:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()


def test_a_status_is_kept_as_a_small_integer_and_read_as_its_name(entry) -> None:
    entry_update_tracking(entry, {"status": Status.INTERVIEWED}, actor=entry.profile.user)

    entry.refresh_from_db()
    assert entry.status == Status.INTERVIEWED and entry.get_status_display() == "Interviewed"
    assert raw("SELECT status FROM tiering_listentry WHERE id = %s", [entry.pk]) == (4,)
    assert ListEntry.objects.filter(status__in=[Status.APPLIED, Status.INTERVIEWED]).count() == 1
    assert not ListEntry.objects.filter(status=Status.NOT_STARTED).exists()


def test_an_event_kind_is_kept_as_a_small_integer_and_read_as_its_name(entry) -> None:
    entry_update_tracking(entry, {"status": Status.APPLIED}, actor=entry.profile.user)

    event = EntryEvent.objects.get(entry=entry)
    assert event.kind == EntryEvent.Kind.TRACKING
    assert event.get_kind_display() == "Tracking updated"
    assert raw("SELECT kind FROM tiering_entryevent WHERE id = %s", [event.pk]) == (9,)
    assert EntryEvent.objects.filter(kind__in=[EntryEvent.Kind.NOTE,
                                               EntryEvent.Kind.TRACKING]).count() == 1
    assert not EntryEvent.objects.filter(kind=EntryEvent.Kind.NOTE).exists()


@pytest.mark.django_db(transaction=True)
def test_the_migrations_carry_the_history_and_the_statuses_back_and_forward() -> None:
    profile = ProfileFactory()
    entry = ListEntry.objects.create(profile=profile, program=ProgramFactory(),
                                     computed_tier=1, score=80.0, confidence=0.8)
    untouched = ListEntry.objects.create(profile=profile, program=ProgramFactory(),
                                         computed_tier=2, score=60.0, confidence=0.8)
    entry_update_tracking(entry, FIRST_SAVE, actor=profile.user)
    event = EntryEvent.objects.get(entry=entry)
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    try:
        _migrate([("tiering", "0005_smaller_entries")])
        assert raw("SELECT text, before, after FROM tiering_entryevent WHERE id = %s",
                   [event.pk]) == FIRST_SAVE_WORDS
        assert raw("SELECT status FROM tiering_listentry WHERE id = %s", [entry.pk]) == (
            "applied",)
        assert raw("SELECT status FROM tiering_listentry WHERE id = %s", [untouched.pk]) == (
            "not_started",)
        assert raw("SELECT kind FROM tiering_entryevent WHERE id = %s", [event.pk]) == (
            "tracking",)
    finally:
        _migrate(latest)
    # Forward again: the words written on the way back read as they are.
    event = EntryEvent.objects.get(pk=event.pk)
    assert words(event) == FIRST_SAVE_WORDS
    assert stored_row(event) == (*FIRST_SAVE_WORDS, "")
    assert [e.status for e in ListEntry.objects.order_by("pk")] == [Status.APPLIED,
                                                                    Status.NOT_STARTED]
    assert raw("SELECT status FROM tiering_listentry WHERE id = %s", [entry.pk]) == (2,)
    assert event.kind == EntryEvent.Kind.TRACKING
    assert raw("SELECT kind FROM tiering_entryevent WHERE id = %s", [event.pk]) == (9,)
