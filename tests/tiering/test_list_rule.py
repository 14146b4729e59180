"""Tiers relative to the applicant and the list's rule (issue 23), on hand-built programs: the
Step 2 CK gap lowers a tier only where the program screens higher and is its own signal; no
program with under 5% IMGs by the rule; mission first; each specialty's share; ties by what
matters, spread across states, never by id."""

from __future__ import annotations

import pytest

from tests.tiering.test_scoring import make_applicant, make_program
from tiering import scoring, selection
from tiering.scoring import Tier
from tiering.scoring.few_imgs import few_imgs_note
from tiering.scoring.gap import list_z, score_gaps, specialty_weights

EXAMPLE = dict(step2_score=222, visa_need="j1", spanish_level="native", usce_border_months=3)


def im(**changes):
    """An IMG-heavy community Internal Medicine program that takes the J-1 (2025)."""
    return make_program(**{"acgme_id": "1404800001", "name": "Valley IM", "specialty_code": "140",
                           "state": "TX", "non_us_img_share_pct": 60.0, **changes})


def tier_of(program) -> tuple[Tier, tuple[str, ...]]:
    result = scoring.score_program(applicant=make_applicant(**EXAMPLE), program=program)
    return result.tier, result.tier_notes


# --- the Step 2 CK gap --------------------------------------------------------------------------


def test_a_low_score_is_tier_1_at_an_img_heavy_program_that_states_no_higher_bar() -> None:
    tier, notes = tier_of(im())

    assert tier is Tier.TIER_1, notes


def test_a_stated_minimum_above_the_score_holds_the_program_at_tier_2_and_says_so() -> None:
    tier, notes = tier_of(im(min_step2_score=230, min_step2_strictness="preferred"))

    assert tier is Tier.TIER_2
    assert notes[0].startswith("Tier 2 at best: the program states a Step 2 CK of 230")


def test_residents_scoring_a_full_sd_above_the_applicant_hold_the_program_at_tier_2() -> None:
    # IM's matched non-US IMGs: SD 14, so 222 + 14 = 236: the 236-245 band screens higher,
    # the 226-235 band does not.
    high, notes = tier_of(im(step_score_band="236_245",
                             fact_years={"step_score_band": 2021, "j1_accepted": 2025,
                                         "non_us_img_share_pct": 2025, "img_share_pct": 2025}))
    near, _ = tier_of(im(step_score_band="226_235"))

    assert high is Tier.TIER_2 and "averaged 236-245 on USMLE Step 1" in notes[0]
    assert near is Tier.TIER_1


def test_a_program_with_few_imgs_still_gets_the_score_floor() -> None:
    tier, notes = tier_of(im(non_us_img_share_pct=10.0, setting="university"))

    assert tier is Tier.TIER_3
    assert any("more than 1 SD below 249" in note for note in notes)


def test_below_the_matched_range_a_program_is_a_reach_and_the_row_says_why() -> None:
    result = scoring.score_program(applicant=make_applicant(**{**EXAMPLE, "step2_score": 218}),
                                   program=im())

    assert result.tier is Tier.TIER_3
    assert result.tier_notes[0].startswith("Tier 3: your Step 2 CK is more than 2 SD below 249")


def test_the_gap_is_its_own_signal_naming_the_stronger_specialty() -> None:
    applicant = make_applicant(**EXAMPLE)

    [gap] = score_gaps(applicant, ["140", "120"])

    assert gap.specialty_code == "140"
    assert gap.text.startswith("Your Step 2 CK 222 is 1.9 SD below non-US IMGs who matched in "
                               "Internal Medicine (249, SD 14; NRMP Charting Outcomes 2026)")
    assert "About 32% of non-US IMGs scoring 220-229" in gap.text
    assert gap.text.endswith("Family Medicine is your stronger specialty.")
    # A score near the matched mean raises no signal.
    assert score_gaps(make_applicant(step2_score=248), ["140", "120"]) == []


def test_the_gap_steers_the_specialty_mix_and_the_size() -> None:
    applicant = make_applicant(**EXAMPLE)

    weights = specialty_weights(applicant, ["140", "120"])

    assert weights == {"140": 0.32, "120": 0.55}  # F9.18 at 220-229
    z_im = (222 - 249) / 14
    z_fm = (222 - 231) / 12
    assert list_z(applicant, ["140", "120"]) == pytest.approx((0.32 * z_im + 0.55 * z_fm) / 0.87)
    assert list_z(applicant, ["140"]) == pytest.approx(z_im)


# --- no wasted application ----------------------------------------------------------------------


def test_a_program_with_under_5_percent_imgs_is_left_out_with_its_reason() -> None:
    note = few_imgs_note(make_program(non_us_img_share_pct=0.0, img_share_pct=4.0,
                                      fact_sources={"img_share_pct": "AAMC Residency Explorer"},
                                      fact_years={"img_share_pct": 2021,
                                                  "non_us_img_share_pct": 2021}))

    assert note == ("Not put on the list: IMGs are 4% of residents here (AAMC Residency "
                    "Explorer, 2021), under 5%; an application is most likely wasted. Add it "
                    "by hand if it takes IMGs now")
    assert few_imgs_note(make_program(non_us_img_share_pct=5.0)) is None
    assert few_imgs_note(make_program(non_us_img_share_pct=None, img_share_pct=None)) is None


def candidate(acgme_id: str, tier: Tier, score: int = 60, **fields) -> selection.Candidate:
    values = dict(name=f"Program {acgme_id}", city="Town", state="OH", specialty_code="140",
                  in_border=False, facts_known=5)
    values.update(fields)
    return selection.Candidate(acgme_id=acgme_id, tier=tier, score=score, **values)


