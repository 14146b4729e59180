"""Every program of the shipped catalog, scored: reasons agree with the facts table beside
them, figures of different years are never combined, stale answers are told apart from
current ones, and armed-forces programs are closed to non-citizens."""

from __future__ import annotations

import io
import re

import pandas as pd
import pytest

from programs.catalog_import import import_catalog
from programs.facts import STALE_AFTER_SEASONS as FACTS_STALE_AFTER
from programs.facts import program_facts
from programs.models import Program
from tests.conftest import ROOT
from tiering import scoring
from tiering.facts import facts_of

pytestmark = pytest.mark.django_db

SEASON = 2026
SHARE = re.compile(r"(non-US IMGs|IMGs) are (\d+)% of residents here \(([^)]*)\)", re.I)
TABLE_LABEL = {"imgs": "IMG residents", "non-us imgs": "Non-US-citizen IMG residents"}


def applicant(**changes) -> scoring.Applicant:
    fields = dict(
        step1_passed=True, step1_attempts=1, step2_score=222, step2_attempts=1,
        step3_passed=False, step3_attempts=0, graduation_year=SEASON - 2, visa_need="j1",
        ecfmg_certified=True, usce_hands_on_months=3, usce_observership_months=0,
        usce_border_months=3, us_letters=1, research_experiences=0,
        border_or_underserved_projects=False, spanish_level="native", as_of_year=SEASON,
    )
    return scoring.Applicant(**{**fields, **changes})


@pytest.fixture
def whole_catalog() -> list[Program]:
    frame = pd.read_csv(ROOT / "fixtures" / "catalog.csv", dtype=str, keep_default_na=False)
    assert import_catalog(frame, default_source="catalog.csv").ok
    return list(Program.objects.select_related("specialty").order_by("acgme_id"))


def scored(programs, **changes):
    facts = [facts_of(p) for p in programs]
    return facts, scoring.score_programs(applicant=applicant(**changes), programs=facts)


def test_no_reason_cites_a_share_the_facts_table_beside_it_does_not_show(whole_catalog) -> None:
    _, results = scored(whole_catalog)
    checked = 0
    for program, result in zip(whole_catalog, results, strict=True):
        table = {fact.label: fact for fact in program_facts(program)}
        for text in [r.text for r in result.reasons] + list(result.tier_notes):
            for who, pct, cite in SHARE.findall(text):
                fact = table[TABLE_LABEL[who.lower()]]
                assert fact.known and round(float(fact.value.rstrip("%"))) == int(pct), (
                    program.acgme_id, text)
                assert str(fact.year) in cite, (program.acgme_id, text)
                checked += 1
            assert "not a large share" not in text, (program.acgme_id, text)
    assert checked > 3000


def test_no_judgement_rests_on_a_non_us_share_of_another_year_than_the_total(
    whole_catalog,
) -> None:
    facts, results = scored(whole_catalog)
    for p, result in zip(facts, results, strict=True):
        used_non_us = any(r.text.startswith("Non-US IMGs are") for r in result.reasons)
        if used_non_us and p.img_share_pct is not None:
            assert p.fact_years.get("img_share_pct") == p.fact_years.get("non_us_img_share_pct")
            assert p.non_us_img_share_pct <= p.img_share_pct


def test_a_stale_no_is_checked_first_and_a_current_no_still_closes(whole_catalog) -> None:
    assert FACTS_STALE_AFTER == scoring.STALE_AFTER_SEASONS
    facts, results = scored(whole_catalog)
    stale = current = 0
    for p, result in zip(facts, results, strict=True):
        if p.j1_accepted != "no" or "j1_accepted" in p.conflicts:
            continue
        year = p.fact_years.get("j1_accepted")
        if year is not None and SEASON - year >= scoring.STALE_AFTER_SEASONS:
            stale += 1
            assert any(t.startswith("Check first: does not take J-1 visas") and str(year) in t
                       for t in result.to_verify), p.acgme_id
            assert result.tier <= scoring.Tier.TIER_3
        else:
            current += 1
            assert result.tier is scoring.Tier.NOT_ELIGIBLE
    assert stale > 1000 and current > 0


@pytest.mark.parametrize("citizenship", ["needs_visa", "permanent_resident"])
def test_every_armed_forces_program_is_not_eligible_for_a_non_citizen(
    whole_catalog, citizenship
) -> None:
    visa = "j1" if citizenship == "needs_visa" else "none"
    facts, results = scored(whole_catalog, citizenship=citizenship, visa_need=visa)
    armed = [(p, r) for p, r in zip(facts, results, strict=True) if p.armed_forces == "yes"]
    assert len(armed) >= 90
    for p, r in armed:
        assert r.tier is scoring.Tier.NOT_ELIGIBLE, p.acgme_id
        assert any("10 U.S.C. 532" in h for h in r.hard_reasons)
    _, for_citizens = scored(whole_catalog, citizenship="us_citizen", visa_need="none")
    assert any(r.eligible for p, r in zip(facts, for_citizens, strict=True)
               if p.armed_forces == "yes")


def test_three_crosses_j1_conflict_is_shown_and_scored_as_unknown(whole_catalog) -> None:
    program = next(p for p in whole_catalog if p.acgme_id == "1403400002")
    j1 = next(f for f in program_facts(program) if f.key == "j1_accepted")
    assert j1.value == "Yes" and j1.conflict
    assert [o.value for o in j1.others] == ["No"]
    result = scoring.score_program(applicant=applicant(), program=facts_of(program))
    assert result.eligible and result.tier <= scoring.Tier.TIER_2
    assert any("sources disagree" in t.lower() for t in result.to_verify)


def test_the_case_applicant_finds_texas_tech_el_paso_im_in_tier_1_or_2(whole_catalog) -> None:
    # Needs a J-1, Step 2 CK 222 first attempt, native Spanish, 3 border-region months; the
    # program takes J-1 (FREIDA 2025) and 64% of its residents are IMGs (FREIDA 2025).
    program = next(p for p in whole_catalog if p.acgme_id == "1404811424")
    result = scoring.score_program(applicant=applicant(), program=facts_of(program))
    assert result.tier in (scoring.Tier.TIER_1, scoring.Tier.TIER_2), result.tier_notes
    assert result.reasons[0].text.startswith("IMGs are 64% of residents here (AMA FREIDA, 2025)")


def test_the_audit_command_counts_the_judgements_over_the_catalog_in_the_database() -> None:
    from django.core.management import call_command

    from tests.factories import ProgramFactory

    ProgramFactory(name="Naval Medical Center Test", city="SAN DIEGO", state="CA",
                   j1_accepted="unknown")
    out = io.StringIO()

    call_command("audit_catalog_judgements", stdout=out)

    counts = {line[7:]: int(line[:5]) for line in out.getvalue().splitlines()
              if line[:5].strip().isdigit()}
    assert counts["armed-forces programs (rule)"] == 1
    assert counts["city names all capitals or all lowercase"] == 1
    assert counts["reasons contradicting the facts table"] == 0
