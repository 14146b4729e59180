"""The tiered list in the browser and on the command line."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pandas as pd
import pytest
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from programs.catalog_import import import_catalog
from programs.models import Specialty
from tests.factories import ProfileFactory, ProgramFactory, SpecialtyFactory
from tiering import scoring
from tiering.lists import list_recompute
from tiering.models import ListEntry, Tier
from tiering.scope import score_scope
from tiering.scored import STORED_TIER

pytestmark = pytest.mark.django_db

CORE = ["140", "120", "320", "400"]  # IM, FM, Pediatrics, Psychiatry


def persona(**changes):
    """Published-advice persona: Step 1 passed, Step 2 CK 222 first attempt, graduated two years
    ago, needs a J-1, native Spanish, 3 months hands-on clinical experience in El Paso."""


    fields = dict(
        step1_passed=True, step1_attempts=1, step2_score=222, step2_attempts=1,
        graduation_year=timezone.now().year - 2, visa_need="j1", ecfmg_status="certified",
        spanish_level="native", usce_hands_on_months=3, usce_border_months=3,
    )
    fields.update(changes)
    profile = ProfileFactory(**fields)
    profile.target_specialties.set(Specialty.objects.filter(code__in=CORE))
    return profile


def test_the_persona_gets_border_j1_programs_in_tier_1_and_no_current_j1_refusal_in_tiers(
    real_catalog,
) -> None:
    profile = persona()

    scored = score_scope(profile)

    tier_1 = [i.program for i in scored if i.result.tier is scoring.Tier.TIER_1]
    assert tier_1, "Tier 1 is empty"
    border_j1 = [p for p in tier_1 if p.in_border_region and p.j1_accepted == "yes"]
    assert border_j1, "no border-region J-1 program in Tier 1"
    assert {p.city for p in border_j1} & {"El Paso", "Mercedes", "Edinburg", "Harlingen",
                                          "McAllen", "Weslaco", "Laredo", "Las Cruces", "Yuma"}
    refusing = [i for i in scored if i.program.j1_accepted == "no"]
    assert refusing, "the catalog holds programs that refuse J-1"
    current = [i for i in refusing if i.program.source_of("j1_accepted").get("year", 0) >= 2024]
    stale = [i for i in refusing if i.program.source_of("j1_accepted").get("year") == 2021]
    assert current and stale
    assert all(i.result.tier is scoring.Tier.NOT_ELIGIBLE for i in current)
    # A 2021 "no" is too old to close a program: Tier 3 at best, and checked first.
    assert all(i.result.tier in (scoring.Tier.TIER_3, scoring.Tier.NOT_ELIGIBLE) for i in stale)
    assert all(i.result.to_verify[0].startswith("Check first")
               for i in stale if i.result.tier is scoring.Tier.TIER_3)


def test_programs_with_unknown_visa_policy_are_never_tier_1(real_catalog) -> None:
    profile = persona()

    unknown_visa = [i for i in score_scope(profile) if i.program.j1_accepted == "unknown"]

    assert unknown_visa
    assert not [i for i in unknown_visa if i.result.tier is scoring.Tier.TIER_1]


def test_the_list_page_shows_the_list_by_tier_then_the_candidates(client, real_catalog) -> None:
    profile = persona(budget_usd=2000)
    client.force_login(profile.user)

    response = client.get(reverse("tiering:list", kwargs={"pk": profile.pk}))

    page = response.content.decode()
    summary = response.context["summary"]
    assert 80 <= summary.size <= 120
    assert all(summary.tiers[tier] > 0 for tier in (1, 2, 3))
    assert sum(len(s["rows"]) for s in response.context["sections"]) == summary.size
    assert "Tier 1: realistic, high priority" in page
    # A row reads in one glance: its top reason on one line, the rest on the program's page;
    # a notice many rows of a tier share is said once above the tier.
    rows = page[page.index('id="the-list"'):page.index('id="candidates"')]
    assert rows.count('class="one-line"') >= summary.size
    assert "IMG presence: <strong>" not in rows
    assert re.search(r"Verify, for \d+ programs of this tier: ", rows)
    assert "Border ·" in page  # the border badge with its distance
    assert re.search(r"[\d,]+ km from the border", page)  # a distance away from it, labelled
    assert "More candidates" in page and "Add to the list" in page
    assert "On the list: Tier" in page  # why each program was chosen
    stored = ListEntry.objects.filter(profile=profile).count()
    assert stored == summary.size  # only the list is stored, not the candidates


def test_a_profile_with_no_eligible_program_says_why(client, real_catalog) -> None:
    profile = persona()
    client.force_login(profile.user)
    url = reverse("tiering:list", kwargs={"pk": profile.pk})
    assert client.get(url).context["summary"].size > 0

    # Needing an H-1B without a Step 3 pass closes every program (H-1B requires Step 3).
    profile.visa_need = "h1b"
    profile.save()
    response = client.get(url)

    assert response.context["summary"].size == 0
    reasons = [reason for reason, _ in response.context["no_eligible"]]
    assert any("Step 3" in reason for reason in reasons)
    assert "is open to you" in response.content.decode()


def test_candidates_filter_and_sort(client, real_catalog) -> None:
    profile = persona()
    client.force_login(profile.user)
    url = reverse("tiering:list", kwargs={"pk": profile.pk})

    response = client.get(url, {"specialty": "140", "state": "TX", "border": "on",
                                "sort": "distance", "tier": "4"})

    rows = response.context["candidates"]
    assert rows
    assert all(e.program.specialty.code == "140" and e.program.state == "TX"
               and e.program.in_border_region and e.tier == Tier.NOT_ELIGIBLE for e in rows)
    distances = [e.program.border_distance_km for e in rows]
    assert distances == sorted(distances)
    on_list = set(ListEntry.objects.filter(profile=profile).values_list("program_id", flat=True))
    assert not on_list & {e.program.pk for e in rows}  # a candidate is not on the list


def test_the_number_of_queries_does_not_grow_with_the_number_of_programs(
    client, django_assert_num_queries
) -> None:
    im = SpecialtyFactory(code="140", name="Internal Medicine")
    profile = ProfileFactory()
    profile.target_specialties.set([im])
    client.force_login(profile.user)
    url = reverse("tiering:list", kwargs={"pk": profile.pk})

    def queries_for(n_programs: int) -> int:
        for _ in range(n_programs):
            ProgramFactory(specialty=im, j1_accepted="yes", non_us_img_share_pct=30)
        client.get(url)  # recompute the stored list once
        cache.clear()  # the page assembled in full, not read from the page's cache
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured.captured_queries)

    few, many = queries_for(5), queries_for(120)

    assert few == many
    # A fixed number, whatever the size of the list and the number of candidates; and the
    # page kept in the cache: session, user, the profile with its list's row and the catalog's
    # version.
    with django_assert_num_queries(3):
        client.get(url)


def test_the_parts_of_a_score_add_up_to_it_largest_first(client, real_catalog) -> None:
    profile = persona()
    client.force_login(profile.user)
    client.get(reverse("tiering:list", kwargs={"pk": profile.pk}))
    entries = ListEntry.objects.on_list().filter(profile=profile).select_related("program")

    for entry in entries[:40]:
        response = client.get(reverse("tiering:explanation", kwargs={
            "pk": profile.pk, "acgme_id": entry.program.acgme_id}))
        explanation = response.context["entry"].explanation
        points = [part["points"] for part in explanation["parts"]]
        assert points == sorted(points, reverse=True)
        assert min(100, sum(points)) == round(entry.score), entry.program.acgme_id
        assert all(part["points"] <= part["max"] for part in explanation["parts"]
                   if part["max"])
        assert any(part["name"] == "Step 2 CK 222" for part in explanation["parts"])


def test_an_incomplete_profile_gets_a_clear_empty_state(client) -> None:
    profile = ProfileFactory()
    client.force_login(profile.user)

    page = client.get(reverse("tiering:list", kwargs={"pk": profile.pk})).content.decode()

    assert "Complete your profile" in page


def test_the_explanation_shows_points_facts_sources_and_what_would_help(client) -> None:
    im = SpecialtyFactory(code="140", name="Internal Medicine")
    program = ProgramFactory(
        specialty=im, acgme_id="1404800099", name="Desert Community Program",
        j1_accepted="yes", h1b_sponsored="yes", non_us_img_share_pct=45, setting="community",
        in_border_region=True, border_distance_km=12,
        provenance={"non_us_img_share_pct": {"source": "aamc-re-2021", "year": 2021}},
    )
    profile = ProfileFactory(visa_need="h1b", step3_passed=False)
    profile.target_specialties.set([im])
    client.force_login(profile.user)

    response = client.get(reverse("tiering:explanation",
                                  kwargs={"pk": profile.pk, "acgme_id": program.acgme_id}))

    page = response.content.decode()
    assert response.status_code == 200
    assert "Not eligible" in page
    assert "Step 3" in page  # the hard reason names what is missing
    assert response.context["suggestion"] is not None
    assert "Step 3" in response.context["suggestion"].text
    assert "AAMC Residency Explorer" in page and "2021" in page


def test_programs_that_leave_the_scope_keep_the_applicants_work(client) -> None:
    im = SpecialtyFactory(code="140", name="Internal Medicine")
    fm = SpecialtyFactory(code="120", name="Family Medicine")
    kept = ProgramFactory(specialty=fm, acgme_id="1204800001", j1_accepted="yes")
    dropped = ProgramFactory(specialty=fm, acgme_id="1204800002", j1_accepted="yes")
    profile = ProfileFactory()
    profile.target_specialties.set([im, fm])
    list_recompute(profile)
    ListEntry.objects.filter(profile=profile, program=kept).update(notes="Emailed coordinator")

    profile.target_specialties.set([im])
    list_recompute(profile)

    assert ListEntry.objects.get(profile=profile, program=kept).in_scope is False
    assert not ListEntry.objects.filter(profile=profile, program=dropped).exists()


def test_a_catalog_change_reaches_the_stored_list(client) -> None:
    im = SpecialtyFactory(code="140", name="Internal Medicine")
    program = ProgramFactory(specialty=im, j1_accepted="yes", non_us_img_share_pct=50,
                             setting="community")
    profile = ProfileFactory()
    profile.target_specialties.set([im])
    client.force_login(profile.user)
    url = reverse("tiering:list", kwargs={"pk": profile.pk})
    assert client.get(url).context["summary"].size == 1

    frame = pd.DataFrame([{"acgme_id": program.acgme_id, "j1_accepted": "no"}])
    assert import_catalog(frame, default_source="advisor.csv").ok

    response = client.get(url)
    assert response.context["summary"].size == 0
    assert [e.tier for e in response.context["candidates"]] == [Tier.NOT_ELIGIBLE]


def run_tier_list(tmp_path: Path, profile: dict, *args: str) -> str:
    path = tmp_path / "profile.json"
    path.write_text(json.dumps(profile))
    out = io.StringIO()
    call_command("tier_list", "--profile", str(path), *args, stdout=out)
    return out.getvalue()


PERSONA_JSON = {
    "step1_passed": True, "step1_attempts": 1, "step2_score": 222, "step2_attempts": 1,
    "visa_need": "j1", "ecfmg_status": "certified", "spanish_level": "native",
    "usce_hands_on_months": 3, "usce_border_months": 3,
    "target_specialties": ["Internal Medicine", "120", "320", "400"],
}


def test_the_command_gives_the_same_tiers_as_the_page(tmp_path, real_catalog) -> None:


    profile = persona()
    shown = {i.program.acgme_id: STORED_TIER[i.result.tier] for i in score_scope(profile)}

    data = {**PERSONA_JSON, "graduation_year": timezone.now().year - 2}
    rows = json.loads(run_tier_list(tmp_path, data, "--all"))["programs"]

    assert {row["acgme_id"]: row["tier_number"] or Tier.NOT_ELIGIBLE for row in rows} == shown


def test_the_command_writes_csv(tmp_path, real_catalog) -> None:
    output = run_tier_list(tmp_path, {**PERSONA_JSON, "graduation_year": 2024}, "--format", "csv")

    rows = list(csv.DictReader(io.StringIO(output)))
    assert rows[0]["tier"].startswith("Tier 1")
    assert {"acgme_id", "program", "score", "why"} <= set(rows[0])


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"graduation_year": 2020, ', "is not valid JSON"),
        ('{"graduation_year": 2020, "favourite_colour": "blue"}',
         "Unknown field(s): favourite_colour"),
        ('{"graduation_year": 2020, "step2_score": 400, "target_specialties": ["140"]}',
         "step2_score: A Step 2 CK score is between 1 and 300."),
        ('{"graduation_year": 2020, "target_specialties": ["Astrology"]}',
         "no specialty with code or name 'Astrology'"),
        ('[1, 2]', "must hold one JSON object"),
    ],
)
def test_bad_input_gives_a_clear_message_and_exit_status_2(tmp_path, content, message) -> None:
    SpecialtyFactory(code="140", name="Internal Medicine")
    path = tmp_path / "profile.json"
    path.write_text(content)

    with pytest.raises(CommandError) as error:
        call_command("tier_list", "--profile", str(path), stdout=io.StringIO())

    assert message in str(error.value)
    assert error.value.returncode == 2


def test_the_notices_sit_in_one_before_you_apply_panel_and_downloading_is_the_main_action(
    client, real_catalog,
) -> None:
    # A small budget limits the list; a J-1's Statement of Need is a warning about the profile.
    profile = persona(budget_usd=600)
    client.force_login(profile.user)

    page = client.get(reverse("tiering:list", kwargs={"pk": profile.pk})).content.decode()

    assert page.count("Before you apply (") == 1
    panel = page[page.index('id="before-you-apply"'):]
    panel = panel[:panel.index("</details>")]
    notices = re.findall(r"<li>(.*?)</li>", panel, re.S)
    assert f"Before you apply ({len(notices)})" in panel
    assert any("budget" in notice for notice in notices), notices
    assert any("Statement of Need" in notice for notice in notices)
    # One filled button: downloading the list; rebuilding it is a secondary action.
    primary = re.findall(r'class="btn btn-primary[^"]*"[^>]*>([^<]*)<', page)
    assert [text.strip() for text in primary] == ["Download tracker (.xlsx)"]


def test_the_step_3_advice_is_one_more_item_of_the_before_you_apply_panel(
    client, real_catalog,
) -> None:
    profile = persona(step1_attempts=2)  # Step 3 before the Match is advised
    client.force_login(profile.user)

    page = client.get(reverse("tiering:list", kwargs={"pk": profile.pk})).content.decode()

    panel = page[page.index('id="before-you-apply"'):]
    panel = panel[:panel.index("</details>")]
    notices = re.findall(r"<li>(.*?)</li>", panel, re.S)
    advice = re.findall(r'data-advice="([a-z0-9_]+)"', panel)
    assert "step3_recommended" in advice
    assert f"Before you apply ({len(notices) + len(advice)})" in panel
    assert page.count("data-advice=") == len(advice)  # nowhere else on the page


def test_building_is_the_main_action_while_the_list_is_empty(client, real_catalog) -> None:
    profile = persona()
    list_recompute(profile)
    ListEntry.objects.filter(profile=profile).update(excluded=True)  # she removed them all
    client.force_login(profile.user)

    page = client.get(reverse("tiering:list", kwargs={"pk": profile.pk})).content.decode()

    primary = re.findall(r'class="btn btn-primary[^"]*"[^>]*>([^<]*)<', page)
    assert [text.strip() for text in primary] == ["Build my list"]