def test_the_rule_never_chooses_a_program_with_few_imgs_but_a_pin_keeps_it() -> None:
    few = candidate("1400000001", Tier.TIER_3, 90, few_imgs=True)
    others = [candidate(f"14000001{n:02d}", Tier.TIER_3, 40) for n in range(5)]

    chosen = selection.select(candidates=[few, *others], target=3, budget_usd=None)
    pinned = selection.select(candidates=[few, *others], target=3, budget_usd=None,
                              decisions=selection.Decisions(pinned=frozenset({few.acgme_id})))

    assert few.acgme_id not in chosen.chosen and chosen.few_imgs == 1
    assert few.acgme_id in pinned.chosen


# --- mission first, shares, ties ----------------------------------------------------------------


def test_border_programs_come_first_for_an_applicant_who_brings_border_fit() -> None:
    border = [candidate(f"14048000{n:02d}", Tier.TIER_2, 50, state="TX", in_border=True)
              for n in range(6)]
    elsewhere = [candidate(f"14036000{n:02d}", Tier.TIER_2, 70) for n in range(20)]
    tier_3 = [candidate(f"14039000{n:02d}", Tier.TIER_3, 40) for n in range(20)]

    chosen = selection.select(candidates=[*border, *elsewhere, *tier_3], target=10,
                              budget_usd=None, mission_first=True)
    plain = selection.select(candidates=[*border, *elsewhere, *tier_3], target=10,
                             budget_usd=None)

    assert {c.acgme_id for c in border} <= set(chosen.chosen)
    assert not {c.acgme_id for c in border} & set(plain.chosen)  # lower scores


def test_each_tier_is_shared_by_the_weights_and_no_specialty_is_starved() -> None:
    im_ = [candidate(f"1400{n:06d}", Tier.TIER_2, 60) for n in range(100)]
    fm = [candidate(f"1200{n:06d}", Tier.TIER_2, 60, specialty_code="120") for n in range(100)]
    fm_1 = [candidate(f"1201{n:06d}", Tier.TIER_1, 80, specialty_code="120")
            for n in range(60)]

    chosen = selection.select(candidates=[*im_, *fm, *fm_1], target=100, budget_usd=None,
                              weights={"140": 0.32, "120": 0.55})

    tier_2 = {code: chosen.counts.get((code, Tier.TIER_2), 0) for code in ("140", "120")}
    assert tier_2["140"] + tier_2["120"] == 45
    assert abs(tier_2["120"] / 45 - 0.55 / 0.87) < 0.05  # about 63% to the stronger one
    assert tier_2["140"] >= 15


def test_equal_scores_are_broken_by_mission_img_presence_and_visa_then_spread_by_state() -> None:
    tied = [candidate("1400100001", Tier.TIER_2, 60, state="AL"),
            candidate("1400100002", Tier.TIER_2, 60, state="AL", img_presence=20.0),
            candidate("1403600003", Tier.TIER_2, 60, state="NY", visa_year=2025),
            *[candidate(f"14001000{n:02d}", Tier.TIER_2, 60, state="AL") for n in range(10, 20)],
            *[candidate(f"14036000{n:02d}", Tier.TIER_2, 60, state="NY") for n in range(10, 20)],
            *[candidate(f"14012000{n:02d}", Tier.TIER_2, 60, state="FL") for n in range(10, 20)]]

    chosen = list(selection.select(candidates=tied, target=8, budget_usd=None).chosen)

    assert chosen[:2] == ["1400100002", "1403600003"]  # IMG presence, then a current J-1
    states = [c.state for c in tied if c.acgme_id in chosen[2:]]
    assert sorted(set(states)) == ["AL", "FL", "NY"]  # not filled from Alabama
    assert max(states.count(s) for s in set(states)) - min(states.count(s)
                                                           for s in set(states)) <= 1


def test_a_tier_an_advisor_changed_is_said_first_wherever_the_place_is_said() -> None:
    from tiering.explain import choice_text
    from tiering.models import ListEntry
    from tiering.models import Tier as Stored

    entry = ListEntry(computed_tier=Stored.TIER_3, override_tier=Stored.TIER_2, choice={
        "code": "ranked", "params": {"tier": 3, "specialty": "140", "rank": 1, "taken": 7,
                                     "available": 30, "score": 88, "next_name": "X",
                                     "next_score": 80}})

    text = choice_text(entry, {"140": "Internal Medicine"})

    assert text.startswith("Moved to Tier 2 by the advisor; the scoring placed it in Tier 3. "
                           "Tier 3 place 1 of 7")
    assert "next candidate" not in text  # said once per tier, not on each row


@pytest.mark.django_db
def test_a_list_short_of_its_target_names_the_candidates_as_its_limit(client) -> None:
    from django.urls import reverse

    from tests.factories import ProfileFactory, ProgramFactory, SpecialtyFactory
    from tiering.lists import list_rebuild

    im_ = SpecialtyFactory(code="140", name="Internal Medicine")
    for n in range(6):
        ProgramFactory(specialty=im_, j1_accepted="yes", setting="community",
                       non_us_img_share_pct=[40, 50, 60, 30, 2, 0][n])
    profile = ProfileFactory(step2_score=240)
    profile.target_specialties.set([im_])
    list_rebuild(profile)
    client.force_login(profile.user)

    page = client.get(reverse("tiering:list", args=[profile.pk])).content.decode()

    assert ("only 4 programs in the specialties and states chosen can go on the list (2 more "
            "have under 5% IMGs and are left out): add states or a specialty") in page
