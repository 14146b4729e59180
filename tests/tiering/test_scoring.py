"""The scoring model: gates, components, tiers, confidence, suggestions and properties.

Pure tests: the scoring module imports no Django, so no database is needed.
"""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tiering import scoring
from tiering.scoring import (
    C_BORDER,
    C_IMG,
    C_PREFERENCES,
    C_STEP2,
    COMPONENTS,
    Applicant,
    ProgramFacts,
    ProgramResult,
    Reason,
    Tier,
    applicant_warnings,
    benchmark_for,
    score_program,
    score_programs,
    step2_z,
    suggest_improvement,
    suggest_improvements,
)

SEASON = 2026


def make_applicant(**changes) -> Applicant:
    """A first-attempt applicant with no visa need; tests change what they look at."""
    values = dict(
        step1_passed=True, step1_attempts=1, step2_score=240, step2_attempts=1,
        step3_passed=False, step3_attempts=0, graduation_year=SEASON - 2, visa_need="none",
        ecfmg_certified=True, usce_hands_on_months=3, usce_observership_months=0,
        usce_border_months=0, us_letters=1, research_experiences=1,
        border_or_underserved_projects=False, spanish_level="none", as_of_year=SEASON,
    )
    values.update(changes)
    return Applicant(**values)


def make_program(**changes) -> ProgramFacts:
    """A community Family Medicine program far from the border with every fact known."""
    values = dict(
        acgme_id="1203900001", name="Test Community FM", specialty_code="120", state="OH",
        in_border_region=False, border_distance_km=2500.0, setting="community",
        j1_accepted="yes", h1b_sponsored="yes", citizens_only="no",
        img_share_pct=60.0, non_us_img_share_pct=45.0,
        min_step2_score=None, min_step2_strictness="",
        max_years_since_graduation=None, max_years_since_graduation_strictness="",
        max_attempts_per_step=None, max_attempts_per_step_strictness="",
        min_usce_months=None, min_usce_months_strictness="",
        step3_required="no", step3_strictness="",
        fact_years={"j1_accepted": 2025, "h1b_sponsored": 2025, "citizens_only": 2025,
                    "non_us_img_share_pct": 2025, "img_share_pct": 2025, "setting": 2025},
        fact_sources={"non_us_img_share_pct": "AAMC Residency Explorer"},
    )
    if changes.get("non_us_img_share_pct") is not None and "img_share_pct" not in changes:
        # A consistent pair of one year: every IMG a non-US citizen, so the non-US share decides.
        changes["img_share_pct"] = changes["non_us_img_share_pct"]
    values.update(changes)
    return ProgramFacts(**values)


def score(applicant: Applicant | None = None, **program_changes) -> ProgramResult:
    return score_program(applicant=applicant or make_applicant(),
                         program=make_program(**program_changes))


# ---------------------------------------------------------------------------------------------
# Gates
# ---------------------------------------------------------------------------------------------


def test_visa_mismatch_makes_program_ineligible() -> None:
    result = score(make_applicant(visa_need="j1"), j1_accepted="no")
    assert not result.eligible
    assert result.tier is Tier.NOT_ELIGIBLE
    assert result.score == 0
    assert any("J-1" in reason for reason in result.hard_reasons)


def test_program_not_sponsoring_h1b_is_closed_to_an_applicant_who_needs_h1b() -> None:
    applicant = make_applicant(visa_need="h1b", step3_passed=True, step3_attempts=1)
    assert score(applicant, h1b_sponsored="no").tier is Tier.NOT_ELIGIBLE
    assert score(applicant, h1b_sponsored="yes").eligible


def test_citizens_only_program_is_closed_to_an_applicant_who_needs_a_visa() -> None:
    result = score(make_applicant(visa_need="j1"), citizens_only="yes")
    assert result.tier is Tier.NOT_ELIGIBLE
    assert "citizens" in result.hard_reasons[0]


def test_citizens_only_program_is_open_to_an_applicant_who_needs_no_visa() -> None:
    assert score(make_applicant(visa_need="none"), citizens_only="yes").eligible


def test_h1b_without_step3_is_ineligible_even_where_h1b_is_sponsored() -> None:
    result = score(make_applicant(visa_need="h1b", step3_passed=False), h1b_sponsored="yes")
    assert result.tier is Tier.NOT_ELIGIBLE
    assert any("Step 3" in reason for reason in result.hard_reasons)


def test_texas_programs_close_after_three_failed_attempts_on_a_step() -> None:
    applicant = make_applicant(step1_attempts=4)  # passed on the 4th sitting: 3 failures
    texas = score(applicant, state="TX")
    assert texas.tier is Tier.NOT_ELIGIBLE
    assert "155.056" in texas.hard_reasons[0]
    assert score(applicant, state="NM").eligible


def test_texas_stays_open_after_two_failed_attempts() -> None:
    assert score(make_applicant(step2_attempts=3), state="TX").eligible


def test_three_failed_attempts_on_an_unpassed_step_close_texas() -> None:
    applicant = make_applicant(step3_passed=False, step3_attempts=3)
    assert score(applicant, state="TX").tier is Tier.NOT_ELIGIBLE


def test_four_failed_attempts_on_a_step_end_eligibility_everywhere() -> None:
    applicant = make_applicant(step3_passed=False, step3_attempts=4)
    result = score(applicant, state="CA")
    assert result.tier is Tier.NOT_ELIGIBLE
    assert "attempt limit" in result.hard_reasons[0]


def test_strict_graduation_limit_is_a_gate() -> None:
    applicant = make_applicant(graduation_year=SEASON - 7)
    result = score(applicant, max_years_since_graduation=5,
                   max_years_since_graduation_strictness="strict")
    assert result.tier is Tier.NOT_ELIGIBLE
    assert "within 5 years" in result.hard_reasons[0]


def test_preferred_graduation_limit_is_a_penalty_not_a_gate() -> None:
    applicant = make_applicant(graduation_year=SEASON - 7)
    base = score(applicant)
    result = score(applicant, max_years_since_graduation=5,
                   max_years_since_graduation_strictness="preferred",
                   fact_years={"max_years_since_graduation": 2025})
    assert result.eligible
    penalty = [r for r in result.reasons if r.component == C_PREFERENCES]
    assert penalty[0].text.startswith(
        "Prefers graduation within 5 years; you graduated 7 years ago")
    assert penalty[0].points < 0
    assert result.score == base.score + penalty[0].points


