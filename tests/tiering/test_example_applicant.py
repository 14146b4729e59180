"""The list an experienced IMG advisor would sign, for the product's example applicant on the
shipped catalog: needs a J-1, Step 2 CK 222 at the first attempt, graduated 2 years ago, native
Spanish, 3 months of hands-on clinical experience in the border region; Internal Medicine and
Family Medicine; budget $3,000 (issue 23, docs/scoring.md sections 5 and 10)."""

from __future__ import annotations

import json
import re
from collections import Counter

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from applicants.models import AdvisorLink
from programs.models import Program, Specialty
from tests.factories import ProfileFactory, UserFactory
from tiering import scoring
from tiering.choice_field import attach_groups
from tiering.choosing import MISSION_COMPONENTS
from tiering.edits import entry_remove
from tiering.lists import list_groups, list_rebuild
from tiering.models import ListEntry
from tiering.scope import score_scope

pytestmark = pytest.mark.django_db

# The four border Internal Medicine programs an advisor builds this applicant's list around:
# Texas Tech El Paso, UTRGV Knapp (Weslaco), UTRGV VBMC (Harlingen), Canyon Vista (Sierra
# Vista): IMG-heavy (55-96% in AMA FREIDA 2025) and J-1 yes in 2025.
BORDER_IM = {"1404811424", "1404800906", "1404821524", "1400300540"}


def example(**changes):
    fields = dict(
        step1_passed=True, step1_attempts=1, step2_score=222, step2_attempts=1,
        graduation_year=timezone.now().year - 2, visa_need="j1", ecfmg_status="certified",
        spanish_level="native", usce_hands_on_months=3, usce_border_months=3, budget_usd=3000,
    )
    profile = ProfileFactory(**{**fields, **changes})
    profile.target_specialties.set(Specialty.objects.filter(code__in=["140", "120"]))
    return profile


def latest_share(program) -> float | None:
    """The IMG share that decides (docs/scoring.md 3.2): the newer year's, or the larger."""
    provenance = program.provenance or {}
    total, non_us = program.img_share_pct, program.non_us_img_share_pct
    if total is None or non_us is None:
        return non_us if total is None else total
    years = [provenance.get(k, {}).get("year") or 0
             for k in ("img_share_pct", "non_us_img_share_pct")]
    if years[0] != years[1]:
        return total if years[0] > years[1] else non_us
    return max(total, non_us)


@pytest.fixture
def built(real_catalog):
    profile = example()
    result = list_rebuild(profile)
    scored = {item.program.acgme_id: item for item in score_scope(profile)}
    return profile, result.selection, scored


def test_internal_medicine_has_tier_1_and_the_border_im_programs_lead_it(built) -> None:
    _, chosen, scored = built
    tier_1_im = {i for i in chosen.chosen if i.startswith("140")
                 and scored[i].result.tier is scoring.Tier.TIER_1}

    assert tier_1_im, "Internal Medicine has no Tier 1 program on the list"
    assert BORDER_IM <= tier_1_im


def test_an_img_heavy_program_whose_residents_score_higher_is_not_tier_1(built) -> None:
    _, _, scored = built
    conemaugh = scored["1404131367"]  # 99% IMGs (2025); residents 236-245 on Step 1 (2021)

    assert conemaugh.result.tier is scoring.Tier.TIER_2
    assert "averaged 236-245 on USMLE Step 1" in conemaugh.result.tier_notes[0]


def test_no_program_on_the_list_has_under_5_percent_imgs(built) -> None:
    _, chosen, scored = built

    few = {i: latest_share(scored[i].program) for i in chosen.chosen}
    assert not {i: v for i, v in few.items() if v is not None and v < 5}
    # The scope holds such programs: the rule has something to leave out.
    assert any((latest_share(s.program) or 100) < 5 and s.result.eligible
               for s in scored.values())


def test_no_eligible_tier_1_or_2_border_program_is_left_out(built) -> None:
    _, chosen, scored = built
    left_out = [
        i for i, s in scored.items()
        if s.program.in_border_region and s.result.tier in (scoring.Tier.TIER_1,
                                                             scoring.Tier.TIER_2)
        and i not in chosen.chosen and i not in chosen.duplicates
        and (latest_share(s.program) is None or latest_share(s.program) >= 5)
    ]

    assert left_out == []
    border = [i for i in chosen.chosen if scored[i].program.in_border_region]
    assert len(border) > 28  # the list before issue 23 held 28


def test_each_specialtys_tier_2_gets_its_share(built) -> None:
    _, chosen, scored = built
    tier_2 = Counter(i[:3] for i in chosen.chosen
                     if scored[i].result.tier is scoring.Tier.TIER_2)

    # Before issue 23: Family Medicine 3 of 43 Tier 2 places.
    assert min(tier_2["120"], tier_2["140"]) >= sum(tier_2.values()) // 4


def test_ties_are_broken_by_mission_and_img_presence_and_never_by_id(built) -> None:
    _, chosen, scored = built
    checked = 0
    for code in ("140", "120"):
        for tier in (scoring.Tier.TIER_1, scoring.Tier.TIER_2, scoring.Tier.TIER_3):
            group = [s for i, s in scored.items() if i.startswith(code)
                     and s.result.tier is tier and i not in chosen.duplicates]
            out = [s for s in group if s.program.acgme_id not in chosen.chosen
                   and (latest_share(s.program) or 100) >= 5]
            if not out:
                continue
            cut = max(s.result.score for s in out)
            tied_in = [s for s in group if s.program.acgme_id in chosen.chosen
                       and s.result.score == cut]
            tied_out = [s for s in out if s.result.score == cut]
            if not tied_in or not tied_out:
                continue
            checked += 1
            # Not the lowest ids of the tie.
            ids = sorted(s.program.acgme_id for s in tied_in + tied_out)
            assert sorted(s.program.acgme_id for s in tied_in) != ids[:len(tied_in)]

            def merit(s) -> tuple:  # mission fit: the border band and the community (3.7a)
                return (sum(s.result.components.get(key, 0.0) for key in MISSION_COMPONENTS),
                        s.result.components.get(scoring.C_IMG, 0.0))
            assert min(merit(s) for s in tied_in) >= max(merit(s) for s in tied_out)
    assert checked, "no tie at the cut to check"


