"""What if: four scenarios on the list page, each the pure scoring of the profile with one
change, compared with a direct rescoring; and the Step 3 and Transitional Year advice."""

from __future__ import annotations

import dataclasses

import pytest
from django.urls import reverse
from django.utils import timezone

from programs.models import Specialty
from tests.factories import ProfileFactory
from tiering import choosing, scoring
from tiering.advice import (
    STEP3_RECOMMENDED,
    STEP3_REQUIRED,
    TRANSITIONAL_BRIDGE,
    advice_for,
)
from tiering.lists import list_rebuild
from tiering.models import ListEntry
from tiering.scope import score_scope
from tiering.scored import applicant_of
from tiering.what_if import BORDER, BUDGET, SCENARIOS, SPANISH, STEP3, scenarios_what_if

pytestmark = pytest.mark.django_db

CORE = ["140", "120", "320", "400"]


def persona(**changes):
    fields = dict(
        step1_passed=True, step1_attempts=1, step2_score=222, step2_attempts=1,
        graduation_year=timezone.now().year - 2, visa_need="j1", ecfmg_status="certified",
        spanish_level="intermediate", usce_hands_on_months=3, usce_border_months=3,
        budget_usd=1500,
    )
    fields.update(changes)
    profile = ProfileFactory(**fields)
    profile.target_specialties.set(Specialty.objects.filter(code__in=CORE))
    return profile


def on_list(profile) -> list[str]:
    return list(ListEntry.objects.on_list().filter(profile=profile)
                .values_list("program__acgme_id", flat=True))


def rescored(profile, **changes):
    """The list of the profile with these changes, scored and selected directly (in memory;
    the profile is not saved)."""
    for name, value in changes.items():
        setattr(profile, name, value)
    scored = score_scope(profile)
    chosen = choosing.choose(applicant=applicant_of(profile), scored=scored,
                             budget_usd=profile.budget_usd, states=profile.target_states or [])
    return chosen, {i.program.acgme_id: i.result.tier for i in scored}


@pytest.mark.parametrize("code, changes", [
    (STEP3, {"step3_passed": True, "step3_attempts": 1}),
    (BORDER, {"usce_hands_on_months": 6, "usce_border_months": 6}),
    (SPANISH, {"spanish_level": "advanced"}),
    (BUDGET, {"budget_usd": 2000}),
])
def test_each_scenario_is_what_a_direct_rescoring_of_the_changed_profile_gives(
    real_catalog, code, changes,
) -> None:
    profile = persona(visa_need="h1b")
    list_rebuild(profile)
    now = on_list(profile)
    _, tiers_now = rescored(profile)

    [scenario] = [s for s in scenarios_what_if(profile) if s.code == code]
    then, tiers_then = rescored(profile, **changes)

    assert {p.acgme_id for p in scenario.entering} == set(then.chosen) - set(now)
    assert {p.acgme_id for p in scenario.moved_up} == {
        i for i in now if tiers_then[i] > tiers_now[i]}
    assert scenario.cost_usd == then.cost.total_usd
    assert scenario.size == then.size


def test_passing_step3_opens_programs_to_an_applicant_who_needs_an_h1b(real_catalog) -> None:
    profile = persona(visa_need="h1b")
    list_rebuild(profile)

    scenarios = {s.code: s for s in scenarios_what_if(profile)}

    assert not on_list(profile)  # no program gives an H-1B without Step 3
    assert len(scenarios[STEP3].entering) >= 50
    assert scenarios[STEP3].cost_change_usd > 0


def test_more_budget_buys_more_programs_when_the_budget_limited_the_list(real_catalog) -> None:
    profile = persona(budget_usd=1000)
    list_rebuild(profile)

    scenario = next(s for s in scenarios_what_if(profile) if s.code == BUDGET)

    # A bigger list keeps the tiers' shares, so a few Tier 1 programs may give way.
    assert len(scenario.entering) > len(scenario.leaving) and scenario.size_change > 0
    assert 0 < scenario.cost_change_usd <= 500
    assert scenario.cost_usd <= 1500


def test_a_scenario_that_cannot_apply_says_why() -> None:
    profile = ProfileFactory(step3_passed=True, step3_attempts=1, spanish_level="native",
                             budget_usd=None)
    profile.target_specialties.set([Specialty.objects.create(code="140",
                                                             name="Internal Medicine")])
    list_rebuild(profile)

    scenarios = {s.code: s for s in scenarios_what_if(profile)}

    assert scenarios[STEP3].not_applicable == "You have passed Step 3."
    assert scenarios[SPANISH].not_applicable == "Your Spanish is at the highest level."
    assert "no budget" in scenarios[BUDGET].not_applicable
    assert not scenarios[BORDER].not_applicable


