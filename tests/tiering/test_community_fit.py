"""Underserved-community fit beyond the border (issue 28; docs/scoring.md 3.7a): the program's
county's Spanish speakers (Census ACS 2019-2023) and primary-care shortage area (HRSA, 2020),
each its own reason, weighted by what the applicant brings; unknown stays unknown.

Pure tests first (the scoring imports no Django), then the example applicant on the shipped
catalog."""

from __future__ import annotations

import pytest

from tests.tiering.test_scoring import make_applicant, make_program
from tiering import scoring, selection
from tiering.scoring import C_BORDER, C_SHORTAGE, C_SPANISH, Tier, score_program
from tiering.scoring.community import MISSION_CAP

COUNTY = dict(  # a Central Valley county: many Spanish speakers and a shortage area
    county_fips="06107", county_name="Tulare, CA", county_spanish_share=46.0,
    county_spanish_share_period="2019-2023",
    hpsa_primary_care="yes", hpsa_primary_care_score=18,
    fact_years={"county_spanish_share": 2023, "hpsa_primary_care": 2020, "j1_accepted": 2025,
                "img_share_pct": 2025, "non_us_img_share_pct": 2025},
    fact_sources={"county_spanish_share": "Census ACS", "hpsa_primary_care": "HRSA"},
)


def community(result: scoring.ProgramResult) -> dict[str, str]:
    """The community reasons' texts by component."""
    return {r.component: r.text for r in result.reasons if r.component in (C_SPANISH, C_SHORTAGE)}


def test_a_spanish_speaking_shortage_county_gives_points_each_with_its_figure_and_year() -> None:
    applicant = make_applicant(spanish_level="native", border_or_underserved_projects=True)
    plain = score_program(applicant=applicant, program=make_program(**{
        **COUNTY, "county_spanish_share": 8.0, "hpsa_primary_care": "no",
        "hpsa_primary_care_score": None}))
    here = score_program(applicant=applicant, program=make_program(**COUNTY))

    reasons = community(here)
    assert "in the program's county (Tulare, CA) 46% of people aged 5 and over speak Spanish at " \
        "home (Census ACS 2019-2023" in reasons[C_SPANISH]
    assert "primary-care shortage area, HPSA score 18 of 25 (HRSA, 2020)" in reasons[C_SHORTAGE]
    assert all("not a better chance of matching" in r for r in reasons.values())
    assert here.components[C_SPANISH] > 0 and here.components[C_SHORTAGE] > 0
    assert community(plain) == {}  # a known "no" and a low share say nothing, give nothing
    assert plain.score < here.score


def test_the_spanish_part_follows_the_applicants_spanish_and_none_gives_nothing() -> None:
    def spanish(level: str) -> float:
        result = score_program(applicant=make_applicant(spanish_level=level),
                               program=make_program(**COUNTY))
        return result.components[C_SPANISH]

    points = [spanish(level) for level in scoring.SPANISH_LEVELS]
    assert points[0] == 0.0 and points == sorted(points) and points[-1] > points[1]
    none = score_program(applicant=make_applicant(spanish_level="none"),
                         program=make_program(**COUNTY))
    assert C_SPANISH not in community(none)


def test_the_shortage_part_counts_only_with_underserved_care_work() -> None:
    without = score_program(applicant=make_applicant(border_or_underserved_projects=False),
                            program=make_program(**COUNTY))
    with_work = score_program(applicant=make_applicant(border_or_underserved_projects=True),
                              program=make_program(**COUNTY))

    assert without.components[C_SHORTAGE] == 0.0 and C_SHORTAGE not in community(without)
    assert with_work.components[C_SHORTAGE] > 0
    assert with_work.score > without.score


def test_unknown_county_facts_give_no_points_and_say_unknown_never_no() -> None:
    applicant = make_applicant(spanish_level="native", border_or_underserved_projects=True)
    no_county = score_program(applicant=applicant, program=make_program(
        county_fips="", county_spanish_share=None, hpsa_primary_care="unknown"))
    not_in_source = score_program(applicant=applicant, program=make_program(
        county_fips="09110", county_spanish_share=20.0, hpsa_primary_care="unknown"))

    reasons = community(no_county)
    assert no_county.components[C_SPANISH] == no_county.components[C_SHORTAGE] == 0.0
    assert reasons[C_SPANISH].startswith("Spanish-speaking community: unknown, the program's "
                                         "county is not known")
    assert reasons[C_SHORTAGE].startswith("Primary-care shortage area: unknown")
    assert "unknown, the source has no figure for its county" in community(not_in_source)[
        C_SHORTAGE]
    assert all("unknown" in r and "no points" in r for r in reasons.values())


def test_a_county_at_or_below_the_national_share_is_not_a_spanish_speaking_community() -> None:
    applicant = make_applicant(spanish_level="native")
    at = score_program(applicant=applicant, program=make_program(
        **{**COUNTY, "county_spanish_share": scoring.SPANISH_SHARE_NATIONAL}))
    high = score_program(applicant=applicant, program=make_program(
        **{**COUNTY, "county_spanish_share": 87.3}))

    assert at.components[C_SPANISH] == 0.0 and C_SPANISH not in community(at)
    assert high.components[C_SPANISH] == scoring.WEIGHT_SPANISH_COMMUNITY


