"""The tiered list in the browser and on the command line."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pandas as pd
import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from programs.catalog_import import import_catalog
from programs.models import Program, Specialty
from tests.factories import ProfileFactory, ProgramFactory, SpecialtyFactory
from tiering.lists import list_recompute
from tiering.models import ListEntry, Tier

pytestmark = pytest.mark.django_db

CORE = ["140", "120", "320", "400"]  # IM, FM, Pediatrics, Psychiatry


def persona(**changes):
    """Published-advice persona: Step 1 passed, Step 2 CK 222 first attempt, graduated two years
    ago, needs a J-1, native Spanish, 3 months hands-on clinical experience in El Paso."""
    from django.utils import timezone

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

    list_recompute(profile)

    entries = ListEntry.objects.filter(profile=profile).select_related("program")
    tier_1 = [e.program for e in entries if e.computed_tier == Tier.TIER_1]
    assert tier_1, "Tier 1 is empty"
    border_j1 = [p for p in tier_1 if p.in_border_region and p.j1_accepted == "yes"]
    assert border_j1, "no border-region J-1 program in Tier 1"
    assert {p.city for p in border_j1} & {"El Paso", "Mercedes", "Edinburg", "Harlingen",
                                          "McAllen", "Weslaco", "Laredo", "Las Cruces", "Yuma"}
    refusing = [e for e in entries if e.program.j1_accepted == "no"]
    assert refusing, "the catalog holds programs that refuse J-1"
    current = [e for e in refusing if e.program.source_of("j1_accepted").get("year", 0) >= 2024]
    stale = [e for e in refusing if e.program.source_of("j1_accepted").get("year") == 2021]
    assert current and stale
    assert all(e.computed_tier == Tier.NOT_ELIGIBLE for e in current)
    # A 2021 "no" is too old to close a program: Tier 3 at best, and checked first.
    assert all(e.computed_tier in (Tier.TIER_3, Tier.NOT_ELIGIBLE) for e in stale)
    assert all(
        e.explanation["to_verify"][0].startswith("Check first")
        for e in stale if e.computed_tier == Tier.TIER_3
    )


def test_programs_with_unknown_visa_policy_are_never_tier_1(real_catalog) -> None:
    profile = persona()

    list_recompute(profile)

    unknown_visa = ListEntry.objects.filter(profile=profile, program__j1_accepted="unknown")
    assert unknown_visa.exists()
    assert not unknown_visa.filter(computed_tier=Tier.TIER_1).exists()


def test_the_list_page_shows_tiers_counts_and_reasons(client, real_catalog) -> None:
    profile = persona()
    client.force_login(profile.user)

    response = client.get(reverse("tiering:list", kwargs={"pk": profile.pk}))

    page = response.content.decode()
    counts = response.context["counts"]
    assert sum(counts.values()) == Program.objects.count()
    assert counts[Tier.TIER_1] > 0 and counts[Tier.NOT_ELIGIBLE] > 0
    assert "Tier 1: realistic, high priority" in page
    assert "<details" in page and "Not eligible" in page  # folded, with the reasons
    assert "Non-US IMGs are" in page  # a reason in plain language
    assert "Border ·" in page  # the border badge with its distance
    assert "How many to apply to, and the cost" in page


def test_the_list_follows_a_profile_change(client, real_catalog) -> None:
    profile = persona()
    client.force_login(profile.user)
    url = reverse("tiering:list", kwargs={"pk": profile.pk})
    before = client.get(url).context["counts"]

    # Needing an H-1B without a Step 3 pass closes every program (H-1B requires Step 3).
    profile.visa_need = "h1b"
    profile.save()
    after = client.get(url).context["counts"]

    assert before[Tier.TIER_1] > 0
    assert after[Tier.TIER_1] == after[Tier.TIER_2] == after[Tier.TIER_3] == 0
    assert after[Tier.NOT_ELIGIBLE] == sum(before.values())


def test_filters_and_sorting(client, real_catalog) -> None:
    profile = persona()
    client.force_login(profile.user)
    url = reverse("tiering:list", kwargs={"pk": profile.pk})

    response = client.get(url, {"specialty": "140", "state": "TX", "border": "on",
                                "sort": "distance", "tier": "4"})

    rows = list(response.context["sections"][0]["rows"])
    assert rows
    assert all(e.program.specialty.code == "140" and e.program.state == "TX"
               and e.program.in_border_region for e in rows)
    distances = [e.program.border_distance_km for e in rows]
    assert distances == sorted(distances)


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
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured.captured_queries)

    few, many = queries_for(5), queries_for(120)

    assert few == many
    # session, user, profile, staleness check, list choices (2), tier counts, four tier
    # sections, excluded, plan counts: a fixed number, whatever the size of the list.
    with django_assert_num_queries(few):
        client.get(url)


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


def test_programs_that_leave_the_list_keep_the_applicants_work(client) -> None:
    im = SpecialtyFactory(code="140", name="Internal Medicine")
    fm = SpecialtyFactory(code="120", name="Family Medicine")
    kept = ProgramFactory(specialty=fm, acgme_id="1204800001")
    dropped = ProgramFactory(specialty=fm, acgme_id="1204800002")
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
    assert client.get(url).context["counts"][Tier.NOT_ELIGIBLE] == 0

    frame = pd.DataFrame([{"acgme_id": program.acgme_id, "j1_accepted": "no"}])
    assert import_catalog(frame, default_source="advisor.csv").ok

    assert client.get(url).context["counts"][Tier.NOT_ELIGIBLE] == 1


# --- manage.py tier_list ---------------------------------------------------------------------


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
    from django.utils import timezone

    profile = persona()
    list_recompute(profile)
    stored = {e.program.acgme_id: e.computed_tier
              for e in ListEntry.objects.filter(profile=profile).select_related("program")}

    data = {**PERSONA_JSON, "graduation_year": timezone.now().year - 2}
    rows = json.loads(run_tier_list(tmp_path, data))

    assert {row["acgme_id"]: row["tier_number"] or Tier.NOT_ELIGIBLE for row in rows} == stored


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
