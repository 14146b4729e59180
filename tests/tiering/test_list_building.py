"""Building the list: its size, tiers and spread, decisions made by hand, and what is stored."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from advising import services as advising
from applicants.models import AdvisorLink
from tests.factories import ProfileFactory, ProgramFactory, SpecialtyFactory, UserFactory
from tests.tiering.test_tier_list import persona
from tiering import budget, selection
from tiering.edits import ListChanged, ListEditError, entry_add, entry_pin, entry_remove
from tiering.list_summary import budget_note_text
from tiering.lists import BUILDS_KEPT, applicant_list, budget_note, list_groups, list_rebuild
from tiering.models import ListBuild, ListEntry
from tiering.scope import score_scope
from tiering.scoring import Tier

pytestmark = pytest.mark.django_db


def candidate(acgme_id: str, tier: Tier, score: int = 60, *, code: str = "140",
              name: str | None = None, border: bool = False, known: int = 5):
    return selection.Candidate(acgme_id=acgme_id, name=name or f"Program {acgme_id}",
                               city="El Paso", state="TX", specialty_code=code, tier=tier,
                               score=score, in_border=border, facts_known=known)


def pool(code: str, tier: Tier, n: int, start: int = 0) -> list[selection.Candidate]:
    return [candidate(f"{code}{tier.rank}{i:05d}", tier, 90 - i % 50, code=code)
            for i in range(start, start + n)]


# --- the pure rule -----------------------------------------------------------------------------


def test_a_list_takes_every_tier_in_proportion_reach_programs_included() -> None:
    candidates = [*pool("140", Tier.TIER_1, 80), *pool("140", Tier.TIER_2, 80),
                  *pool("140", Tier.TIER_3, 80)]

    chosen = selection.select(candidates=candidates, target=100, budget_usd=None)

    assert chosen.size == 100
    assert chosen.counts == {("140", Tier.TIER_1): 40, ("140", Tier.TIER_2): 45,
                             ("140", Tier.TIER_3): 15}


def test_a_short_tier_gives_its_places_to_tier_1_first() -> None:
    candidates = [*pool("140", Tier.TIER_1, 100), *pool("140", Tier.TIER_2, 10),
                  *pool("140", Tier.TIER_3, 100)]

    chosen = selection.select(candidates=candidates, target=100, budget_usd=None)

    assert chosen.counts[("140", Tier.TIER_2)] == 10
    assert chosen.counts[("140", Tier.TIER_3)] == 15
    assert chosen.counts[("140", Tier.TIER_1)] == 75


def test_places_spread_across_specialties_to_use_the_cheap_first_30() -> None:
    candidates = [*pool("140", Tier.TIER_2, 200), *pool("120", Tier.TIER_2, 200)]

    chosen = selection.select(candidates=candidates, target=60, budget_usd=None)

    assert chosen.counts == {("140", Tier.TIER_2): 30, ("120", Tier.TIER_2): 30}
    assert chosen.cost.eras_usd == 60 * budget.ERAS_FEE_FIRST_PROGRAMS_USD


def test_a_budget_shrinks_the_list_and_keeps_the_proportions() -> None:
    candidates = [*pool("140", Tier.TIER_1, 10), *pool("140", Tier.TIER_2, 80),
                  *pool("140", Tier.TIER_3, 80)]
    # Fixed costs $245, then $11 a program for the first 30: $575 buys exactly 30.
    chosen = selection.select(candidates=candidates, target=100, budget_usd=575)

    assert chosen.size == 30 and chosen.budget_limited
    assert chosen.cost.total_usd <= 575
    assert chosen.counts[("140", Tier.TIER_3)] > 0


def test_a_budget_below_the_fixed_costs_buys_an_empty_list() -> None:
    chosen = selection.select(candidates=pool("140", Tier.TIER_1, 10), target=80,
                              budget_usd=200)

    assert chosen.size == 0 and chosen.budget_limited


def test_one_program_under_two_ids_is_never_chosen_twice() -> None:
    full = candidate("1400000001", Tier.TIER_2, 70, name="Desert Medical Center IM")
    empty = candidate("1400000002", Tier.TIER_2, 75, name="DESERT MEDICAL CENTER IM", known=0)

    chosen = selection.select(candidates=[full, empty], target=80, budget_usd=None)

    assert list(chosen.chosen) == ["1400000001"]  # the one with more known facts
    assert chosen.duplicates == {"1400000002": "1400000001"}


def test_each_program_says_why_it_was_chosen_over_the_next_candidate() -> None:
    candidates = pool("140", Tier.TIER_2, 20)

    chosen = selection.select(candidates=candidates, target=5, budget_usd=None)

    first = chosen.chosen[candidates[0].acgme_id]
    assert first.code == "ranked"
    assert first.params["rank"] == 1 and first.params["taken"] == 5
    assert first.params["next_name"] == candidates[5].name


def test_hand_made_decisions_are_never_undone() -> None:
    candidates = pool("140", Tier.TIER_2, 20)
    removed, pinned = candidates[0].acgme_id, candidates[19].acgme_id

    chosen = selection.select(candidates=candidates, target=5, budget_usd=None,
                              decisions=selection.Decisions(pinned=frozenset({pinned}),
                                                            removed=frozenset({removed})))

    assert removed not in chosen.chosen
    assert chosen.chosen[pinned].code == "pinned"
    assert chosen.size == 5


# --- the stored list -----------------------------------------------------------------------


def small_catalog(n: int = 30):
    im = SpecialtyFactory(code="140", name="Internal Medicine")
    programs = [ProgramFactory(specialty=im, j1_accepted="yes", non_us_img_share_pct=10 + n % 80,
                               setting="community") for n in range(n)]
    profile = ProfileFactory(step2_score=240, us_letters=1, usce_hands_on_months=3)
    profile.target_specialties.set([im])
    return profile, programs


def on_list(profile) -> set[str]:
    return set(ListEntry.objects.on_list().filter(profile=profile)
               .values_list("program__acgme_id", flat=True))


def test_an_advisors_removal_pin_and_addition_survive_a_rebuild() -> None:
    profile, programs = small_catalog(120)
    advisor = UserFactory(role="advisor")
    AdvisorLink.objects.create(profile=profile, advisor=advisor)
    list_rebuild(profile)
    listed = on_list(profile)
    entry = ListEntry.objects.filter(profile=profile, excluded=False).first()
    outside = next(p for p in programs if p.acgme_id not in listed)

    entry_remove(entry, by=advisor, reason="Their PD said no IMGs this year")
    added = entry_add(profile, outside, by=profile.user)
    profile.budget_usd = 400  # a much smaller budget: the rebuild drops programs
    profile.save()
    result = list_rebuild(profile)

    assert entry.program.acgme_id not in on_list(profile)
    assert outside.acgme_id in on_list(profile)
    assert ListEntry.objects.get(pk=added.pk).choice["code"] == "added"
    assert result.went_out  # the smaller budget dropped some, and said which
    build = ListBuild.objects.filter(profile=profile).first()
    assert len(build.went_out) == len(result.went_out)


def test_an_advisors_change_needs_a_reason_and_the_applicants_does_not() -> None:
    profile, _ = small_catalog(5)
    advisor = UserFactory(role="advisor")
    list_rebuild(profile)
    entry = ListEntry.objects.filter(profile=profile).first()

    with pytest.raises(ListEditError, match="Say why"):
        entry_remove(entry, by=advisor, reason="  ")
    entry_pin(entry, by=profile.user, pinned=True)

    assert ListEntry.objects.get(pk=entry.pk).pinned


def test_a_change_from_a_stale_tab_is_refused_not_merged(client) -> None:
    profile, _ = small_catalog(5)
    list_rebuild(profile)
    first, second = ListEntry.objects.filter(profile=profile)[:2]
    revision = applicant_list(profile).revision

    entry_remove(first, by=profile.user, revision=revision)  # the first tab
    with pytest.raises(ListChanged):
        entry_remove(second, by=profile.user, revision=revision)  # the second, stale tab

    assert not ListEntry.objects.get(pk=second.pk).excluded
    client.force_login(profile.user)
    response = client.post(reverse("tiering:list_remove", kwargs={
        "pk": profile.pk, "entry_id": second.pk}), {"revision": revision}, follow=True)
    assert "changed in another tab" in response.content.decode()


def test_a_change_made_on_the_list_comes_back_at_the_changed_row(client) -> None:
    profile, _ = small_catalog(5)
    list_rebuild(profile)
    client.force_login(profile.user)
    the_list = reverse("tiering:list", kwargs={"pk": profile.pk})
    first, second = ListEntry.objects.filter(profile=profile, excluded=False)[:2]

    def post(name: str, entry: ListEntry | None = None, **data):
        kwargs = {"pk": profile.pk, **({"entry_id": entry.pk} if entry else {})}
        return client.post(reverse(f"tiering:{name}", kwargs=kwargs), {
            "revision": applicant_list(profile).revision, "next": the_list + "?sort=score",
            **data})

    assert post("list_pin", first, pinned="1")["Location"] == (
        f"{the_list}?sort=score#entry-{first.pk}")
    assert post("list_remove", second)["Location"] == f"{the_list}?sort=score#entry-{second.pk}"
    assert post("list_add", acgme_id=second.program.acgme_id)["Location"] == (
        f"{the_list}?sort=score#entry-{second.pk}")
    # A refused change returns to the top, where its message is.
    assert post("list_pin", first, pinned="1", revision="1")["Location"] == (
        f"{the_list}?sort=score")
    # A change made on a program's own page returns to that page as it was.
    program_page = reverse("tiering:explanation", kwargs={
        "pk": profile.pk, "acgme_id": first.program.acgme_id})
    assert post("list_pin", first, pinned="0", next=program_page)["Location"] == program_page


def test_without_javascript_a_rows_change_link_leads_to_the_programs_open_change_forms(
    client,
) -> None:
    profile, _ = small_catalog(3)
    list_rebuild(profile)
    entry = ListEntry.objects.filter(profile=profile).first()
    client.force_login(profile.user)
    program_page = reverse("tiering:explanation", kwargs={
        "pk": profile.pk, "acgme_id": entry.program.acgme_id})

    the_list = client.get(reverse("tiering:list", kwargs={"pk": profile.pk})).content.decode()
    page = client.get(program_page).content.decode()

    # The list sends one copy of the forms for the whole page, and a link per row.
    assert the_list.count('<template id="entry-change-forms"') == 1
    assert f'href="{program_page}#change" data-entry-change="listed"' in the_list
    assert '<details class="small mt-1" id="change" open>' in page
    assert reverse("tiering:list_remove", kwargs={"pk": profile.pk, "entry_id": entry.pk}) in page


def test_a_not_eligible_program_cannot_be_added() -> None:
    profile, _ = small_catalog(3)
    closed = ProgramFactory(specialty=profile.target_specialties.first(), j1_accepted="no")
    list_rebuild(profile)

    with pytest.raises(ListEditError, match="not eligible"):
        entry_add(profile, closed, by=profile.user)


def test_removing_every_program_of_a_tier_is_allowed_and_warned(client) -> None:
    profile, _ = small_catalog(6)
    list_rebuild(profile)
    client.force_login(profile.user)
    url = reverse("tiering:list", kwargs={"pk": profile.pk})
    tier = ListEntry.objects.filter(profile=profile).first().computed_tier
    for entry in ListEntry.objects.filter(profile=profile, computed_tier=tier):
        entry_remove(entry, by=profile.user)

    page = client.get(url).content.decode()

    assert "program was removed from the list: no program of this tier is left" in page


def test_the_advisors_exclusion_is_a_removal_from_the_list() -> None:
    profile, _ = small_catalog(5)
    advisor = UserFactory(role="advisor")
    list_rebuild(profile)
    entry = ListEntry.objects.filter(profile=profile).first()

    advising.entry_exclude(entry, reason="Closed", by=advisor)
    list_rebuild(profile)

    assert entry.program.acgme_id not in on_list(profile)


# --- the case of the issue, on the shipped catalog ------------------------------------------


def test_the_persona_with_2000_dollars_gets_80_to_120_programs_in_three_tiers(
    real_catalog,
) -> None:
    profile = persona(budget_usd=2000)
    in_scope = len(score_scope(profile))

    result = list_rebuild(profile)

    chosen = result.selection
    assert 80 <= chosen.size <= 120
    tiers = {tier for (_, tier) in chosen.counts}
    assert {Tier.TIER_1, Tier.TIER_2, Tier.TIER_3} <= tiers
    assert chosen.cost.total_usd <= 2000
    # Only the list is stored: at least ten times fewer rows than programs in scope.
    assert ListEntry.objects.filter(profile=profile).count() * 10 <= in_scope


def test_a_budget_too_small_for_tier_1_says_so_and_buys_the_best_tier_1_programs() -> None:
    candidates = [*pool("140", Tier.TIER_1, 40), *pool("140", Tier.TIER_2, 40),
                  *pool("140", Tier.TIER_3, 40)]

    chosen = selection.select(candidates=candidates, target=100, budget_usd=300)

    assert chosen.size == 5  # $300 - $245 fixed = $55: five programs at $11
    assert set(chosen.counts) == {("140", Tier.TIER_1)}
    full = selection.select(candidates=candidates, target=100, budget_usd=None)
    note = budget_note_text(budget_note(300, chosen, full))
    assert "fewer than your 40 Tier 1 programs alone" in note
    assert f"${full.cost.total_usd - 300:,} more" in note


def test_a_budget_below_the_fixed_costs_is_told_plainly() -> None:
    candidates = pool("140", Tier.TIER_1, 10)
    chosen = selection.select(candidates=candidates, target=80, budget_usd=100)
    full = selection.select(candidates=candidates, target=80, budget_usd=None)

    assert "does not cover the fixed costs of $245" in budget_note_text(
        budget_note(100, chosen, full))


def test_the_applicant_sees_from_the_top_which_programs_the_advisor_changed(client) -> None:
    profile, _ = small_catalog(5)
    advisor = UserFactory(role="advisor")
    AdvisorLink.objects.create(profile=profile, advisor=advisor)
    list_rebuild(profile)
    entry = ListEntry.objects.filter(profile=profile).select_related("program").first()
    advising.entry_override_tier(entry, tier=3, reason="Their PD prefers US graduates", by=advisor)
    client.force_login(profile.user)

    page = client.get(reverse("tiering:list", kwargs={"pk": profile.pk})).content.decode()

    assert "Your advisor changed 1 program:" in page
    explanation = reverse("tiering:explanation", kwargs={"pk": profile.pk,
                                                          "acgme_id": entry.program.acgme_id})
    assert f'href="{explanation}#advisor"' in page


def test_only_the_latest_builds_are_kept() -> None:
    profile, _ = small_catalog(3)

    for _ in range(BUILDS_KEPT + 5):
        list_rebuild(profile)

    assert ListBuild.objects.filter(profile=profile).count() == BUILDS_KEPT


def test_why_a_program_is_on_the_list_reads_back_as_it_was_built_and_as_older_rows_kept_it(
        ) -> None:
    from django.db import connection

    from tiering.choice_field import attach_groups
    from tiering.explain import choice_text

    profile, _ = small_catalog(30)
    list_rebuild(profile)
    entry = ListEntry.objects.filter(profile=profile).select_related("program").first()
    groups = list_groups(profile)
    attach_groups([entry], groups)
    built = entry.choice
    assert built["code"] == "ranked" and built["params"]["rank"] >= 1
    with connection.cursor() as cursor:
        cursor.execute("SELECT choice FROM tiering_listentry WHERE id = %s", [entry.pk])
        stored = cursor.fetchone()[0]
    assert len(stored) < len(json.dumps(built)) / 2  # one short line, not JSON with its keys
    # A row written as JSON before the short line reads the same, and says the same words.
    ListEntry.objects.filter(pk=entry.pk).update(choice=json.dumps(built))
    again = ListEntry.objects.get(pk=entry.pk)
    attach_groups([again], groups)
    assert again.choice == built
    names = {"140": "Internal Medicine"}
    assert choice_text(again, names) == choice_text(entry, names)
    assert "Internal Medicine" in choice_text(again, names)


def test_the_history_names_the_programs_a_build_brought_in(client) -> None:
    from django.utils.html import escape

    profile, programs = small_catalog(12)
    list_rebuild(profile)
    client.force_login(profile.user)
    response = client.get(reverse("advising:history", kwargs={"pk": profile.pk}))
    page = response.content.decode()
    listed = ListEntry.objects.filter(profile=profile).select_related("program")
    assert listed and all(escape(entry.program.name) in page for entry in listed)