def test_strict_step2_minimum_is_a_gate_and_preferred_is_a_penalty() -> None:
    applicant = make_applicant(step2_score=222)
    strict = score(applicant, min_step2_score=230, min_step2_strictness="strict")
    preferred = score(applicant, min_step2_score=230, min_step2_strictness="preferred")
    assert strict.tier is Tier.NOT_ELIGIBLE
    assert "at least 230; yours is 222" in strict.hard_reasons[0]
    assert preferred.eligible
    assert preferred.components[C_PREFERENCES] < 0


def test_step2_minimum_is_not_a_gate_while_step2_is_not_passed() -> None:
    applicant = make_applicant(step2_score=None, step2_attempts=0)
    result = score(applicant, min_step2_score=230, min_step2_strictness="strict")
    assert result.eligible
    assert any("230" in item for item in result.to_verify)


def test_strict_usce_minimum_is_a_gate() -> None:
    applicant = make_applicant(usce_hands_on_months=1, usce_observership_months=6)
    result = score(applicant, min_usce_months=2, min_usce_months_strictness="strict")
    assert result.tier is Tier.NOT_ELIGIBLE
    assert "you have 1" in result.hard_reasons[0]


def test_strict_usce_with_unknown_amount_excludes_only_applicants_without_hands_on_months() -> None:
    facts = dict(min_usce_months=None, min_usce_months_strictness="strict")
    none = score(make_applicant(usce_hands_on_months=0, usce_observership_months=3), **facts)
    some = score(make_applicant(usce_hands_on_months=1), **facts)
    assert none.tier is Tier.NOT_ELIGIBLE
    assert some.eligible
    assert any("does not say how much" in item for item in some.to_verify)


def test_first_attempt_only_excludes_an_applicant_with_a_failed_attempt() -> None:
    facts = dict(max_attempts_per_step=1, max_attempts_per_step_strictness="strict")
    assert score(make_applicant(step1_attempts=2), **facts).tier is Tier.NOT_ELIGIBLE
    assert score(make_applicant(), **facts).eligible


def test_max_attempts_limit_counts_failures_on_any_step() -> None:
    facts = dict(max_attempts_per_step=3, max_attempts_per_step_strictness="strict", state="CA")
    assert score(make_applicant(step2_attempts=3), **facts).eligible  # passed on the 3rd
    assert score(make_applicant(step2_attempts=4), **facts).tier is Tier.NOT_ELIGIBLE


def test_first_attempt_preference_costs_points_and_rules_out_tier1() -> None:
    applicant = make_applicant(step1_attempts=2)
    base = score(applicant)
    result = score(applicant, max_attempts_per_step=1,
                   max_attempts_per_step_strictness="preferred")
    assert result.eligible
    assert result.score < base.score
    assert result.tier <= Tier.TIER_2
    assert any("first attempt" in note for note in result.tier_notes)


def test_strict_step3_requirement_is_a_gate_and_preferred_is_a_penalty() -> None:
    strict = score(step3_required="yes", step3_strictness="strict")
    preferred = score(step3_required="yes", step3_strictness="preferred")
    assert strict.tier is Tier.NOT_ELIGIBLE
    assert preferred.eligible
    assert preferred.components[C_PREFERENCES] == -scoring.PENALTY_PREFERRED_STEP3
    passed = make_applicant(step3_passed=True, step3_attempts=1)
    assert score(passed, step3_required="yes", step3_strictness="strict").eligible


def test_a_requirement_without_stated_strictness_is_a_penalty_to_verify() -> None:
    result = score(make_applicant(graduation_year=SEASON - 8), max_years_since_graduation=5,
                   max_years_since_graduation_strictness="")
    assert result.eligible
    assert result.components[C_PREFERENCES] < 0
    assert any("not whether it is required" in item for item in result.to_verify)


def test_unknown_facts_are_never_a_gate() -> None:
    applicant = make_applicant(visa_need="j1", step1_attempts=3, graduation_year=SEASON - 12,
                               usce_hands_on_months=0)
    result = score(applicant, state="TX", setting="", j1_accepted="unknown",
                   h1b_sponsored="unknown", citizens_only="unknown", img_share_pct=None,
                   non_us_img_share_pct=None, step3_required="unknown", in_border_region=None,
                   border_distance_km=None, fact_years={})
    assert result.eligible


# ---------------------------------------------------------------------------------------------
# Components
# ---------------------------------------------------------------------------------------------


def test_reason_shows_signed_points_and_the_source_of_the_fact() -> None:
    result = score(specialty_code="140", acgme_id="1403900001", non_us_img_share_pct=24.0,
                   fact_years={"non_us_img_share_pct": 2021})
    img = next(r for r in result.reasons if r.component == C_IMG)
    assert img.display == ("+18 Non-US IMGs are 24% of residents here "
                           "(AAMC Residency Explorer, 2021)")


def test_penalty_reason_shows_negative_points() -> None:
    reason = Reason(component=C_PREFERENCES, points=-5.0, text="Prefers X")
    assert reason.display == "-5 Prefers X"


def test_img_friendliness_uses_the_better_share_of_one_year_then_all_img_then_setting() -> None:
    non_us = score(specialty_code="140", non_us_img_share_pct=20.0, img_share_pct=24.0)
    mostly_us_citizen_imgs = score(specialty_code="140", non_us_img_share_pct=20.0,
                                   img_share_pct=90.0)
    assert mostly_us_citizen_imgs.components[C_IMG] == 30.0  # 30 points x min(1, 90/60)
    all_img = score(specialty_code="140", non_us_img_share_pct=None, img_share_pct=30.0)
    setting = score(specialty_code="140", non_us_img_share_pct=None, img_share_pct=None,
                    setting="university_affiliated_community")
    assert non_us.components[C_IMG] == 15.0  # 30 points x 20/40
    assert all_img.components[C_IMG] == 15.0  # 30 points x 30/60
    assert setting.components[C_IMG] == 21.0  # 30 points x 0.7
    assert "not known" in next(r for r in all_img.reasons if r.component == C_IMG).text


def test_unknown_setting_and_share_count_as_the_lowest_proxy() -> None:
    unknown = score(specialty_code="140", non_us_img_share_pct=None, img_share_pct=None,
                    setting="")
    university = score(specialty_code="140", non_us_img_share_pct=None, img_share_pct=None,
                       setting="university")
    assert unknown.components[C_IMG] == university.components[C_IMG] == pytest.approx(9.9)


def test_higher_non_us_img_share_scores_higher() -> None:
    low = score(non_us_img_share_pct=10.0)
    high = score(non_us_img_share_pct=35.0)
    assert high.components[C_IMG] > low.components[C_IMG]
    assert high.score > low.score