def test_the_command_prints_the_list_and_all_with_a_flag(tmp_path, real_catalog,
                                                         capsys) -> None:
    path = tmp_path / "example.json"
    path.write_text(json.dumps({
        "step1_passed": True, "step1_attempts": 1, "step2_score": 222, "step2_attempts": 1,
        "graduation_year": timezone.now().year - 2, "visa_need": "j1",
        "ecfmg_status": "certified", "spanish_level": "native", "usce_hands_on_months": 3,
        "usce_border_months": 3, "budget_usd": 3000,
        "target_specialties": ["Internal Medicine", "Family Medicine"]}))
    profile = example()
    chosen = list_rebuild(profile).selection

    call_command("tier_list", "--profile", str(path))
    printed = json.loads(capsys.readouterr().out)
    call_command("tier_list", "--profile", str(path), "--all")
    everything = json.loads(capsys.readouterr().out)

    assert [row["acgme_id"] for row in printed["programs"]] == list(chosen.chosen)
    assert printed["cost_usd"] == chosen.cost.total_usd
    assert len(everything["programs"]) == len(score_scope(profile)) > len(chosen.chosen)


# --- what the pages say ------------------------------------------------------------------------


def test_the_score_gap_is_its_own_signal_and_names_the_stronger_specialty(client,
                                                                          real_catalog) -> None:
    profile = example()
    client.force_login(profile.user)

    page = client.get(reverse("tiering:list", args=[profile.pk])).content.decode()

    assert "Your Step 2 CK 222 is 1.9 SD below non-US IMGs who matched in Internal Medicine" \
        in page
    assert "Family Medicine is your stronger specialty" in page


def test_the_messages_read_true_after_a_removal(client, real_catalog) -> None:
    profile = example()
    client.force_login(profile.user)
    list_rebuild(profile)
    entry = ListEntry.objects.filter(profile=profile).first()
    entry_remove(entry, by=profile.user, reason="Not for me")

    page = client.get(reverse("tiering:list", args=[profile.pk])).content.decode()

    assert "there are not more eligible candidates" not in page
    assert "1 program removed by hand" in page
    # The what-ifs (their own page, linked from the list) that change nothing say why, in
    # their own words.
    what_ifs = client.get(reverse("tiering:what_if", args=[profile.pk])).content.decode()
    assert "your profile already gets the points this would add" not in what_ifs
    assert "You have not passed Step 3" in what_ifs
    assert "Your budget is not what limits your list" in what_ifs


def test_a_capped_tier_says_why_on_the_row_and_the_next_candidate_once_per_group(
    client, real_catalog
) -> None:
    profile = example()
    client.force_login(profile.user)
    list_rebuild(profile)

    page = client.get(reverse("tiering:list", args=[profile.pk])).content.decode()

    # UTRGV MMC IM: "J-1: No" from 2021, capped at Tier 3 with "Check first".
    assert ListEntry.objects.filter(profile=profile, program__acgme_id="1204811311").exists()
    assert "Tier 3: J-1 &#x27;no&#x27; in 2021; verify" in page or \
        "Tier 3: J-1 'no' in 2021; verify" in page
    groups = {(e.program.acgme_id[:3], e.computed_tier)
              for e in ListEntry.objects.filter(profile=profile)}
    assert 0 < page.count("the next candidate") <= len(groups)
    # Places in their order.
    places = [int(n) for n in re.findall(r"Tier 1 place (\d+) of \d+ in Internal Medicine",
                                         page)]
    assert places and places == sorted(places)


def test_the_next_candidate_is_kept_by_its_id_and_named_on_the_page(client, real_catalog
                                                                   ) -> None:
    profile = example()
    client.force_login(profile.user)
    list_rebuild(profile)
    entries = list(ListEntry.objects.filter(profile=profile))
    groups = list_groups(profile)
    attach_groups(entries, groups)
    entry = next(e for e in entries if e.choice.get("params", {}).get("next_id"))
    following = Program.objects.get(acgme_id=entry.choice["params"]["next_id"])

    with connection.cursor() as cursor:
        cursor.execute("SELECT choice FROM tiering_listentry WHERE id = %s", [entry.pk])
        [stored] = cursor.fetchone()
    page = client.get(reverse("tiering:list", args=[profile.pk])).content.decode()

    # Some fifty characters of name on every entry of the group, kept once per list, as an
    # id; the entry keeps its own part of the choice alone (tiering.choice_field).
    assert following.acgme_id not in stored and following.name not in stored
    assert f"|{following.acgme_id}" in groups and following.name not in groups
    assert f"the next candidate, {escape(following.name)} (score" in page


def test_the_advisors_view_names_the_client(client, real_catalog) -> None:
    profile = example()
    advisor = UserFactory(role="advisor")
    AdvisorLink.objects.create(profile=profile, advisor=advisor)
    list_rebuild(profile)
    client.force_login(advisor)

    page = client.get(reverse("tiering:list", args=[profile.pk])).content.decode()

    email = profile.user.email
    assert f"Rebuild {email}&#x27;s list" in page or f"Rebuild {email}'s list" in page
    assert "of the client&#x27;s $3,000 budget" in page or "of the client's $3,000 budget" in page
    assert "Rebuild my list" not in page and "of your $3,000 budget" not in page
