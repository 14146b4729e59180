"""What a download says of the programs is kept in the cache: a second download scores
nothing again, and after a change to the answers, the catalog or the language the download
says what one made from an empty cache says."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.utils import translation

from programs.models import Program
from tests.factories import ProfileFactory, ProgramFactory, SpecialtyFactory
from tiering import scoring
from tiering.lists import list_recompute
from tracker.export import tracker_export

pytestmark = pytest.mark.django_db


@pytest.fixture
def profile():
    fm = SpecialtyFactory(code="120", name="Family Medicine")
    for n in range(4):
        ProgramFactory(acgme_id=f"12048{n:05d}", specialty=fm, j1_accepted="yes",
                       non_us_img_share_pct=30 + 10 * n, in_border_region=n < 2,
                       name=f"FM Program {n}")
    profile = ProfileFactory(ecfmg_status="certified", visa_need="j1", step2_score=225)
    profile.target_specialties.set([fm])
    list_recompute(profile)
    return profile


def said(profile) -> tuple:
    made = tracker_export(profile)
    return ([row.values() for row in made.rows], [row.values() for row in made.soap],
            [row.values() for row in made.sources])


def test_a_second_download_scores_nothing_again(profile, monkeypatch) -> None:
    first = said(profile)
    calls: list[int] = []
    real = scoring.score_programs

    def counting(*, applicant, programs, **options):
        calls.append(len(programs))
        return real(applicant=applicant, programs=programs, **options)

    monkeypatch.setattr(scoring, "score_programs", counting)
    assert said(profile) == first
    assert calls == []


def change_answers(profile) -> None:
    profile.step2_score = 250
    profile.save()


def change_catalog(profile) -> None:
    program = Program.objects.get(name="FM Program 0")
    program.j1_accepted = "unknown"
    program.save()


@pytest.mark.parametrize("change", [change_answers, change_catalog])
def test_after_a_change_a_download_says_what_a_fresh_one_says(profile, change) -> None:
    before = said(profile)
    change(profile)
    after = said(profile)
    cache.clear()
    assert after == said(profile)
    assert after != before


def test_each_language_has_its_own_words(profile) -> None:
    english = said(profile)
    with translation.override("es"):
        spanish = said(profile)
        cache.clear()
        assert spanish == said(profile)
    assert spanish != english
