"""The catalog snapshot reads programs as rows, not through the model's constructor, and keeps
each repeated value once: the programs it gives, and their scores, are those of the database."""

from __future__ import annotations

import pytest
from django.forms.models import model_to_dict

from programs.models import Program
from programs.versions import bump_catalog_version, catalog_version
from tests.tiering.test_tier_list import persona
from tiering import scoring
from tiering.facts import facts_of
from tiering.scored import applicant_of
from tiering.snapshot import Snapshot

pytestmark = pytest.mark.django_db


def columns(program: Program) -> dict:
    return {f.attname: getattr(program, f.attname) for f in Program._meta.concrete_fields}


@pytest.fixture
def catalog_with_a_conflict(real_catalog) -> list[Program]:
    """The shipped core specialties, one program with two sources disagreeing on its J-1."""
    program = Program.objects.order_by("acgme_id").first()
    other = {"kind": "conflict", "key": "j1_accepted", "value": "no",
             "source": "https://example.org/program", "year": 2026}
    Program.objects.filter(pk=program.pk).update(
        other_values=[*program.other_values, other], j1_accepted="yes")
    bump_catalog_version()
    return list(Program.objects.select_related("specialty").order_by("acgme_id"))


def test_every_program_of_the_snapshot_holds_what_the_database_holds(
    catalog_with_a_conflict, django_assert_num_queries,
) -> None:
    shot = Snapshot(catalog_version())
    pairs = shot.in_scope({p.specialty_id for p in catalog_with_a_conflict}, [])

    assert [p.acgme_id for p, _ in pairs] == [p.acgme_id for p in catalog_with_a_conflict]
    for read, stored in zip([p for p, _ in pairs], catalog_with_a_conflict, strict=True):
        assert columns(read) == columns(stored)
        assert read == stored and not read._state.adding
        assert read.get_deferred_fields() == set()
    with django_assert_num_queries(0):  # the specialty comes with its program
        names = {p.specialty.name for p, _ in pairs}
    assert names == {p.specialty.name for p in catalog_with_a_conflict}


def test_programs_read_as_rows_score_as_programs_read_through_the_model(
    catalog_with_a_conflict,
) -> None:
    shot = Snapshot(catalog_version())
    pairs = shot.in_scope({p.specialty_id for p in catalog_with_a_conflict}, [])
    expected = [facts_of(p) for p in catalog_with_a_conflict]

    assert [facts for _, facts in pairs] == expected
    assert any(facts.conflicts for facts in expected)  # the disagreement is read alike
    applicant = applicant_of(persona())
    # Tiers, scores, confidence and every reason, in full words.
    assert scoring.score_programs(applicant=applicant, programs=[f for _, f in pairs]) == \
        scoring.score_programs(applicant=applicant, programs=expected)


def test_programs_that_share_a_provenance_share_one_copy_of_it(real_catalog) -> None:
    shot = Snapshot(catalog_version())
    programs = [p for pairs in shot.by_specialty.values() for p, _ in pairs]

    distinct = {id(p.provenance) for p in programs}
    assert len(distinct) == len({repr(p.provenance) for p in programs}) < len(programs)
    stored = {p.pk: p.provenance for p in Program.objects.all()}
    assert all(p.provenance == stored[p.pk] for p in programs)


def test_a_list_entry_made_from_a_snapshot_program_is_saved_with_it(real_catalog) -> None:
    # A list build makes its new entries from the snapshot's programs.
    from tiering.models import ListEntry

    shot = Snapshot(catalog_version())
    program = next(iter(shot.by_specialty.values()))[0][0]
    profile = persona()

    ListEntry.objects.create(profile=profile, program=program, computed_tier="1", score=50,
                             confidence=0.5)

    saved = ListEntry.objects.select_related("program").get(profile=profile)
    assert saved.program.acgme_id == program.acgme_id
    assert model_to_dict(saved.program) == model_to_dict(program)
