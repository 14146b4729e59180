"""How the scoring reads the catalog's facts: one rule per figure family, age as part of a fact,
and the rules of law, checked over the whole shipped catalog."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from programs.catalog_import import import_catalog
from programs.models import Program, Specialty
from tests.conftest import ROOT
from tests.factories import ProfileFactory
from tests.tiering.test_tier_list import persona
from tiering import scoring
from tiering.lists import applicant_of, facts_of, score_scope

pytestmark = pytest.mark.django_db

NON_US = re.compile(r"^Non-US IMGs are (\d+)% of residents here")
ALL_IMGS = re.compile(r"^IMGs are (\d+)% of residents here")
NOT_A_LARGE_SHARE = "IMGs are not a large share of residents here"


@pytest.fixture
def whole_catalog(db) -> list[Program]:
    frame = pd.read_csv(ROOT / "fixtures" / "catalog.csv", dtype=str, keep_default_na=False)
    assert import_catalog(frame, default_source="catalog.csv").ok
    return list(Program.objects.select_related("specialty"))


def test_no_reason_contradicts_the_facts_table_anywhere_in_the_catalog(whole_catalog) -> None:
    profile = ProfileFactory(step2_score=230, visa_need="j1")
    applicant = applicant_of(profile)
    facts = [facts_of(p) for p in whole_catalog]
    results = scoring.score_programs(applicant=applicant, programs=facts)
    checked = 0
    for program, result in zip(whole_catalog, results, strict=True):
        for reason in result.reasons:
            if reason.component != scoring.C_IMG:
                continue
            if match := NON_US.match(reason.text):
                # The non-US share is used only when no newer total share exists.
                assert int(match[1]) == round(program.non_us_img_share_pct), program.acgme_id
                total_year = (program.provenance.get("img_share_pct") or {}).get("year")
                non_us_year = program.provenance["non_us_img_share_pct"].get("year")
                assert total_year is None or non_us_year is None or total_year <= non_us_year
                assert program.img_share_pct is None \
                    or program.non_us_img_share_pct <= program.img_share_pct
                checked += 1
            elif match := ALL_IMGS.match(reason.text):
                assert int(match[1]) == round(program.img_share_pct), program.acgme_id
                checked += 1
        if NOT_A_LARGE_SHARE in " ".join(result.tier_notes):
            # The newest share shown must really be below Tier 1's IMG-friendliness (0.7).
            shown = next(r.text for r in result.reasons if r.component == scoring.C_IMG)
            if NON_US.match(shown):
                assert program.non_us_img_share_pct < 0.7 * scoring.NON_US_IMG_SHARE_FULL_CREDIT_PCT
            else:
                assert program.img_share_pct < 0.7 * scoring.IMG_SHARE_FULL_CREDIT_PCT
    assert checked > 3000  # most programs have a share on file


def test_texas_tech_el_paso_im_is_scored_on_its_2025_img_share(real_catalog) -> None:
    profile = persona()
    [item] = [i for i in score_scope(profile) if i.program.acgme_id == "1404811424"]

    img = next(r for r in item.result.reasons if r.component == scoring.C_IMG)
    assert img.text.startswith("IMGs are 64% of residents here (AMA FREIDA")
    assert "non-US-citizen IMGs were 21% in 2021, an older figure not used here" in img.text
    # A border program that takes J-1 with mostly IMG residents: realistic for the persona.
    assert item.result.tier in (scoring.Tier.TIER_1, scoring.Tier.TIER_2)
    assert NOT_A_LARGE_SHARE not in " ".join(item.result.tier_notes)


def test_an_old_no_is_a_check_first_and_a_current_no_closes(real_catalog) -> None:
    profile = persona()
    by_id = {i.program.acgme_id: i for i in score_scope(profile)}

    las_palmas = by_id["1404800900"]  # HCA Las Palmas Del Sol IM: "no J-1" only from 2021
    assert las_palmas.result.eligible
    assert las_palmas.result.tier is scoring.Tier.TIER_3
    assert las_palmas.result.to_verify[0] == (
        "Check first: no J-1 in 2021; about 1 in 8 such answers changed by 2025. Ask the "
        "program before you apply")
    assert las_palmas.result.tier_notes[0].startswith("Tier 3 at best until checked")


def test_every_armed_forces_program_is_closed_to_non_citizens(whole_catalog) -> None:
    marked = [p for p in whole_catalog if p.is_armed_forces]
    names = {p.name for p in marked}
    assert {"Naval Medical Center (San Diego) Program", "National Capital Consortium Program",
            "Madigan Army Medical Center Program", "Tripler Army Medical Center Program"} <= names
    assert not any(p.name.startswith(("HCA", "Baylor", "Poudre")) for p in marked)
    specialty = Specialty.objects.first()
    non_citizen = applicant_of(ProfileFactory(visa_need="none", citizenship="permanent_resident"))
    citizen = applicant_of(ProfileFactory(visa_need="none", citizenship="us_citizen"))
    assert specialty is not None

    closed = scoring.score_programs(applicant=non_citizen, programs=[facts_of(p) for p in marked])
    open_ = scoring.score_programs(applicant=citizen, programs=[facts_of(p) for p in marked])

    assert all(not r.eligible and any("10 U.S.C. 532" in h for h in r.hard_reasons)
               for r in closed)
    assert not any("10 U.S.C. 532" in h for r in open_ for h in r.hard_reasons)
