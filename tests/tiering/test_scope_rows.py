"""A worker that has not read a scope's programs ranks it from light rows (its facts, each
program's name and place: ``Snapshot.scope``) and reads whole only the programs its page shows;
shown unfiltered, the list page reads the first page of candidates the list's build kept, and
ranks nothing. Either way the page is the page made from whole programs: the same programs,
tiers, scores, reasons and candidates, in the same order."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.urls import reverse

from programs.models import Program
from programs.versions import bump_catalog_version, catalog_version
from tests.tiering.test_tier_list import persona
from tiering import scope, scoring
from tiering.facts import facts_of
from tiering.lists import list_recompute
from tiering.memo import MEMO
from tiering.models import ApplicantList, ListEntry, ListGroups
from tiering.scored import applicant_of
from tiering.snapshot import ScopeProgram, Snapshot

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


@pytest.fixture
def conflict(real_catalog) -> Program:
    """One program whose two sources disagree on its J-1 (its facts read every column)."""
    program = Program.objects.order_by("acgme_id")[40]
    other = {"kind": "conflict", "key": "j1_accepted", "value": "no",
             "source": "https://example.org/program", "year": 2026}
    Program.objects.filter(pk=program.pk).update(
        other_values=[*program.other_values, other], j1_accepted="yes")
    bump_catalog_version()
    return program


def fresh_worker(monkeypatch) -> None:
    """A process that has read no program, with an empty cache."""
    monkeypatch.setattr(scope, "_SNAPSHOT", None)
    cache.clear()
    MEMO.clear()


def list_page(client, profile, query: str = "") -> str:
    response = client.get(reverse("tiering:list", kwargs={"pk": profile.pk}) + query)
    assert response.status_code == 200
    html = response.content.decode()
    return TOKEN.sub("", html[html.index("<h1"):])


@pytest.mark.parametrize("query", ["?page=1", "?page=2", "?sort=state",
                                   "?border=on&sort=distance", "?tier=4&sort=name"])
def test_the_list_page_ranked_from_light_rows_is_the_page_ranked_from_whole_programs(
        client, conflict, monkeypatch, query) -> None:
    profile = persona(budget_usd=2500)
    list_recompute(profile)
    client.force_login(profile.user)
    specialties = [s.pk for s in profile.target_specialties.all()]

    fresh_worker(monkeypatch)
    from_light_rows = list_page(client, profile, query)
    read = scope.snapshot()
    assert read._light and not read._specialties  # ranked from light rows alone

    fresh_worker(monkeypatch)
    scope.snapshot().load(specialties)  # every program of the scope read whole
    from_whole_programs = list_page(client, profile, query)

    assert from_light_rows == from_whole_programs
    assert 'id="candidates"' in from_light_rows and "Tier 1" in from_light_rows


def test_light_rows_hold_the_facts_and_places_of_the_whole_programs(conflict) -> None:
    programs = list(Program.objects.select_related("specialty").order_by("acgme_id"))
    shot = Snapshot(catalog_version())

    pairs = shot.scope({p.specialty_id for p in programs}, [])

    assert [facts for _, facts in pairs] == [facts_of(p) for p in programs]
    assert any(facts.conflicts for _, facts in pairs)  # the disagreement is read alike
    places = ("pk", "acgme_id", "name", "city", "state", "in_border_region",
              "border_distance_km", "specialty_id", "specialty")
    assert [[getattr(p, name) for name in places] for p, _ in pairs] == \
        [[getattr(p, name) for name in places] for p in programs]
    assert any(isinstance(p, ScopeProgram) for p, _ in pairs)
    applicant = applicant_of(persona())
    assert scoring.score_programs(applicant=applicant, programs=[f for _, f in pairs]) == \
        scoring.score_programs(applicant=applicant, programs=[facts_of(p) for p in programs])


def test_a_scope_read_whole_after_its_light_rows_keeps_their_facts(conflict) -> None:
    programs = list(Program.objects.order_by("acgme_id"))
    shot = Snapshot(catalog_version())
    light = shot.scope({p.specialty_id for p in programs}, [])

    whole = shot.in_scope({p.specialty_id for p in programs}, [])

    assert all(isinstance(p, Program) for p, _ in whole)
    assert [facts for _, facts in whole] == [facts for _, facts in light]
    assert shot.scope({p.specialty_id for p in programs}, []) == whole


def test_the_list_page_unfiltered_shows_the_candidates_the_build_kept_without_ranking(
        client, conflict, monkeypatch) -> None:
    profile = persona(budget_usd=2500)
    list_recompute(profile)
    client.force_login(profile.user)
    ranked = []
    score_programs = scoring.score_programs

    def counted(**kwargs):
        ranked.append((len(kwargs["programs"]), kwargs.get("words", True)))
        return score_programs(**kwargs)

    fresh_worker(monkeypatch)
    with monkeypatch.context() as patched:
        patched.setattr(scoring, "score_programs", counted)
        kept = list_page(client, profile)
    # The list's rows and one page of candidates, with their reasons: not the scope's ranks.
    assert all(words for _, words in ranked)
    assert sum(n for n, _ in ranked) < 200 < Program.objects.count()
    assert not scope.snapshot()._light and not scope.snapshot()._specialties

    ListGroups.objects.filter(profile=profile).update(first_candidates=None)
    fresh_worker(monkeypatch)
    ranked_again = list_page(client, profile)

    assert kept == ranked_again
    assert 'id="candidates"' in kept and "Tier 1" in kept


def test_after_a_program_is_added_by_hand_the_page_ranks_its_candidates_again(
        client, conflict, monkeypatch) -> None:
    profile = persona(budget_usd=2500)
    list_recompute(profile)
    client.force_login(profile.user)
    first = ListGroups.objects.get(profile=profile).first_candidates
    added = Program.objects.get(pk=first["programs"][0])
    the_list = ApplicantList.objects.get(profile=profile)
    client.post(reverse("tiering:list_add", kwargs={"pk": profile.pk}),
                {"acgme_id": added.acgme_id, "revision": the_list.revision})
    assert ListEntry.objects.filter(profile=profile, program=added).exists()

    fresh_worker(monkeypatch)
    shown = list_page(client, profile)
    ListGroups.objects.filter(profile=profile).update(first_candidates=None)
    fresh_worker(monkeypatch)

    assert shown == list_page(client, profile)
    candidates = shown.split('id="candidates"')[1]
    assert added.name not in candidates.split("</table>")[0]