def test_step2_is_compared_with_the_specialty_benchmark() -> None:
    applicant = make_applicant(step2_score=241)
    peds = score(applicant, specialty_code="320", acgme_id="3203900001")
    im = score(applicant, specialty_code="140", acgme_id="1403900001")
    assert peds.components[C_STEP2] > im.components[C_STEP2]
    assert step2_z(applicant=applicant, specialty_code="320") == 0
    assert step2_z(applicant=applicant, specialty_code="140") == pytest.approx((241 - 249) / 14)
    assert "Charting Outcomes" in next(r for r in im.reasons if r.component == C_STEP2).text


def test_family_medicine_step2_counts_less_because_it_does_not_separate_outcomes() -> None:
    top = make_applicant(step2_score=280)
    fm = score(top, specialty_code="120")
    im = score(top, specialty_code="140", acgme_id="1403900001")
    assert fm.components[C_STEP2] == scoring.WEIGHT_STEP2_NON_SEPARATING
    assert im.components[C_STEP2] == scoring.WEIGHT_STEP2
    assert not benchmark_for("120").separates
    assert benchmark_for("140").separates
    # The freed points go to IMG-friendliness (F9.29: lean on program IMG-friendliness).
    assert fm.components[C_IMG] == scoring.WEIGHT_IMG_NON_SEPARATING


def test_unknown_specialty_uses_the_pooled_fallback_benchmark() -> None:
    applicant = make_applicant(step2_score=248)
    assert step2_z(applicant=applicant, specialty_code="260") == 0
    result = score(applicant, specialty_code="260", acgme_id="2603900001")
    assert "no figure for this specialty" in next(
        r for r in result.reasons if r.component == C_STEP2).text


def test_specialty_code_is_taken_from_the_acgme_id_when_missing() -> None:
    applicant = make_applicant(step2_score=230)
    derived = score(applicant, specialty_code="", acgme_id="1403900001")
    given_code = score(applicant, specialty_code="140", acgme_id="1403900001")
    assert derived.components == given_code.components


def test_transitional_year_uses_the_aamc_placeholder_benchmark() -> None:
    assert benchmark_for("999").mean == 245
    assert benchmark_for("999").sd == 16.4


@pytest.mark.parametrize(("attempts", "points"), [
    ({}, 15.0),
    ({"step1_attempts": 2}, 6.0),
    ({"step1_attempts": 2, "step2_attempts": 2}, 0.0),
])
def test_attempts_component_is_full_then_forty_percent_then_zero(attempts, points) -> None:
    assert score(make_applicant(**attempts)).components[scoring.C_ATTEMPTS] == points


def test_visa_component_is_full_when_taken_and_half_when_unknown() -> None:
    applicant = make_applicant(visa_need="j1")
    assert score(applicant, j1_accepted="yes").components[scoring.C_VISA] == 10.0
    assert score(applicant, j1_accepted="unknown").components[scoring.C_VISA] == 5.0
    assert score(make_applicant(), j1_accepted="unknown").components[scoring.C_VISA] == 10.0


@pytest.mark.parametrize(("years", "points"), [(0, 10.0), (3, 10.0), (5, 7.0), (8, 3.0),
                                               (11, 0.0)])
def test_years_since_graduation_component_follows_stated_cutoffs(years, points) -> None:
    applicant = make_applicant(graduation_year=SEASON - years)
    assert score(applicant).components[scoring.C_YOG] == points


@pytest.mark.parametrize(("hands_on", "observership", "letters", "points"), [
    (3, 0, 1, 10.0), (3, 0, 0, 8.0), (2, 0, 1, 7.6), (1, 0, 1, 6.0), (0, 4, 1, 4.4),
    (0, 0, 0, 0.0),
])
def test_usce_component_rewards_hands_on_months_and_a_us_letter(hands_on, observership, letters,
                                                                 points) -> None:
    applicant = make_applicant(usce_hands_on_months=hands_on,
                               usce_observership_months=observership, us_letters=letters)
    assert score(applicant).components[scoring.C_USCE] == pytest.approx(points)


def test_border_mission_fit_applies_only_in_the_border_region() -> None:
    applicant = make_applicant(spanish_level="native", usce_border_months=3,
                               border_or_underserved_projects=True)
    inside = score(applicant, in_border_region=True, border_distance_km=6.0, state="TX")
    outside = score(applicant)
    assert inside.components[C_BORDER] == scoring.WEIGHT_BORDER
    assert outside.components[C_BORDER] == 0.0
    assert not any(r.component == C_BORDER for r in outside.reasons)


def test_border_mission_fit_rises_with_spanish_border_experience_and_projects() -> None:
    def fit(**changes) -> float:
        return score(make_applicant(**changes), in_border_region=True).components[C_BORDER]

    assert fit() == 0.0
    assert fit(spanish_level="basic") < fit(spanish_level="intermediate") < fit(
        spanish_level="advanced") < fit(spanish_level="native")
    assert fit(usce_border_months=1) < fit(usce_border_months=3)
    assert fit(border_or_underserved_projects=True) > fit()


def test_border_mission_fit_says_what_it_is() -> None:
    result = score(make_applicant(spanish_level="native"), in_border_region=True)
    text = next(r for r in result.reasons if r.component == C_BORDER).text
    assert "Border mission fit" in text
    assert "not a better chance of matching" in text


def test_border_region_is_derived_from_the_distance_when_the_flag_is_missing() -> None:
    applicant = make_applicant(spanish_level="native")
    near = score(applicant, in_border_region=None, border_distance_km=63.0)
    far = score(applicant, in_border_region=None, border_distance_km=187.0)
    assert near.components[C_BORDER] > 0
    assert far.components[C_BORDER] == 0


def test_components_add_up_to_the_score() -> None:
    applicant = make_applicant(spanish_level="advanced", graduation_year=SEASON - 6)
    result = score(applicant, in_border_region=True, max_years_since_graduation=5,
                   max_years_since_graduation_strictness="preferred", non_us_img_share_pct=20.0)
    assert set(result.components) == set(COMPONENTS)
    assert round(sum(result.components.values())) == result.score
    assert sum(r.points for r in result.reasons) == pytest.approx(sum(result.components.values()))


def test_research_is_not_scored() -> None:
    assert score(make_applicant(research_experiences=0)).score == score(
        make_applicant(research_experiences=9)).score


