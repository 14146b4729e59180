"""The application strategy: ERAS signals against the season's numbers, geographic preferences
(coverage, the score's small weight, the map) and the SOAP backup list with its workbook
sheet."""

from __future__ import annotations

import io
import math
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from applicants.models import AdvisorLink, User
from programs.models import Program
from strategy import season
from strategy.geography import coverage, covered_by
from strategy.signals import (
    GOLD,
    INTERVIEW_ANYWAY_SCORE,
    SIGNAL,
    SILVER,
    SignalRow,
    SpecialtySignals,
    limit_problems,
    propose,
)
from strategy.soap import soap_list
from tests.factories import ProfileFactory, UserFactory
from tests.routes import route
from tests.strategy.conftest import fm_entries
from tests.tiering.test_scoring import make_applicant, make_program
from tiering import scoring
from tiering.models import ListEntry, Tier
from tiering.scoring.divisions import (
    BORDER_DIVISIONS,
    DIVISIONS,
    MOUNTAIN,
    PACIFIC,
    STATE_DIVISION,
    WEST_SOUTH_CENTRAL,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# --- the season's numbers ----------------------------------------------------------------------


def test_the_season_allows_the_signals_the_facts_give() -> None:
    im = season.allowance_for("140")
    assert (im.gold, im.silver, im.total) == (3, 12, 15)
    assert season.allowance_for("120").total == 5  # Family Medicine
    assert season.allowance_for("320").total == 5  # Pediatrics
    assert season.allowance_for("400").total == 10  # Psychiatry
    assert not season.allowance_for("120").tiered


def test_each_signal_figure_names_its_season_fact_and_source() -> None:
    for allowance in season.SIGNALS.values():
        assert allowance.season and allowance.facts.startswith("F3.")
        assert allowance.url.startswith("https://")
    assert "F3.8" in season.allowance_for("140").facts


def test_the_census_table_puts_the_border_states_in_their_three_divisions() -> None:
    assert STATE_DIVISION["TX"] == WEST_SOUTH_CENTRAL
    assert STATE_DIVISION["NM"] == STATE_DIVISION["AZ"] == MOUNTAIN
    assert STATE_DIVISION["CA"] == PACIFIC
    assert set(BORDER_DIVISIONS) == {WEST_SOUTH_CENTRAL, MOUNTAIN, PACIFIC}
    assert len(DIVISIONS) == 9 and len(STATE_DIVISION) == 51  # 50 states and DC


# --- the proposal (no database) ---------------------------------------------------------------


def entry(pk: int, *, tier: int, score: float, confidence: float = 0.9, code: str = "120",
          state: str = "OH", border: bool = False, eras: str = "unknown") -> ListEntry:
    program = Program(acgme_id=f"{code}{pk:07d}", name=f"Program {pk}", city="Town",
                      state=state, in_border_region=border, participates_in_eras=eras)
    item = ListEntry(pk=pk, program=program, computed_tier=tier, score=score,
                     confidence=confidence)
    return item


def test_the_proposal_signals_realistic_programs_first_then_uses_what_the_season_allows(
) -> None:
    entries = [
        entry(1, tier=Tier.TIER_3, score=40),  # reach, no mission fit
        entry(2, tier=Tier.TIER_1, score=INTERVIEW_ANYWAY_SCORE + 5),  # strong, high confidence
        entry(3, tier=Tier.TIER_1, score=70),
        entry(4, tier=Tier.TIER_2, score=55),
        entry(5, tier=Tier.NOT_ELIGIBLE, score=0),
        entry(6, tier=Tier.TIER_2, score=50, eras="no"),  # not in ERAS: cannot be signalled
        entry(7, tier=Tier.TIER_3, score=42, state="TX", border=True),  # reach, border region
    ]

    proposal = propose(entries, season.allowance_for("120"))

    # The realistic ones first, then the strong Tier 1 and the border reach program rather
    # than two of Family Medicine's 5 signals unused; never the reach program without a fit.
    assert list(proposal) == [3, 4, 2, 7]
    assert all(kind == SIGNAL for kind, _ in proposal.values())
    assert "realistic" in proposal[4][1]
    assert "anyway" in proposal[2][1] and "no other realistic program" in proposal[2][1]
    assert "reach program that fits your mission" in proposal[7][1]


def test_signals_the_season_allows_but_the_list_cannot_use_are_explained() -> None:
    entries = [entry(1, tier=Tier.TIER_2, score=60), entry(2, tier=Tier.TIER_3, score=40)]
    allowance = season.allowance_for("120")
    proposal = propose(entries, allowance)
    section = SpecialtySignals(code="120", name="Family Medicine", allowance=allowance, rows=[
        SignalRow(entry=e, kind="", proposed=proposal.get(e.pk, ("", ""))[0], reason="",
                  participation="", can_signal=True) for e in entries])

    assert section.unused == 4
    assert section.unused_reason.startswith("4 of the 5 signals are not proposed")
    assert "Family Medicine" in section.unused_reason


def test_the_proposal_keeps_to_the_season_and_puts_the_best_fits_first() -> None:
    entries = [entry(n, tier=Tier.TIER_2, score=50 + n) for n in range(1, 9)]
    entries.append(entry(20, tier=Tier.TIER_2, score=46, state="TX", border=True))

    proposal = propose(entries, season.allowance_for("120"), divisions=[WEST_SOUTH_CENTRAL])

    assert len(proposal) == season.allowance_for("120").total == 5
    assert 20 in proposal  # the lowest score, but in the border region and a chosen division
    assert "border region" in proposal[20][1] and "West South Central" in proposal[20][1]


def test_internal_medicine_gets_three_gold_and_twelve_silver_signals() -> None:
    entries = [entry(n, tier=Tier.TIER_2, score=70 - n, code="140") for n in range(1, 21)]

    proposal = propose(entries, season.allowance_for("140"))

    kinds = [kind for kind, _ in proposal.values()]
    assert kinds.count(GOLD) == 3 and kinds.count(SILVER) == 12
    assert {pk for pk, (kind, _) in proposal.items() if kind == GOLD} == {1, 2, 3}


def test_more_signals_than_the_season_allows_are_refused_with_the_number() -> None:
    assert limit_problems([("120", SIGNAL)] * 5) == []
    (problem,) = limit_problems([("120", SIGNAL)] * 6)
    assert "Family Medicine allows 5 signals" in problem and "6" in problem
    (problem,) = limit_problems([("140", GOLD)] * 4 + [("140", SILVER)] * 2)
    assert "allows 3 gold signals" in problem
    (problem,) = limit_problems([("140", SILVER)] * 16)
    assert "allows 15 signals" in problem and "3 gold, 12 silver" in problem


# --- the score's small weight ------------------------------------------------------------------


def test_a_program_in_a_chosen_division_gets_a_small_cited_bonus() -> None:
    applicant = make_applicant(step2_score=232, preferred_divisions=(WEST_SOUTH_CENTRAL,))
    plain = make_applicant(step2_score=232)
    program = make_program(state="TX", non_us_img_share_pct=10.0)

    chosen = scoring.score_program(applicant=applicant, program=program)
    without = scoring.score_program(applicant=plain, program=program)
    elsewhere = scoring.score_program(applicant=applicant,
                                      program=make_program(state="OH", non_us_img_share_pct=10.0))

    assert chosen.components[scoring.C_GEO] == scoring.WEIGHT_GEO_PREFERENCE
    assert chosen.score - without.score == round(scoring.WEIGHT_GEO_PREFERENCE)
    assert elsewhere.components[scoring.C_GEO] == 0.0
    # Small: below FACTS §8B's 5 points for signal plus preference, derived from the odds ratios
    assert scoring.WEIGHT_GEO_PREFERENCE == pytest.approx(5 * math.log(1.4) / math.log(3.2),
                                                          abs=0.05)
    text = next(r.text for r in chosen.reasons if r.component == scoring.C_GEO)
    assert "JGIM 2024" in text and "1.4" in text and "US graduates" in text


def test_more_than_three_divisions_are_not_a_valid_applicant() -> None:
    with pytest.raises(ValueError):
        make_applicant(preferred_divisions=tuple(DIVISIONS[:4]))


# --- coverage ---------------------------------------------------------------------------------


def test_division_coverage_counts_the_programs_of_the_list() -> None:
    entries = [entry(1, tier=1, score=70, state="TX", border=True),
               entry(2, tier=2, score=50, state="TX"),
               entry(3, tier=2, score=50, state="NM", border=True),
               entry(4, tier=3, score=30, state="CA"),
               entry(5, tier=3, score=30, state="CA"),
               entry(6, tier=2, score=50, state="NY"),
               entry(7, tier=2, score=50, state="PR")]  # in no division

    rows = {row.division: row for row in coverage(entries, [PACIFIC])}

    assert (rows[WEST_SOUTH_CENTRAL].programs, rows[WEST_SOUTH_CENTRAL].realistic,
            rows[WEST_SOUTH_CENTRAL].border) == (2, 2, 1)
    assert rows[PACIFIC].programs == 2 and rows[PACIFIC].chosen
    proposed = {d for d, row in rows.items() if row.proposed}
    assert proposed == {WEST_SOUTH_CENTRAL, MOUNTAIN, "middle_atlantic"}
    assert covered_by(list(rows.values()), [WEST_SOUTH_CENTRAL, PACIFIC]) == 4


def test_geographic_preferences_weigh_the_border_and_the_applicants_states_first() -> None:
    # Many realistic programs in East North Central, few in the border divisions: an applicant
    # who brings border fit is proposed the divisions of the list's border programs first.
    entries = [entry(n, tier=2, score=60, state="OH") for n in range(1, 21)]
    entries += [entry(30, tier=2, score=50, state="TX", border=True),
                entry(31, tier=3, score=40, state="NM", border=True),
                entry(32, tier=3, score=40, state="CA", border=True),
                entry(33, tier=2, score=60, state="NY"), entry(34, tier=2, score=60, state="NY"),
                entry(35, tier=2, score=60, state="FL")]

    def proposed(**kwargs) -> set[str]:
        return {row.division for row in coverage(entries, **kwargs) if row.proposed}

    assert proposed(border_first=True) == {WEST_SOUTH_CENTRAL, MOUNTAIN, PACIFIC}
    assert "east_north_central" in proposed()  # without border fit: the realistic programs
    # The applicant's own states come next: Florida (South Atlantic) over New York's two.
    assert "south_atlantic" in proposed(states=["FL"])
    assert "south_atlantic" not in proposed()


# --- the pages, the list and the workbook -------------------------------------------------------


def signal_column(content: bytes) -> dict[str, str]:
    sheet = load_workbook(io.BytesIO(content))["Tracker"]
    headers = [cell.value for cell in sheet[1]]
    return {row[headers.index("ACGME id")]: row[headers.index("Signal")]
            for row in sheet.iter_rows(min_row=2, values_only=True)}


def test_the_list_page_shows_the_strategy_panel(owner, profile) -> None:
    html = owner.get(route("list", pk=profile.pk)).content.decode()

    assert "Strategy: signals, geographic preferences, SOAP" in html
    # The season planned for, from the one setting; each figure with its own source's season.
    assert "Signals for ERAS 2027 / Match 2027" in html
    assert "Family Medicine 0 of 5 (2025 ERAS season figures)" in html
    assert route("strategy", pk=profile.pk) in html and route("soap", pk=profile.pk) in html


def test_the_proposed_signals_go_to_the_list_and_the_workbook_column_follows(owner,
                                                                             profile) -> None:
    owner.post(route("signals_propose", pk=profile.pk))

    signalled = {e.program.acgme_id for e in ListEntry.objects.filter(profile=profile,
                                                                      signal=True)}
    assert signalled, "the proposal signals some realistic programs"
    for item in ListEntry.objects.filter(profile=profile, signal=True):
        assert item.tier in (Tier.TIER_1, Tier.TIER_2)
        assert not (item.tier == Tier.TIER_1 and item.score >= INTERVIEW_ANYWAY_SCORE
                    and item.confidence >= scoring.CONFIDENCE_HIGH)
    column = signal_column(owner.get(route("tracker_xlsx", pk=profile.pk)).content)
    assert {acgme_id for acgme_id, value in column.items() if value == "Yes"} == signalled


def test_signalling_more_programs_than_the_season_allows_is_refused(owner, profile) -> None:
    entries = fm_entries(profile)
    assert len(entries) > 5
    data = {f"signal-{item.pk}": SIGNAL for item in entries[:6]}

    response = owner.post(route("signals_update", pk=profile.pk), data, follow=True)

    assert "Family Medicine allows 5 signals" in response.content.decode()
    assert not ListEntry.objects.filter(profile=profile, signal=True).exists()
    data.pop(f"signal-{entries[5].pk}")
    owner.post(route("signals_update", pk=profile.pk), data)
    assert ListEntry.objects.filter(profile=profile, signal=True).count() == 5


def test_an_advisor_can_change_the_signals(client, profile) -> None:
    advisor = UserFactory(role=User.Role.ADVISOR)
    AdvisorLink.objects.create(profile=profile, advisor=advisor)
    client.force_login(advisor)
    first = fm_entries(profile)[0]

    client.post(route("signals_update", pk=profile.pk), {f"signal-{first.pk}": SIGNAL})

    assert ListEntry.objects.get(pk=first.pk).signal


def test_an_upload_with_more_signals_than_allowed_is_refused_with_the_number(owner,
                                                                             profile) -> None:
    content = owner.get(route("tracker_xlsx", pk=profile.pk)).content
    wb = load_workbook(io.BytesIO(content))
    sheet = wb["Tracker"]
    headers = [cell.value for cell in sheet[1]]
    fm_rows = [row for row in sheet.iter_rows(min_row=2)
               if str(row[headers.index("ACGME id")].value).startswith("120")]
    for row in fm_rows[:6]:
        row[headers.index("Signal")].value = "Yes"
    out = io.BytesIO()
    wb.save(out)

    response = owner.post(route("tracker_upload", pk=profile.pk), {
        "file": SimpleUploadedFile("tracker.xlsx", out.getvalue(), content_type=XLSX)},
        follow=True)  # through the page that waits for the worker (inline in the tests)

    html = response.content.decode()
    assert "Family Medicine allows 5 signals" in html and "would make 6" in html
    assert not ListEntry.objects.filter(profile=profile, signal=True).exists()


def test_the_tracker_form_refuses_a_signal_over_the_limit(owner, profile) -> None:
    entries = fm_entries(profile)
    ListEntry.objects.filter(pk__in=[e.pk for e in entries[:5]]).update(signal=True)
    sixth = entries[5]

    response = owner.post(route("entry_tracking", pk=profile.pk, entry_id=sixth.pk),
                          {"status": "not_started", "signal": "on"}, follow=True)

    assert "allows 5 signals" in response.content.decode()
    assert not ListEntry.objects.get(pk=sixth.pk).signal


def test_the_strategy_page_says_what_is_known_of_participation(owner, profile) -> None:
    html = owner.get(route("strategy", pk=profile.pk)).content.decode()

    assert "Opted in by default" in html  # Internal Medicine (F3.8)
    # Family Medicine: nothing on file, said once for the specialty, not once per program.
    assert html.count("Participation not stated") == 1
    assert "Internal Medicine: 3 gold and 12 silver signals (2025-26 cycle figures)" in html
    assert "Family Medicine: 5 signals (2025 ERAS season figures)" in html


def test_choosing_divisions_scores_the_list_again(owner, profile) -> None:
    before = {e.program.acgme_id: e.score for e in ListEntry.objects.filter(profile=profile)}

    owner.post(route("geography_update", pk=profile.pk),
               {"divisions": [WEST_SOUTH_CENTRAL], "setting": "urban"})

    profile.refresh_from_db()
    assert profile.geographic_divisions == [WEST_SOUTH_CENTRAL]
    assert profile.geographic_setting == "urban"
    after = {e.program.acgme_id: e.score for e in ListEntry.objects.filter(profile=profile)}
    texas = [a for a in after if Program.objects.get(acgme_id=a).state == "TX"]
    assert any(after[a] > before[a] for a in texas)
    assert all(after[a] == before[a] for a in after if a not in texas)


def test_more_than_three_divisions_are_refused(owner, profile) -> None:
    response = owner.post(route("geography_update", pk=profile.pk),
                          {"divisions": list(DIVISIONS[:4])}, follow=True)

    assert "at most 3" in response.content.decode()
    profile.refresh_from_db()
    assert profile.geographic_divisions == []


def test_the_map_page_draws_every_program_with_its_tier_and_a_text_equivalent(owner,
                                                                              profile) -> None:
    html = owner.get(route("map", pk=profile.pk)).content.decode()

    assert "<h1" in html and "Map of the list" in html
    start = html.index('<svg xmlns')  # the map; the legend's small swatches come before it
    svg = html[start:html.index("</svg>", start)]
    assert "<title" in svg and "<desc" in svg and 'viewBox="' in svg and 'width="100%"' in svg
    entries = ListEntry.objects.on_list().filter(profile=profile).select_related("program")
    for item in entries:
        assert f"{item.program.name}, {item.program.city}, {item.program.state}: Tier " \
               f"{item.tier}" in svg
    table = html[html.index('id="map-table"'):]
    for item in entries:
        assert item.program.name in table
    # Tier markers carry their number as text, not only a colour.
    assert re.search(r'fill="#fff">[123]</text>', svg)


def test_the_strategy_page_links_to_the_map_and_its_part_is_the_map_alone(owner,
                                                                         profile) -> None:
    strategy = owner.get(route("strategy", pk=profile.pk)).content.decode()
    part = owner.get(route("map", pk=profile.pk) + "?part=1").content.decode()

    # The strategy page does not carry the maps: it links to their page, and strategy.js
    # fetches the part in the link's place.
    assert "<svg xmlns" not in strategy
    assert f'href="{route("map", pk=profile.pk)}">Open the map of the list</a>' in strategy
    assert f'data-map="{route("map", pk=profile.pk)}?part=1"' in strategy
    assert "The list's 10 programs on a map" in strategy
    assert part.count('<svg xmlns') == 2 and 'id="map-table"' in part
    assert "<html" not in part and "<h1" not in part
    for item in ListEntry.objects.on_list().filter(profile=profile).select_related("program"):
        assert f"{item.program.name}, {item.program.city}, {item.program.state}" in part


def test_the_map_page_waits_for_a_complete_profile(client, db) -> None:
    profile = ProfileFactory(graduation_year=None)
    client.force_login(profile.user)

    assert client.get(route("map", pk=profile.pk)).status_code == 404


def test_the_soap_list_keeps_to_the_nrmp_limit_and_puts_border_programs_first(real_catalog):
    profile = ProfileFactory(ecfmg_status="certified", step2_score=225)

    choices = soap_list(profile)

    assert len(choices) == season.SOAP_MAX_APPLICATIONS == 45
    assert {c.program.specialty.code for c in choices} <= {"120", "140", "320"}
    border = [c.program.in_border_region for c in choices]
    assert border == sorted(border, reverse=True)  # every border program comes first
    assert any(border)
    assert all(c.program.j1_accepted != "no" for c in choices)
    assert all(c.reason for c in choices)


def test_the_soap_page_cites_the_nrmp_rule(owner, profile) -> None:
    html = owner.get(route("soap", pk=profile.pk)).content.decode()

    assert "at most 45 applications" in html and season.SOAP_SOURCE_URL in html


def test_the_workbook_has_a_soap_sheet_that_the_upload_ignores(owner, profile) -> None:
    content = owner.get(route("tracker_xlsx", pk=profile.pk)).content
    wb = load_workbook(io.BytesIO(content))

    assert wb.sheetnames == ["Summary", "Tracker", "SOAP", "Sources"]
    soap = wb["SOAP"]
    assert "at most 45 applications" in soap["A1"].value
    rows = list(soap.iter_rows(min_row=3, values_only=True))
    assert 0 < len(rows) <= 45
    soap["B3"].value = "Edited by hand"
    out = io.BytesIO()
    wb.save(out)
    response = owner.post(route("tracker_upload", pk=profile.pk), {
        "file": SimpleUploadedFile("tracker.xlsx", out.getvalue(), content_type=XLSX)},
        follow=True)
    assert "matches your list" in response.content.decode()


def test_a_gold_signal_is_in_the_backup(owner, profile, tmp_path) -> None:
    from django.core.management import call_command

    from strategy.models import GoldSignal

    im = ListEntry.objects.on_list().filter(profile=profile,
                                            program__acgme_id__startswith="140").first()
    owner.post(route("signals_update", pk=profile.pk), {f"signal-{im.pk}": GOLD})
    assert GoldSignal.objects.filter(entry=im).exists()

    call_command("backup_user_data", str(tmp_path / "backup.json"))

    assert '"strategy.goldsignal"' in (tmp_path / "backup.json").read_text()
