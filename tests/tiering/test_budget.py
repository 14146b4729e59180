"""List size and cost: ERAS 2026 fees, tier order, budgets. Pure tests, no database."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tiering import budget
from tiering.budget import (
    ADVISOR_TOTAL_HIGH,
    ADVISOR_TOTAL_LOW,
    FIXED_COSTS_USD,
    STRONG_PROFILE_TOTAL,
    eras_cost,
    eras_fee,
    recommend,
    season_cost,
    target_total,
)
from tiering.scoring import Tier

T1, T2, T3 = Tier.TIER_1, Tier.TIER_2, Tier.TIER_3


# ---------------------------------------------------------------------------------------------
# ERAS 2026 fees
# ---------------------------------------------------------------------------------------------


def test_thirty_programs_in_one_specialty_cost_330_as_in_the_aamc_example() -> None:
    assert eras_fee(30) == 330


def test_43_im_and_7_radiology_cost_797_as_in_the_aamc_example() -> None:
    assert eras_cost({"140": 43, "420": 7}) == 797


@pytest.mark.parametrize(("programs", "fee"), [(0, 0), (10, 110), (20, 220), (30, 330),
                                               (31, 360), (40, 630), (60, 1230), (100, 2430)])
def test_eras_fee_matches_the_2026_cost_table(programs, fee) -> None:
    assert eras_fee(programs) == fee


def test_thirty_in_each_of_two_specialties_costs_less_than_sixty_in_one() -> None:
    assert eras_cost({"140": 30, "120": 30}) == 660
    assert eras_cost({"140": 60}) == 1230


def test_season_cost_adds_the_ecfmg_token_and_usmle_transcript_once() -> None:
    cost = season_cost({"140": 43, "420": 7})
    assert (cost.eras_usd, cost.ecfmg_token_usd, cost.usmle_transcript_usd) == (797, 165, 80)
    assert cost.total_usd == 797 + 165 + 80
    assert cost.eras_by_specialty == {"140": 720, "420": 77}  # 30 x $11 + 13 x $30; 7 x $11


def test_an_empty_plan_costs_nothing() -> None:
    assert season_cost({}).total_usd == 0
    assert season_cost({"140": 0}).total_usd == 0


def test_a_negative_program_count_is_rejected() -> None:
    with pytest.raises(ValueError):
        eras_fee(-1)


# ---------------------------------------------------------------------------------------------
# How many programs
# ---------------------------------------------------------------------------------------------


def test_target_rises_from_80_to_120_as_step2_falls_below_the_benchmark() -> None:
    assert target_total(0.0) == ADVISOR_TOTAL_LOW == 80
    assert target_total(1.5) == STRONG_PROFILE_TOTAL == 50  # strong profiles apply to fewer
    assert target_total(0.5) == 65
    assert target_total(-1.0) == 100
    assert target_total(-2.0) == ADVISOR_TOTAL_HIGH == 120
    assert target_total(-3.5) == 120
    assert target_total(None) == 100


def test_recommendation_takes_tier1_first_then_tier2_then_tier3() -> None:
    rec = recommend(available={("120", T1): 30, ("120", T2): 40, ("140", T3): 300},
                    step2_z=-1.0)
    plan = rec.recommended
    assert rec.target_total == 100
    assert plan.programs == 100
    assert plan.count("120", T1) == 30
    assert plan.count("120", T2) == 40
    assert plan.count("140", T3) == 30
    assert [line.tier for line in plan.lines] == [T1, T2, T3]


def test_recommendation_never_exceeds_the_programs_available() -> None:
    rec = recommend(available={("120", T1): 5, ("140", T2): 7, ("320", T3): 3})
    assert rec.recommended.programs == 15
    for line in rec.recommended.lines:
        assert line.count == line.available
    assert any("fewer than" in note for note in rec.notes)


def test_recommendation_spreads_a_tier_across_specialties_to_use_the_cheap_first_30() -> None:
    rec = recommend(available={("140", T2): 100, ("120", T2): 100, ("320", T2): 100},
                    step2_z=0.0)  # target 80
    plan = rec.recommended
    assert plan.programs == 80
    assert all(line.count <= 30 for line in plan.lines)
    assert plan.cost.eras_usd == 80 * 11


def test_not_eligible_and_empty_counts_are_ignored() -> None:
    rec = recommend(available={("140", Tier.NOT_ELIGIBLE): 500, ("120", T1): 0, ("120", T2): 4})
    assert rec.recommended.programs == 4
    assert {line.tier for line in rec.recommended.lines} == {T2}


def test_the_notes_call_80_to_120_advisor_guidance() -> None:
    rec = recommend(available={("120", T1): 10})
    assert "published advisor guidance" in rec.notes[0]


def test_a_negative_budget_is_rejected() -> None:
    with pytest.raises(ValueError):
        recommend(available={("120", T1): 10}, budget_usd=-1)


# ---------------------------------------------------------------------------------------------
# Budgets
# ---------------------------------------------------------------------------------------------


def test_without_a_budget_there_is_no_budget_result() -> None:
    assert recommend(available={("120", T1): 10}).budget is None


def test_a_budget_that_covers_everything_leaves_nothing_out() -> None:
    rec = recommend(available={("120", T1): 20, ("140", T2): 20}, budget_usd=10_000)
    result = rec.budget
    assert result is not None
    assert result.affordable == rec.recommended
    assert result.left_out == ()
    assert result.extra_usd_needed == 0
    assert "covers the full recommendation" in result.message


def test_a_budget_cuts_tier3_first_then_tier2() -> None:
    available = {("120", T1): 20, ("120", T2): 20, ("140", T3): 60}
    # Fixed 245 + 20 Tier 1 (220) + 10 Tier 2 at $11 (110) = 575: no money for Tier 3.
    result = recommend(available=available, budget_usd=575, step2_z=-1.0).budget
    assert result is not None
    assert result.affordable.count("120", T1) == 20
    assert result.affordable.count("120", T2) == 10
    assert result.affordable.programs_in_tier(T3) == 0
    left = {(line.specialty_code, line.tier): line.count for line in result.left_out}
    assert left == {("120", T2): 10, ("140", T3): 60}
    assert result.left_out_programs == 70
    assert result.extra_usd_needed == rec_cost(available, -1.0) - 575


def rec_cost(available, z) -> int:
    return recommend(available=available, step2_z=z).recommended.cost.total_usd


def test_a_budget_spreads_across_specialties_to_use_the_cheap_first_30() -> None:
    available = {("140", T2): 60, ("120", T2): 60}
    result = recommend(available=available, budget_usd=FIXED_COSTS_USD + 660,
                       step2_z=-2.0).budget
    assert result is not None
    assert result.affordable.programs_by_specialty() == {"140": 30, "120": 30}
    assert result.affordable.cost.eras_usd == 660


def test_leftover_money_still_buys_a_cheap_lower_tier_program() -> None:
    # Tier 1 is past its first 30 ($30 each); $11 is left: a Tier 3 program in another
    # specialty still fits without dropping any Tier 1 program.
    available = {("140", T1): 40, ("120", T3): 5}
    result = recommend(available=available, budget_usd=FIXED_COSTS_USD + 330 + 30 + 11,
                       step2_z=-2.0).budget
    assert result is not None
    assert result.affordable.count("140", T1) == 31
    assert result.affordable.count("120", T3) == 1


def test_a_budget_below_the_fixed_costs_buys_nothing_and_says_what_is_missing() -> None:
    rec = recommend(available={("120", T1): 12}, budget_usd=200)
    result = rec.budget
    assert result is not None
    assert not result.covers_fixed_costs
    assert result.affordable.programs == 0
    assert result.affordable.cost.total_usd == 0
    assert result.missing_for_fixed_usd == FIXED_COSTS_USD - 200 == 45
    assert result.extra_usd_needed == rec.recommended.cost.total_usd - 200
    assert result.left_out_programs == 12
    assert "does not cover the fixed costs" in result.message


def test_a_budget_that_covers_only_the_fixed_costs_buys_no_program() -> None:
    result = recommend(available={("120", T1): 12}, budget_usd=FIXED_COSTS_USD + 10).budget
    assert result is not None
    assert result.covers_fixed_costs
    assert result.affordable.programs == 0
    assert "covers the fixed costs but no program" in result.message


AVAILABLE = st.dictionaries(
    st.tuples(st.sampled_from(["140", "120", "320", "400"]), st.sampled_from([T1, T2, T3])),
    st.integers(0, 80), max_size=12,
)


@settings(max_examples=300, deadline=None)
@given(available=AVAILABLE, money=st.integers(0, 6000),
       z=st.one_of(st.none(), st.floats(-4, 2)))
def test_the_budget_plan_is_the_largest_affordable_part_of_the_recommendation(
        available, money, z) -> None:
    rec = recommend(available=available, budget_usd=money, step2_z=z)
    result = rec.budget
    assert result is not None
    bought = result.affordable
    assert bought.cost.total_usd <= money
    assert bought.programs + result.left_out_programs == rec.recommended.programs
    for line in rec.recommended.lines:
        assert bought.count(line.specialty_code, line.tier) <= line.count <= line.available
    # Tier order: a lower tier is bought only when every recommended higher-tier program is,
    # or when the next higher-tier program would not fit anyway.
    counts = bought.programs_by_specialty()
    spare = money - bought.cost.total_usd
    for line in result.left_out:
        next_fee = budget.marginal_fee(counts.get(line.specialty_code, 0))
        fixed = 0 if bought.programs else FIXED_COSTS_USD
        assert next_fee + fixed > spare, "a left-out program would still have fitted"
    assert result.extra_usd_needed == max(0, rec.recommended.cost.total_usd - money)


@settings(max_examples=300, deadline=None)
@given(available=AVAILABLE, z=st.one_of(st.none(), st.floats(-4, 2)))
def test_the_recommendation_fills_higher_tiers_before_lower_ones(available, z) -> None:
    plan = recommend(available=available, step2_z=z).recommended
    for lower, higher in ((T2, T1), (T3, T2)):
        if plan.programs_in_tier(lower):
            assert all(line.count == line.available for line in plan.lines
                       if line.tier is higher)
    assert plan.programs == min(sum(available.values()), target_total(z))