# ---------------------------------------------------------------------------------------------
# Tiers
# ---------------------------------------------------------------------------------------------


def test_a_better_tier_compares_as_greater() -> None:
    assert Tier.TIER_1 > Tier.TIER_2 > Tier.TIER_3 > Tier.NOT_ELIGIBLE
    assert sorted([Tier.TIER_3, Tier.NOT_ELIGIBLE, Tier.TIER_1, Tier.TIER_2], reverse=True) == [
        Tier.TIER_1, Tier.TIER_2, Tier.TIER_3, Tier.NOT_ELIGIBLE]
    assert Tier.TIER_1.label.startswith("Tier 1")
    assert (Tier.TIER_2.number, Tier.NOT_ELIGIBLE.number) == (2, None)


def test_an_img_friendly_program_with_known_facts_can_be_tier1() -> None:
    result = score(make_applicant(visa_need="j1", step2_score=235))
    assert result.tier is Tier.TIER_1
    assert result.tier_notes == ()


def test_unknown_visa_policy_caps_at_tier2_and_says_what_to_verify() -> None:
    result = score(make_applicant(visa_need="j1", step2_score=235), j1_accepted="unknown")
    assert result.tier is Tier.TIER_2
    assert "Visa policy unknown: ask the program whether it takes J-1 visas" in result.to_verify


def test_unknown_img_share_caps_at_tier2() -> None:
    result = score(make_applicant(step2_score=235), non_us_img_share_pct=None, img_share_pct=None)
    assert result.tier is Tier.TIER_2
    assert any("IMG residents unknown" in item for item in result.to_verify)


def test_an_unknown_visa_policy_does_not_matter_without_a_visa_need() -> None:
    result = score(make_applicant(visa_need="none", step2_score=235), j1_accepted="unknown",
                   h1b_sponsored="unknown")
    assert result.tier is Tier.TIER_1


def test_university_program_with_a_low_img_share_is_a_reach() -> None:
    result = score(make_applicant(step2_score=249), specialty_code="140", acgme_id="1403900001",
                   setting="university", non_us_img_share_pct=8.0)
    assert result.tier is Tier.TIER_3


def test_tier1_needs_step2_near_the_benchmark_only_where_the_program_screens_higher() -> None:
    facts = dict(specialty_code="140", acgme_id="1403900001")
    assert score(make_applicant(step2_score=242), **facts).tier is Tier.TIER_1  # z = -0.5
    # Below the floor: still Tier 1 at an IMG-heavy program that states no higher bar (issue
    # 23), Tier 2 where residents score a full SD above the applicant (241 + 14 <= 256).
    assert score(make_applicant(step2_score=241), **facts).tier is Tier.TIER_1
    below = score(make_applicant(step2_score=230), **facts, step_score_band="above_245")
    assert below.tier is Tier.TIER_2
    assert any("averaged more than 245 on USMLE Step 1" in note for note in below.tier_notes)


def test_family_medicine_tier1_does_not_require_step2_within_half_an_sd() -> None:
    applicant = make_applicant(step2_score=222)  # z = -0.75 in FM
    assert score(applicant).tier is Tier.TIER_1
    assert score(make_applicant(step2_score=218)).tier is Tier.TIER_1  # z = -1.08: no higher bar
    # z = -1.08 where residents averaged 236-245 (236 >= 218 + 12): the floor holds.
    assert score(make_applicant(step2_score=218), step_score_band="236_245").tier is Tier.TIER_2


def test_step2_far_below_benchmark_is_a_reach_unless_the_program_is_img_heavy() -> None:
    applicant = make_applicant(step2_score=222)  # IM z = -1.9
    heavy = score(applicant, specialty_code="140", acgme_id="1403900001")
    light = score(applicant, specialty_code="140", acgme_id="1403900001",
                  non_us_img_share_pct=20.0)
    assert heavy.tier is Tier.TIER_1  # IMG-heavy and no higher bar stated (issue 23)
    assert light.tier is Tier.TIER_3


def test_step2_more_than_two_sd_below_is_a_reach_everywhere() -> None:
    result = score(make_applicant(step2_score=218), specialty_code="440", acgme_id="4403900001")
    assert result.tier is Tier.TIER_3


def test_step2_not_passed_is_at_best_tier3() -> None:
    result = score(make_applicant(step2_score=None, step2_attempts=0))
    assert result.tier is Tier.TIER_3
    assert result.components[C_STEP2] == 0


def test_score_thresholds_decide_the_tier_when_nothing_caps_it(monkeypatch) -> None:
    result = score(make_applicant(step2_score=235))
    monkeypatch.setattr(scoring.tiers, "TIER1_MIN_SCORE", result.score + 1)
    assert score(make_applicant(step2_score=235)).tier is Tier.TIER_2
    monkeypatch.setattr(scoring.tiers, "TIER2_MIN_SCORE", result.score + 1)
    assert score(make_applicant(step2_score=235)).tier is Tier.TIER_3


# ---------------------------------------------------------------------------------------------
# Confidence
# ---------------------------------------------------------------------------------------------


def test_confidence_is_high_when_the_facts_are_known_and_recent() -> None:
    result = score(make_applicant(visa_need="j1"))
    assert result.confidence == 1.0
    assert result.confidence_label == "high"


def test_confidence_falls_when_the_visa_policy_is_unknown() -> None:
    applicant = make_applicant(visa_need="j1")
    assert score(applicant, j1_accepted="unknown").confidence < score(applicant).confidence


def test_confidence_falls_when_the_img_share_is_unknown() -> None:
    known = score()
    all_img_only = score(non_us_img_share_pct=None)
    setting_only = score(non_us_img_share_pct=None, img_share_pct=None)
    nothing = score(non_us_img_share_pct=None, img_share_pct=None, setting="")
    assert known.confidence > all_img_only.confidence > setting_only.confidence
    assert setting_only.confidence > nothing.confidence


def test_confidence_falls_as_facts_get_older() -> None:
    applicant = make_applicant(visa_need="j1")

    def confidence(year: int | None) -> float:
        years = {"j1_accepted": year, "non_us_img_share_pct": year}
        return score(applicant, fact_years=years).confidence

    assert confidence(2025) > confidence(2022) > confidence(2019)
    assert confidence(None) < confidence(2025)


def test_an_old_visa_policy_goes_on_the_verify_list() -> None:
    result = score(make_applicant(visa_need="j1"), fact_years={"j1_accepted": 2021})
    assert any("from 2021" in item for item in result.to_verify)