def test_border_programs_still_come_first_for_an_applicant_who_brings_border_fit() -> None:
    applicant = make_applicant(spanish_level="native", border_or_underserved_projects=True,
                               usce_border_months=3, usce_hands_on_months=3)
    border = score_program(applicant=applicant, program=make_program(
        **{**COUNTY, "in_border_region": True, "border_distance_km": 10.0, "state": "TX",
           "county_spanish_share": 87.3}))
    inland = score_program(applicant=applicant, program=make_program(
        **{**COUNTY, "county_spanish_share": 87.3, "hpsa_primary_care_score": 25}))

    def mission(result: scoring.ProgramResult) -> float:
        return sum(result.components[k] for k in (C_BORDER, C_SPANISH, C_SHORTAGE))

    assert mission(border) <= MISSION_CAP
    assert mission(border) > mission(inland)


def test_tier_3_reach_places_go_to_programs_with_mission_fit_first() -> None:
    def candidate(acgme_id: str, score: int, mission: float) -> selection.Candidate:
        return selection.Candidate(acgme_id=acgme_id, name=f"P {acgme_id}", city="Town",
                                   state="OH", specialty_code="140", tier=Tier.TIER_3,
                                   score=score, in_border=False, facts_known=5,
                                   mission=mission)

    reach = [candidate(f"14000000{n:02d}", 44, 0.0) for n in range(10)]
    fitting = candidate("1400000099", 30, 4.5)  # a lower score, a Spanish-speaking county

    chosen = selection.select(candidates=[*reach, fitting], target=1, budget_usd=None)

    assert list(chosen.chosen) == ["1400000099"]


# ---------------------------------------------------------------------------------------------
# The example applicant on the shipped catalog
# ---------------------------------------------------------------------------------------------

# Non-border programs in Spanish-speaking counties that hold a primary-care shortage area
# (Census ACS 2019-2023; HRSA 2020 as shipped in the catalog).
KERN_IM = "1400531031"  # Kern Medical Center, Bakersfield CA: Kern County
TULARE_IM = "1400500009"  # Adventist Health Central California Network, Tulare CA
FRESNO_FM = "1200500754"  # St. Agnes Medical Center, Fresno CA


@pytest.fixture
def lists(real_catalog, monkeypatch):
    """The example applicant's list and scores with community fit, and as the model stood
    before it (the community reasons left out), from the same catalog."""
    from django.core.cache import cache

    from tests.tiering.test_example_applicant import example
    from tiering.lists import list_rebuild
    from tiering.scope import score_scope

    def build(profile):
        cache.clear()
        chosen = list_rebuild(profile).selection.chosen
        return chosen, {item.program.acgme_id: item.result for item in score_scope(profile)}

    profile = example(border_or_underserved_projects=True)
    with monkeypatch.context() as patch:
        patch.setattr("tiering.scoring.components.community_reasons", lambda *a: [])
        before = build(profile)
    return profile, before, build(profile), example


@pytest.mark.django_db
def test_non_border_programs_in_spanish_speaking_shortage_areas_rise_citing_the_figure(
        lists) -> None:
    _, (list_before, before), (list_after, after), _ = lists

    for acgme_id, county in ((KERN_IM, "Kern, CA"), (TULARE_IM, "Tulare, CA"),
                             (FRESNO_FM, "Fresno, CA")):
        reasons = community(after[acgme_id])
        assert f"in the program's county ({county}) " in reasons[C_SPANISH]
        assert after[acgme_id].score > before[acgme_id].score, acgme_id
        assert after[acgme_id].tier >= before[acgme_id].tier
        assert acgme_id in list_after and acgme_id not in list_before, acgme_id
        assert "% of people aged 5 and over speak Spanish at home (Census ACS 2019-2023" \
            in reasons[C_SPANISH]
        assert "shortage area, HPSA score" in reasons[C_SHORTAGE] and "(HRSA, 2020)" \
            in reasons[C_SHORTAGE]
    # The border programs the list is built around stay on it.
    border_before = {i for i in list_before if after[i].components.get(C_BORDER)}
    assert border_before <= set(list_after)


@pytest.mark.django_db
def test_without_spanish_the_spanish_part_changes_nothing(lists) -> None:
    from tiering.scope import score_scope

    _, _, _, example = lists
    profile = example(spanish_level="none", border_or_underserved_projects=True)
    results = [item.result for item in score_scope(profile)]

    assert all(r.components.get(C_SPANISH, 0.0) == 0.0 for r in results if r.eligible)
    assert not any(r.component == C_SPANISH for res in results for r in res.reasons)
    assert any(r.components.get(C_SHORTAGE, 0.0) > 0 for r in results)


@pytest.mark.django_db
def test_a_program_without_a_known_county_gets_no_community_points_and_says_unknown(
        lists) -> None:
    from programs.models import Program

    _, _, (_, after), _ = lists
    no_county = Program.objects.filter(county_fips="", specialty__code__in=["140", "120"])
    scored = [after[p.acgme_id] for p in no_county if after.get(p.acgme_id)
              and after[p.acgme_id].eligible]

    assert scored
    for result in scored:
        reasons = community(result)
        assert result.components[C_SPANISH] == result.components[C_SHORTAGE] == 0.0
        assert "unknown, the program's county is not known" in reasons[C_SPANISH]
        assert "unknown, the program's county is not known" in reasons[C_SHORTAGE]