def test_the_list_page_links_to_the_four_scenarios_which_save_nothing(client,
                                                                      real_catalog) -> None:
    profile = persona()
    list_rebuild(profile)
    client.force_login(profile.user)
    version = profile.version
    stored = sorted(on_list(profile))
    what_if = reverse("tiering:what_if", kwargs={"pk": profile.pk})

    # Scored only when asked for: the list links to them (list.js loads the panel's part in
    # place when it is opened), and a reader without the script follows the link.
    listed = client.get(reverse("tiering:list", kwargs={"pk": profile.pk})).content.decode()
    assert f'href="{what_if}"' in listed and f'data-what-if="{what_if}?part=1"' in listed
    page = client.get(what_if).content.decode()
    part = client.get(what_if, {"part": "1"}).content.decode()

    for shown in (page, part):
        for code in SCENARIOS:
            assert f'data-scenario="{code}"' in shown
        assert "would move up a tier" in shown and "would enter the list" in shown
    assert "<html" in page and "<html" not in part
    profile.refresh_from_db()
    assert profile.version == version and sorted(on_list(profile)) == stored


def test_the_try_it_list_opens_the_scenarios_too(client, real_catalog) -> None:
    from tests.tiering.test_try_it import answers

    client.post(reverse("tiering:try_it"), answers())
    tried = client.get(reverse("tiering:try_list")).content.decode()
    assert reverse("tiering:try_what_if") in tried
    page = client.get(reverse("tiering:try_what_if")).content.decode()

    for code in SCENARIOS:
        assert f'data-scenario="{code}"' in page


# --- Step 3 and Transitional Year advice ----------------------------------------------------


def applicant(**changes) -> scoring.Applicant:
    base = scoring.Applicant(
        step1_passed=True, step1_attempts=1, step2_score=222, step2_attempts=1,
        step3_passed=False, step3_attempts=0, graduation_year=2024, visa_need="j1",
        ecfmg_certified=True, usce_hands_on_months=3, usce_observership_months=0,
        usce_border_months=3, us_letters=1, research_experiences=0,
        border_or_underserved_projects=False, spanish_level="native", as_of_year=2026,
    )
    return dataclasses.replace(base, **changes)


def codes(advice) -> set[str]:
    return {a.code for a in advice}


def test_step3_is_required_for_an_h1b_until_it_is_passed() -> None:
    assert codes(advice_for(applicant=applicant(visa_need="h1b"), specialty_codes=["400"])) \
        == {STEP3_REQUIRED}
    assert not advice_for(applicant=applicant(visa_need="h1b", step3_passed=True,
                                              step3_attempts=1), specialty_codes=["400"])
    [required] = advice_for(applicant=applicant(visa_need="h1b"), specialty_codes=["400"])
    assert any("F4.3" in source for source in required.sources)


@pytest.mark.parametrize("attempts, specialties, advised", [
    ({"step1_attempts": 2}, ["140"], True),
    ({"step2_attempts": 3}, ["120", "400"], True),
    ({}, ["140", "120"], False),  # first attempts: no advice
    ({"step1_attempts": 2}, ["400", "320"], False),  # neither IM nor FM
    ({"step1_attempts": 2, "step3_passed": True, "step3_attempts": 1}, ["140"], False),
])
def test_step3_is_recommended_for_im_and_fm_after_a_failed_attempt(
    attempts, specialties, advised,
) -> None:
    advice = advice_for(applicant=applicant(**attempts), specialty_codes=specialties)

    assert (STEP3_RECOMMENDED in codes(advice)) is advised


def test_a_transitional_year_is_advised_as_a_bridge_only_when_one_is_applied_to() -> None:
    assert TRANSITIONAL_BRIDGE in codes(advice_for(applicant=applicant(),
                                                   specialty_codes=["999", "420"]))
    assert not advice_for(applicant=applicant(), specialty_codes=["140"])
    [alone] = advice_for(applicant=applicant(), specialty_codes=["999"])
    assert "only specialty" in alone.text


def test_the_list_page_shows_the_advice_with_its_source_only_when_it_applies(
    client, real_catalog,
) -> None:
    advised = persona(step1_attempts=2)
    not_advised = persona()
    for profile in (advised, not_advised):
        list_rebuild(profile)
    client.force_login(advised.user)
    page = client.get(reverse("tiering:list", kwargs={"pk": advised.pk})).content.decode()
    client.force_login(not_advised.user)
    other = client.get(reverse("tiering:list", kwargs={"pk": not_advised.pk})).content.decode()

    assert 'data-advice="step3_recommended"' in page and "F7.4" in page
    assert "data-advice" not in other