def test_confidence_label_is_low_when_visa_and_share_are_unknown_and_old() -> None:
    result = score(make_applicant(visa_need="j1"), j1_accepted="unknown",
                   non_us_img_share_pct=None, img_share_pct=None, setting="",
                   in_border_region=None, border_distance_km=None, specialty_code="260",
                   acgme_id="2603900001")
    assert result.confidence_label == "low"
    assert 0 <= result.confidence < scoring.CONFIDENCE_MEDIUM


# ---------------------------------------------------------------------------------------------
# Suggestions
# ---------------------------------------------------------------------------------------------


def test_a_step3_pass_is_suggested_to_an_applicant_who_needs_h1b() -> None:
    applicant = make_applicant(visa_need="h1b", step3_passed=False, step3_attempts=0)
    suggestion = suggest_improvement(applicant=applicant, program=make_program())
    assert suggestion is not None
    assert suggestion.change == "step3_pass"
    assert suggestion.current_tier is Tier.NOT_ELIGIBLE
    assert suggestion.text == f"A Step 3 pass would make this Tier {suggestion.new_tier.number}"


def test_months_of_hands_on_usce_are_suggested_to_meet_a_stated_minimum() -> None:
    applicant = make_applicant(usce_hands_on_months=1)
    program = make_program(min_usce_months=4, min_usce_months_strictness="strict")
    suggestion = suggest_improvement(applicant=applicant, program=program)
    assert suggestion is not None
    assert (suggestion.change, suggestion.amount) == ("usce_hands_on", 3)
    assert suggestion.text == ("3 more months of hands-on US clinical experience would make "
                               "this Tier 1")
    assert suggestion.changed_applicant.usce_hands_on_months == 4


def test_a_passed_step2_score_is_never_suggested_to_rise() -> None:
    applicant = make_applicant(step2_score=222)  # IM: Tier 2, held back by Step 2 where
    # residents averaged 236-245 (236 >= 222 + 14)
    program = make_program(specialty_code="140", acgme_id="1403900001",
                           step_score_band="236_245")
    assert score_program(applicant=applicant, program=program).tier is Tier.TIER_2
    suggestion = suggest_improvement(applicant=applicant, program=program)
    assert suggestion is None or suggestion.changed_applicant.step2_score == 222


def test_a_step2_target_is_suggested_while_step2_is_not_passed() -> None:
    applicant = make_applicant(step2_score=None, step2_attempts=0)
    suggestion = suggest_improvement(applicant=applicant, program=make_program())
    assert suggestion is not None
    assert suggestion.change == "step2_target"
    assert suggestion.text == f"A Step 2 CK of {suggestion.amount} or more would make this Tier 1"
    assert suggestion.amount == scoring.STEP2_PASSING_SCORE


def test_spanish_one_level_up_is_suggested_where_border_fit_decides_the_tier() -> None:
    # Clinical experience is already full, so the next attainable change is Spanish.
    applicant = make_applicant(step2_score=222, step1_attempts=3, graduation_year=SEASON - 11,
                               usce_hands_on_months=3, usce_border_months=3, us_letters=1,
                               spanish_level="basic")
    program = make_program(in_border_region=True, non_us_img_share_pct=13.8)
    assert score_program(applicant=applicant, program=program).tier is Tier.TIER_3
    suggestion = suggest_improvement(applicant=applicant, program=program)
    assert suggestion is not None
    assert suggestion.change == "spanish"
    assert suggestion.text == ("Improving your Spanish from basic to intermediate would make "
                               "this Tier 2")


def test_nothing_is_suggested_when_the_program_refuses_the_visa() -> None:
    applicant = make_applicant(visa_need="j1")
    assert suggest_improvement(applicant=applicant, program=make_program(j1_accepted="no")) is None


def test_nothing_is_suggested_for_a_tier1_program() -> None:
    assert suggest_improvement(applicant=make_applicant(), program=make_program()) is None


# ---------------------------------------------------------------------------------------------
# Warnings that are not per-program gates
# ---------------------------------------------------------------------------------------------


def test_ecfmg_certification_deadline_is_a_global_warning() -> None:
    warnings = applicant_warnings(applicant=make_applicant(ecfmg_certified=False))
    assert any("rank-order-list deadline" in w for w in warnings)
    assert not any("rank-order-list deadline" in w
                   for w in applicant_warnings(applicant=make_applicant()))


def test_warnings_cover_step3_for_h1b_and_texas_attempts() -> None:
    warnings = applicant_warnings(applicant=make_applicant(visa_need="h1b", step1_attempts=4))
    assert any("H-1B" in w and "Step 3" in w for w in warnings)
    assert any("Texas" in w for w in warnings)


# ---------------------------------------------------------------------------------------------
# The acceptance persona against hand-built programs like the real border programs
# ---------------------------------------------------------------------------------------------

PERSONA = Applicant(
    step1_passed=True, step1_attempts=1, step2_score=222, step2_attempts=1,
    step3_passed=False, step3_attempts=0, graduation_year=SEASON - 2, visa_need="j1",
    ecfmg_certified=True, usce_hands_on_months=3, usce_observership_months=0,
    usce_border_months=3, us_letters=1, research_experiences=0,
    border_or_underserved_projects=False, spanish_level="native", as_of_year=SEASON,
)

