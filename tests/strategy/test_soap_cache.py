"""The SOAP list's ranking is scored once per applicant's answers, catalog and scoring model:
a page view or a download after that reads it; a change to any of the three scores it again."""

from __future__ import annotations

import pytest
from django.utils import translation

from programs.models import Program
from strategy import soap
from strategy.soap import soap_list
from tests.factories import ProfileFactory, ProgramFactory, SpecialtyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def scored(monkeypatch) -> list[int]:
    """How many programs each call scored."""
    calls: list[int] = []
    real = soap.scoring.score_programs

    def counting(*, applicant, programs, **options):
        calls.append(len(programs))
        return real(applicant=applicant, programs=programs, **options)

    monkeypatch.setattr(soap.scoring, "score_programs", counting)
    return calls


@pytest.fixture
def profile():
    fm = SpecialtyFactory(code="120", name="Family Medicine")
    for n in range(4):
        ProgramFactory(acgme_id=f"12048{n:05d}", specialty=fm, j1_accepted="yes",
                       in_border_region=n < 2, name=f"FM Program {n}")
    return ProfileFactory(ecfmg_status="certified", visa_need="j1", step2_score=225)


def names(choices) -> list[str]:
    return [c.program.name for c in choices]


def test_the_ranking_is_scored_once_and_read_after(profile, scored) -> None:
    first = soap_list(profile)
    again = soap_list(profile)
    assert scored == [4]  # the second call scored nothing
    assert names(again) == names(first) and len(first) == 4
    assert [c.reason for c in again] == [c.reason for c in first]


def test_the_reasons_follow_the_readers_language_from_the_same_ranking(profile, scored) -> None:
    english = soap_list(profile)
    with translation.override("es"):
        spanish = soap_list(profile)
    assert scored == [4]
    assert names(spanish) == names(english)
    assert spanish[0].reason != english[0].reason


def test_a_catalog_change_scores_again(profile, scored) -> None:
    assert "FM Program 0" in names(soap_list(profile))
    program = Program.objects.get(name="FM Program 0")
    program.j1_accepted = "no"  # no longer open to a J-1 applicant
    program.save()
    assert "FM Program 0" not in names(soap_list(profile))
    assert scored == [4, 4]


def test_a_change_to_the_applicants_answers_scores_again(profile, scored) -> None:
    soap_list(profile)
    profile.step2_score = 240
    profile.save()
    soap_list(profile)
    assert scored == [4, 4]
