"""A list page the page cache does not have (a flushed or evicted cache) is made from what the
process kept of earlier pages (tiering.memo: the scope's ranks, the budget what-if): that page
is the page made from nothing, and a change made since shows on it."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from applicants.models import Profile
from programs import verification
from programs.models import Program
from tests.factories import UserFactory
from tests.tiering import test_caches, test_list_page_cache
from tests.tiering.test_caches import save_profile
from tiering import choosing, scoring
from tiering.memo import MEMO, ProcessMemo
from tiering.models import ListGroups
from tiering.scope import ranks_of, score_scope, snapshot
from tiering.scored import applicant_of
from tiering.templatetags.rows import row_url

pytestmark = pytest.mark.django_db

internal_medicine, applicant = test_caches.internal_medicine, test_caches.applicant
page, first_entry = test_list_page_cache.page, test_list_page_cache.first_entry
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


def content(html: str) -> str:
    # The list itself: no flash message (said once) and no token (each request's own).
    return TOKEN.sub("", html[html.index("<h1"):])


def after_a_flush(client, profile) -> str:
    """The page once the shared cache is emptied; the process keeps what it holds."""
    cache.clear()
    return content(page(client, profile))


def from_nothing(client, profile) -> str:
    """The page of a process that has never served it, with an empty cache."""
    cache.clear()
    MEMO.clear()
    return content(page(client, profile))


def test_a_page_made_from_what_the_process_kept_is_the_page_made_from_nothing(
        client, applicant) -> None:
    page(client, applicant)
    assert len(MEMO)  # the page kept its ranks and what-if

    assert after_a_flush(client, applicant) == from_nothing(client, applicant)


def test_a_profile_change_shows_after_a_flush(client, applicant) -> None:
    page(client, applicant)

    save_profile(client, applicant, budget_usd="7654", visa_need="h1b")

    shown = after_a_flush(client, applicant)
    assert "of your $7,654 budget" in shown
    assert shown == from_nothing(client, applicant)


def test_a_catalog_change_shows_after_a_flush(client, applicant) -> None:
    entry = first_entry(applicant)
    page(client, applicant)

    staff = UserFactory(role="staff")
    verification.submit(Program.objects.get(pk=entry.program_id), staff, key="j1_accepted",
                        value="no", method="phone", verified_on=timezone.localdate())

    shown = after_a_flush(client, applicant)
    assert entry.program.name not in shown.split('id="candidates"')[0]
    assert shown == from_nothing(client, applicant)


def test_a_tracking_save_shows_after_a_flush(client, applicant) -> None:
    entry = first_entry(applicant)
    page(client, applicant)

    client.post(reverse("tracker:entry_tracking",
                        kwargs={"pk": applicant.pk, "entry_id": entry.pk}),
                {"status": "applied", "notes": "Waiting for the coordinator"})

    shown = after_a_flush(client, applicant)
    assert "Waiting for the coordinator" in shown
    assert shown == from_nothing(client, applicant)


def test_a_removal_by_hand_shows_after_a_flush(client, applicant) -> None:
    entry = first_entry(applicant)
    page(client, applicant)

    client.post(reverse("tiering:list_remove", kwargs={"pk": applicant.pk,
                                                       "entry_id": entry.pk}),
                {"reason": "Too far from family"})

    shown = after_a_flush(client, applicant)
    assert "Too far from family" in shown
    assert shown == from_nothing(client, applicant)


def test_the_ranks_a_build_keeps_are_those_scored_for_the_numbers_alone(applicant) -> None:
    profile = Profile.objects.get(pk=applicant.pk)
    pairs = snapshot().in_scope(profile.target_specialties.values_list("pk", flat=True),
                                profile.target_states)
    numbers = scoring.score_programs(applicant=applicant_of(profile),
                                     programs=[facts for _, facts in pairs], words=False)

    built = ranks_of(item.result for item in score_scope(profile))

    assert built == ranks_of(numbers)
    assert [(r.tier, r.score, r.eligible) for r in built.results()] == [
        (r.tier, r.score, r.eligible) for r in numbers]


def test_the_process_keeps_the_latest_answers_within_its_bound() -> None:
    memo = ProcessMemo(max_weight=10)
    memo.put("a", "ranks of a", weight=6)
    memo.put("b", "ranks of b", weight=3)
    assert memo.get("a") == "ranks of a"  # a is now the latest read

    memo.put("c", "ranks of c", weight=4)

    assert memo.get("b") is None  # the least recently used went first
    assert (memo.get("a"), memo.get("c")) == ("ranks of a", "ranks of c")
    memo.put("huge", "more than the bound", weight=11)
    assert memo.get("huge") is None


def test_a_rows_address_is_the_address_the_url_tag_gives() -> None:
    assert row_url("tiering:explanation", 12, "1404800000") == reverse(
        "tiering:explanation", args=[12, "1404800000"])
    assert row_url("tiering:list_pin", 7, 31) == reverse("tiering:list_pin", args=[7, 31])
    # A value an address must quote is reversed as the tag does.
    assert row_url("tiering:explanation", 12, "a b&c") == reverse(
        "tiering:explanation", args=[12, "a b&c"])


def test_the_list_page_after_a_profile_save_ranks_nothing_again(client, applicant,
                                                               monkeypatch) -> None:
    save_profile(client, applicant, budget_usd="7654")
    ranked = []
    score_programs = scoring.score_programs

    def counted(**kwargs):
        if kwargs.get("words") is False:  # the scope ranked for the numbers only
            ranked.append(len(kwargs["programs"]))
        return score_programs(**kwargs)

    monkeypatch.setattr(scoring, "score_programs", counted)

    assert "of your $7,654 budget" in page(client, applicant)
    assert ranked == []  # the save's build kept the ranks the page needs


def test_a_page_made_afresh_reads_the_profiles_specialties_once(client, applicant) -> None:
    """The list page, a program's explanation and the workbook each ask whether the profile is
    complete, for its specialties' ids and for their codes or names: one read serves them all,
    and the pages are what they were."""
    acgme_id = first_entry(applicant).program.acgme_id
    urls = [reverse("tiering:list", kwargs={"pk": applicant.pk}),
            reverse("tiering:explanation", kwargs={"pk": applicant.pk, "acgme_id": acgme_id}),
            reverse("tracker:tracker_xlsx", kwargs={"pk": applicant.pk})]
    for url in urls:
        cache.clear()
        MEMO.clear()
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200
        reads = [q["sql"] for q in captured.captured_queries
                 if "applicants_profile_target_specialties" in q["sql"]]
        assert len(reads) == 1, (url, reads)
    assert "Internal Medicine" in content(page(client, applicant))
def test_a_worker_with_an_empty_cache_reads_the_budget_what_if_the_build_kept(
        client, applicant, monkeypatch) -> None:
    """The list's build keeps its budget what-if with it: a page made with an empty cache
    shows it without selecting over the scope again, as the page that selects again does."""
    assert ListGroups.objects.get(profile=applicant).budget_what_if is not None
    cache.clear()
    MEMO.clear()

    def select_again(*args, **kwargs):
        raise AssertionError("the scope was selected over again")

    with monkeypatch.context() as patched:
        patched.setattr(choosing, "candidates_of", select_again)
        kept = content(page(client, applicant))
    ListGroups.objects.filter(profile=applicant).update(budget_what_if=None)

    assert "A smaller list" in kept
    assert kept == from_nothing(client, applicant)