BORDER_CATALOG = [
    # Community FM in El Paso: takes ECFMG J-1, known high non-US IMG share.
    make_program(acgme_id="1204800101", name="El Paso community FM", state="TX",
                 in_border_region=True, border_distance_km=6.0, setting="community",
                 j1_accepted="yes", h1b_sponsored="no", non_us_img_share_pct=45.0,
                 max_years_since_graduation=10, max_years_since_graduation_strictness="strict",
                 max_attempts_per_step=1, max_attempts_per_step_strictness="preferred",
                 min_usce_months=12, min_usce_months_strictness="preferred",
                 fact_years={"j1_accepted": 2025, "non_us_img_share_pct": 2021}),
    # Community IM in the Rio Grande Valley: J-1 yes, IMG-heavy.
    make_program(acgme_id="1404800102", name="RGV community IM", specialty_code="140",
                 state="TX", in_border_region=True, border_distance_km=31.0,
                 j1_accepted="yes", non_us_img_share_pct=50.0),
    # An El Paso IM program whose FAQ answered "Does the program sponsor J1 visas? No."
    make_program(acgme_id="1404800103", name="El Paso IM, no J-1", specialty_code="140",
                 state="TX", in_border_region=True, border_distance_km=6.0,
                 setting="university", j1_accepted="no", non_us_img_share_pct=30.0),
    # McAllen consortium: US citizens or permanent residents only.
    make_program(acgme_id="1404800015", name="McAllen IM, citizens only", specialty_code="140",
                 state="TX", in_border_region=True, border_distance_km=15.0,
                 citizens_only="yes", j1_accepted="no", non_us_img_share_pct=None,
                 max_attempts_per_step=3, max_attempts_per_step_strictness="strict"),
    # University IM far from the border, takes J-1, few non-US IMGs.
    make_program(acgme_id="1402500104", name="Boston university IM", specialty_code="140",
                 state="MA", in_border_region=False, border_distance_km=3000.0,
                 setting="university", j1_accepted="yes", non_us_img_share_pct=6.0),
    # Laredo FM: visa policy not found.
    make_program(acgme_id="1204800105", name="Laredo FM", state="TX", in_border_region=True,
                 border_distance_km=3.0, j1_accepted="unknown", non_us_img_share_pct=None,
                 img_share_pct=None),
    # University pediatrics in El Paso: takes ECFMG J-1, IMG share not published.
    make_program(acgme_id="3204800106", name="El Paso university Peds", specialty_code="320",
                 state="TX", in_border_region=True, border_distance_km=6.0,
                 setting="university", j1_accepted="yes", non_us_img_share_pct=None,
                 img_share_pct=None),
    # Psychiatry in El Paso: "sponsors J-1 visas only".
    make_program(acgme_id="4004800107", name="El Paso Psychiatry", specialty_code="400",
                 state="TX", in_border_region=True, border_distance_km=6.0,
                 setting="university", j1_accepted="yes", h1b_sponsored="no",
                 non_us_img_share_pct=None, img_share_pct=None),
]


def _persona_results() -> dict[str, ProgramResult]:
    results = score_programs(applicant=PERSONA, programs=BORDER_CATALOG)
    return {p.name: r for p, r in zip(BORDER_CATALOG, results, strict=True)}


def test_persona_tier1_holds_border_programs_that_take_j1() -> None:
    results = _persona_results()
    tier1 = [p for p in BORDER_CATALOG if results[p.name].tier is Tier.TIER_1]
    assert tier1, "Tier 1 must not be empty for the acceptance persona"
    assert any(p.in_border_region and p.j1_accepted == "yes" for p in tier1)
    assert results["El Paso community FM"].tier is Tier.TIER_1


def test_persona_never_sees_a_program_that_refuses_j1_in_tiers_1_to_3() -> None:
    results = _persona_results()
    for program in BORDER_CATALOG:
        refuses = program.j1_accepted == "no" or program.citizens_only == "yes"
        if refuses:
            assert results[program.name].tier is Tier.NOT_ELIGIBLE, program.name


def test_persona_university_im_far_from_the_border_stays_a_reach() -> None:
    assert _persona_results()["Boston university IM"].tier is Tier.TIER_3


def test_persona_programs_with_unknown_visa_or_share_are_at_best_tier2() -> None:
    results = _persona_results()
    laredo = results["Laredo FM"]
    assert laredo.tier is Tier.TIER_2
    assert "Visa policy unknown: ask the program whether it takes J-1 visas" in laredo.to_verify
    assert results["El Paso university Peds"].tier <= Tier.TIER_2


def test_persona_community_im_with_a_222_is_tier1_where_nothing_says_it_screens_higher() -> None:
    assert _persona_results()["RGV community IM"].tier is Tier.TIER_1


# ---------------------------------------------------------------------------------------------
# Properties
# ---------------------------------------------------------------------------------------------

TRI = st.sampled_from(["yes", "no", "unknown"])
STRICTNESS = st.sampled_from(["strict", "preferred", ""])
CODES = st.sampled_from(["140", "120", "320", "400", "999", "180", "300", "440", "110", "220",
                         "040", "420", "340", "185", "260", "080"])


@st.composite
def applicants(draw) -> Applicant:
    step2 = draw(st.one_of(st.none(), st.integers(200, 290)))
    hands_on = draw(st.integers(0, 24))
    observership = draw(st.integers(0, 12))
    return Applicant(
        step1_passed=draw(st.booleans()), step1_attempts=draw(st.integers(0, 4)),
        step2_score=step2, step2_attempts=draw(st.integers(0, 4)),
        step3_passed=draw(st.booleans()), step3_attempts=draw(st.integers(0, 4)),
        graduation_year=draw(st.integers(SEASON - 25, SEASON)),
        visa_need=draw(st.sampled_from(["j1", "h1b", "none"])),
        ecfmg_certified=draw(st.booleans()), usce_hands_on_months=hands_on,
        usce_observership_months=observership,
        usce_border_months=draw(st.integers(0, hands_on + observership)),
        us_letters=draw(st.integers(0, 5)), research_experiences=draw(st.integers(0, 10)),
        border_or_underserved_projects=draw(st.booleans()),
        spanish_level=draw(st.sampled_from(scoring.SPANISH_LEVELS)), as_of_year=SEASON,
    )


@st.composite
def programs(draw) -> ProgramFacts:
    code = draw(CODES)
    year = st.one_of(st.none(), st.integers(2015, SEASON))
    keys = ["j1_accepted", "h1b_sponsored", "non_us_img_share_pct", "img_share_pct", "setting"]
    return ProgramFacts(
        acgme_id=f"{code}{draw(st.integers(0, 9_999_999)):07d}", name="P",
        specialty_code=draw(st.sampled_from([code, ""])),
        state=draw(st.sampled_from(["TX", "NM", "AZ", "CA", "NY"])),
        in_border_region=draw(st.one_of(st.none(), st.booleans())),
        border_distance_km=draw(st.one_of(st.none(), st.floats(0, 4000))),
        setting=draw(st.sampled_from(sorted(scoring.SETTINGS))),
        j1_accepted=draw(TRI), h1b_sponsored=draw(TRI), citizens_only=draw(TRI),
        img_share_pct=draw(st.one_of(st.none(), st.floats(0, 100))),
        non_us_img_share_pct=draw(st.one_of(st.none(), st.floats(0, 100))),
        min_step2_score=draw(st.one_of(st.none(), st.integers(200, 260))),
        min_step2_strictness=draw(STRICTNESS),
        max_years_since_graduation=draw(st.one_of(st.none(), st.integers(1, 15))),
        max_years_since_graduation_strictness=draw(STRICTNESS),
        max_attempts_per_step=draw(st.one_of(st.none(), st.integers(1, 4))),
        max_attempts_per_step_strictness=draw(STRICTNESS),
        min_usce_months=draw(st.one_of(st.none(), st.integers(0, 12))),
        min_usce_months_strictness=draw(STRICTNESS),
        step3_required=draw(TRI), step3_strictness=draw(STRICTNESS),
        fact_years={key: draw(year) for key in keys},
    )


@settings(max_examples=300, deadline=None)
@given(applicant=applicants(), program=programs(), score=st.integers(200, 290),
       raise_by=st.integers(1, 60))
def test_a_higher_step2_score_never_moves_a_program_to_a_worse_tier(
        applicant, program, score, raise_by) -> None:
    lower = dataclasses.replace(applicant, step2_score=score)
    higher = dataclasses.replace(applicant, step2_score=min(300, score + raise_by))
    before = score_program(applicant=lower, program=program)
    after = score_program(applicant=higher, program=program)
    assert after.tier >= before.tier


@settings(max_examples=200, deadline=None)
@given(applicant=applicants(), program=programs(), score=st.integers(200, 290))
def test_passing_step2_with_a_score_the_program_accepts_never_moves_it_to_a_worse_tier(
        applicant, program, score) -> None:
    # A strict minimum cannot be checked while Step 2 CK is not passed (unknown is never a
    # gate), so passing *below* it may close the program; any other pass never hurts.
    if program.min_step2_score is not None:
        score = max(score, program.min_step2_score)
    not_passed = dataclasses.replace(applicant, step2_score=None)
    passed = dataclasses.replace(applicant, step2_score=score)
    before = score_program(applicant=not_passed, program=program)
    after = score_program(applicant=passed, program=program)
    assert after.tier >= before.tier


@settings(max_examples=300, deadline=None)
@given(applicant=applicants(), program=programs(), step=st.sampled_from([1, 2, 3]))
def test_an_extra_failed_attempt_never_moves_a_program_to_a_better_tier(
        applicant, program, step) -> None:
    field = f"step{step}_attempts"
    attempts = getattr(applicant, field)
    passed = {1: applicant.step1_passed, 2: applicant.step2_score is not None,
              3: applicant.step3_passed}[step]
    if attempts >= 4 or (passed and attempts == 0):
        return  # no room for one more sitting / not a valid history to add a failure to
    worse = dataclasses.replace(applicant, **{field: attempts + 1})
    assert sum(scoring.failed_attempts(worse)) == sum(scoring.failed_attempts(applicant)) + 1
    before = score_program(applicant=applicant, program=program)
    after = score_program(applicant=worse, program=program)
    assert after.tier <= before.tier


@settings(max_examples=300, deadline=None)
@given(applicant=applicants(), program=programs())
def test_a_current_visa_mismatch_closes_the_program_and_a_stale_one_caps_it_at_tier_3(
        applicant, program) -> None:
    need = applicant.visa_need
    facts = [
        key for key, refuses in (
            ("j1_accepted", need == "j1" and program.j1_accepted == "no"),
            ("h1b_sponsored", need == "h1b" and program.h1b_sponsored == "no"),
            ("citizens_only", need != "none" and program.citizens_only == "yes"),
        ) if refuses
    ]
    years = [program.fact_years.get(key) for key in facts]
    result = score_program(applicant=applicant, program=program)
    if any(year is None or SEASON - year < scoring.STALE_AFTER_SEASONS for year in years):
        assert result.tier is Tier.NOT_ELIGIBLE
        assert not result.eligible
    elif facts:
        assert result.tier <= Tier.TIER_3
        assert any(item.startswith("Check first") for item in result.to_verify)


@settings(max_examples=200, deadline=None)
@given(applicant=applicants(), program=programs())
def test_results_stay_in_range_and_unknowns_cap_at_tier2(applicant, program) -> None:
    result = score_program(applicant=applicant, program=program)
    assert 0 <= result.score <= 100
    assert 0 <= result.confidence <= 1
    assert result.confidence_label in {"high", "medium", "low"}
    assert result.eligible == (result.tier is not Tier.NOT_ELIGIBLE)
    assert bool(result.hard_reasons) == (not result.eligible)
    visa = {"j1": program.j1_accepted, "h1b": program.h1b_sponsored}.get(applicant.visa_need)
    share_unknown = program.non_us_img_share_pct is None and program.img_share_pct is None
    if visa == "unknown" or share_unknown:
        assert result.tier <= Tier.TIER_2


@settings(max_examples=100, deadline=None)
@given(applicant=applicants(), program=programs())
def test_suggestions_improve_the_tier_and_change_only_what_can_change(applicant,
                                                                      program) -> None:
    suggestion = suggest_improvement(applicant=applicant, program=program)
    if suggestion is None:
        return
    changed = suggestion.changed_applicant
    assert suggestion.new_tier > suggestion.current_tier
    assert score_program(applicant=changed, program=program).tier is suggestion.new_tier
    assert changed.graduation_year == applicant.graduation_year
    assert changed.visa_need == applicant.visa_need
    if applicant.step2_score is not None:
        assert changed.step2_score == applicant.step2_score
    assert scoring.failed_attempts(changed) == scoring.failed_attempts(applicant)


def _reference_suggestion(applicant: Applicant, program: ProgramFacts):
    """Plain search over every candidate, in attainability order, with no shortcuts."""
    current = score_program(applicant=applicant, program=program).tier
    if current is Tier.TIER_1:
        return None
    replace = dataclasses.replace
    candidates = []
    if not applicant.step3_passed and applicant.step3_attempts < 4:
        candidates.append(("step3_pass", None, replace(
            applicant, step3_passed=True, step3_attempts=applicant.step3_attempts + 1)))
    candidates += [("usce_hands_on", m, replace(
        applicant, usce_hands_on_months=applicant.usce_hands_on_months + m)) for m in range(1, 13)]
    candidates += [("usce_border", m, replace(
        applicant, usce_hands_on_months=applicant.usce_hands_on_months + m,
        usce_border_months=applicant.usce_border_months + m)) for m in range(1, 13)]
    levels = scoring.SPANISH_LEVELS
    if applicant.spanish_level != levels[-1]:
        candidates.append(("spanish", None, replace(
            applicant, spanish_level=levels[levels.index(applicant.spanish_level) + 1])))
    candidates += [("us_letters", n, replace(applicant, us_letters=applicant.us_letters + n))
                   for n in range(1, 4)]
    if applicant.step2_score is None and applicant.step2_attempts < 4:
        candidates += [("step2_target", t, replace(
            applicant, step2_score=t, step2_attempts=applicant.step2_attempts + 1))
            for t in range(scoring.STEP2_PASSING_SCORE, scoring.STEP2_HIGHEST_TARGET + 1)]
    for change, amount, changed in candidates:
        if score_program(applicant=changed, program=program).tier > current:
            return change, amount
    return None


@settings(max_examples=150, deadline=None)
@given(applicant=applicants(), program=programs())
def test_the_suggestion_is_the_first_attainable_change_a_plain_search_finds(applicant,
                                                                            program) -> None:
    suggestion = suggest_improvement(applicant=applicant, program=program)
    found = None if suggestion is None else (suggestion.change, suggestion.amount)
    assert found == _reference_suggestion(applicant, program)


def test_suggestions_for_many_programs_match_one_by_one() -> None:
    applicant = make_applicant(visa_need="h1b", step3_passed=False, usce_hands_on_months=1)
    catalog = [make_program(), make_program(min_usce_months=3, min_usce_months_strictness="strict"),
               make_program(h1b_sponsored="no")]
    assert suggest_improvements(applicant=applicant, programs=catalog) == [
        suggest_improvement(applicant=applicant, program=p) for p in catalog]


# ---------------------------------------------------------------------------------------------
# Results are ordinary frozen dataclasses, and the whole catalog scores quickly
# ---------------------------------------------------------------------------------------------


def test_results_are_frozen_and_equal_to_a_constructed_copy() -> None:
    result = score(make_applicant(visa_need="j1"), j1_accepted="unknown")
    assert dataclasses.replace(result) == result
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.score = 1  # type: ignore[misc]


def test_invalid_inputs_are_rejected() -> None:
    with pytest.raises(ValueError):
        make_applicant(visa_need="f1")
    with pytest.raises(ValueError):
        make_applicant(step1_attempts=5)
    with pytest.raises(ValueError):
        make_program(j1_accepted="maybe")


def test_a_newer_total_share_decides_over_an_older_non_us_share_and_says_so() -> None:
    result = score(specialty_code="140", non_us_img_share_pct=21.0, img_share_pct=64.4,
                   fact_years={"non_us_img_share_pct": 2021, "img_share_pct": 2025,
                               "j1_accepted": 2025},
                   fact_sources={"non_us_img_share_pct": "AAMC Residency Explorer",
                                 "img_share_pct": "AMA FREIDA"})
    reason = next(r for r in result.reasons if r.component == C_IMG)
    assert reason.text.startswith("IMGs are 64% of residents here (AMA FREIDA, 2025)")
    assert "from 2021, too old to combine" in reason.text
    assert reason.points == 30.0


def test_an_older_non_us_share_above_a_newer_total_is_never_judged() -> None:
    result = score(specialty_code="140", non_us_img_share_pct=40.0, img_share_pct=20.0,
                   fact_years={"non_us_img_share_pct": 2021, "img_share_pct": 2025})
    texts = [r.text for r in result.reasons] + list(result.tier_notes)
    assert not any("Non-US IMGs are 40%" in t or "non-US IMGs are 40%" in t for t in texts)
    assert any("IMGs are 20% of residents here (2025)" in t for t in result.tier_notes)


def test_a_stale_visa_no_caps_at_tier_3_and_is_checked_first() -> None:
    applicant = make_applicant(visa_need="j1")
    stale = score(applicant, j1_accepted="no", fact_years={"j1_accepted": 2021})
    current = score(applicant, j1_accepted="no", fact_years={"j1_accepted": 2025})
    assert stale.eligible and stale.tier is Tier.TIER_3
    assert stale.to_verify[0].startswith("Check first: does not take J-1 visas (2021)")
    assert "1 in 8" in stale.to_verify[0]
    assert current.tier is Tier.NOT_ELIGIBLE


def test_an_armed_forces_program_is_closed_to_everyone_but_us_citizens() -> None:
    for citizenship, visa in (("needs_visa", "j1"), ("permanent_resident", "none")):
        applicant = make_applicant(citizenship=citizenship, visa_need=visa)
        result = score(applicant, armed_forces="yes")
        assert result.tier is Tier.NOT_ELIGIBLE
        assert "10 U.S.C. 532(a)(1)" in result.hard_reasons[0]
    assert score(make_applicant(citizenship="us_citizen"), armed_forces="yes").eligible


def test_a_conflict_on_the_needed_visa_is_scored_as_unknown_to_verify() -> None:
    result = score(make_applicant(visa_need="j1"), j1_accepted="yes", conflicts={
        "j1_accepted": ("yes (the program's website)", "no (the program's website)")})
    assert result.tier <= Tier.TIER_2
    assert result.components[scoring.C_VISA] == 5.0
    assert any(t.startswith("The sources disagree on the J-1 policy") for t in result.to_verify)


def test_a_check_first_note_quotes_the_j1_rate_only_for_j1_and_says_when_it_is_from_im() -> None:
    j1 = make_applicant(visa_need="j1", step3_passed=True, step3_attempts=1)
    h1b = make_applicant(visa_need="h1b", step3_passed=True, step3_attempts=1)
    im = score(j1, acgme_id="1404800001", specialty_code="140", j1_accepted="no",
               fact_years={"j1_accepted": 2021})
    fm = score(j1, acgme_id="1204800001", specialty_code="120", j1_accepted="no",
               fact_years={"j1_accepted": 2021})
    fm_h1b = score(h1b, acgme_id="1204800001", specialty_code="120", h1b_sponsored="no",
                   fact_years={"h1b_sponsored": 2021})
    assert "51 of 407 Internal Medicine programs" in im.to_verify[0]
    assert "only specialty measured (not this one)" in fm.to_verify[0]
    assert fm_h1b.to_verify[0].startswith("Check first: does not sponsor H-1B visas (2021)")
    assert "J-1" not in fm_h1b.to_verify[0] and "Internal Medicine" not in fm_h1b.to_verify[0]


def test_an_old_visa_no_is_not_called_an_unknown_policy() -> None:
    applicant = make_applicant(visa_need="j1")
    stale = score(applicant, j1_accepted="no", fact_years={"j1_accepted": 2021})
    unknown = score(applicant, j1_accepted="unknown")
    assert not any("visa policy is unknown" in note for note in stale.tier_notes)
    assert any("J-1 'no' in 2021" in note for note in stale.tier_notes)
    assert any("too old to rely on" in reason.text for reason in stale.reasons)
    assert any("visa policy is unknown" in note for note in unknown.tier_notes)
