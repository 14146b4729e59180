"""One truth per fact: a verified answer reaches every page, filter, export and command, and a
withdrawal brings the imported value back everywhere.

HCA Healthcare Las Palmas Del Sol IM (El Paso) says no to J-1 in AAMC Residency Explorer 2021
(an old answer: "Check first", Tier 3 at best) and has an IMG share of 76.8% in FREIDA 2025.
Staff approve an advisor's phone call: it takes J-1, and 60% of its residents are IMGs.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import openpyxl
import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from applicants.models import AdvisorLink, Profile, User
from programs import verification
from programs.models import Program, Specialty
from tests.factories import UserFactory
from tiering.lists import list_recompute
from tiering.models import ListEntry

pytestmark = pytest.mark.django_db
LAS_PALMAS = "1404800900"
TODAY = timezone.localdate()
VERIFIED = f"verified on {TODAY.isoformat()}"


def persona() -> Profile:
    """The example applicant (J-1, Step 2 CK 222, native Spanish, border experience), IM and
    FM, with Las Palmas pinned on her list so that it stays there whatever its tier."""
    user = User.objects.create_user(email="maria.lopez@example.org", password="x" * 12)
    profile = Profile.objects.create(
        user=user, step1_passed=True, step1_attempts=1, step2_score=222, step2_attempts=1,
        graduation_year=timezone.now().year - 2, visa_need="j1", ecfmg_status="certified",
        spanish_level="native", usce_hands_on_months=3, usce_border_months=3)
    profile.target_specialties.set(Specialty.objects.filter(code__in=["140", "120"]))
    list_recompute(profile)
    ListEntry.objects.filter(profile=profile, program__acgme_id=LAS_PALMAS).update(pinned=True)
    assert ListEntry.objects.filter(profile=profile, program__acgme_id=LAS_PALMAS,
                                    excluded=False).exists()
    return profile


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def rows(html: str) -> list[tuple[str, str]]:
    """Each table row: (its HTML, its text)."""
    out = []
    for part in html.split("<tr")[1:]:
        row = part.split(">", 1)[1].split("</tr>")[0]
        out.append((row, text(row).strip()))
    return out


def row_of(html: str, marker: str) -> str:
    """The text of the first table row whose HTML holds ``marker`` (e.g. a program's link)."""
    found = [words for row, words in rows(html) if marker in row]
    assert found, f"no row for {marker}"
    return found[0]


def facts_row(html: str, label: str) -> str:
    [row] = [words for _, words in rows(html) if words.startswith(label)]
    return row


def sheet_row(content: bytes, acgme_id: str) -> dict[str, object]:
    book = openpyxl.load_workbook(io.BytesIO(content))
    rows = list(book["Tracker"].iter_rows(values_only=True))
    header = rows[0]
    [row] = [r for r in rows[1:] if acgme_id in r]
    return dict(zip(header, row, strict=False))


def csv_row(content: bytes, acgme_id: str) -> dict[str, str]:
    reader = csv.DictReader(io.StringIO(content.decode("utf-8-sig")))
    [row] = [r for r in reader if r["ACGME id"] == acgme_id]
    return row


def tier_list(tmp_path: Path, fmt: str) -> str:
    path = tmp_path / "profile.json"
    path.write_text(json.dumps({
        "step1_passed": True, "step1_attempts": 1, "step2_score": 222, "step2_attempts": 1,
        "graduation_year": timezone.now().year - 2, "visa_need": "j1",
        "ecfmg_status": "certified", "spanish_level": "native", "usce_hands_on_months": 3,
        "usce_border_months": 3, "target_specialties": ["140"], "target_states": ["TX"]}))
    out = io.StringIO()
    call_command("tier_list", profile=path, format=fmt, everything=True, stdout=out)
    return out.getvalue()


def everything(client, profile: Profile, advisor: User, tmp_path: Path) -> dict[str, object]:
    """What each reader shows of Las Palmas."""
    client.force_login(profile.user)
    seen: dict[str, object] = {}
    page = client.get(reverse("programs:detail", args=[LAS_PALMAS])).content.decode()
    seen["program page J-1"] = facts_row(page, "J-1 visa accepted")
    seen["program page IMG"] = facts_row(page, "IMG residents")
    catalog = reverse("programs:list")
    found = client.get(catalog, {"q": "Las Palmas", "specialty": "140"}).content.decode()
    seen["catalog row"] = row_of(found, f"/programs/{LAS_PALMAS}/")
    seen["catalog J-1 = yes"] = f"/programs/{LAS_PALMAS}/" in client.get(
        catalog, {"q": "Las Palmas", "j1": "yes"}).content.decode()
    seen["catalog J-1 = no"] = f"/programs/{LAS_PALMAS}/" in client.get(
        catalog, {"q": "Las Palmas", "j1": "no"}).content.decode()
    the_list = client.get(reverse("tiering:list", args=[profile.pk])).content.decode()
    seen["list row"] = row_of(the_list, f"/{LAS_PALMAS}/")
    explanation = client.get(reverse("tiering:explanation", args=[profile.pk, LAS_PALMAS]))
    seen["explanation J-1"] = facts_row(explanation.content.decode(), "J-1 visa accepted")
    seen["workbook"] = sheet_row(
        client.get(reverse("tracker:tracker_xlsx", args=[profile.pk])).content, LAS_PALMAS)
    seen["csv"] = csv_row(
        client.get(reverse("tracker:tracker_csv", args=[profile.pk])).content, LAS_PALMAS)
    soap = client.get(reverse("strategy:soap", args=[profile.pk])).content.decode()
    seen["soap"] = row_of(soap, "Las Palmas") if "Las Palmas" in soap else ""
    the_map = client.get(reverse("strategy:map", args=[profile.pk])).content.decode()
    seen["strategy map row"] = row_of(the_map.split('id="map-table"', 1)[1], "Las Palmas")
    seen["tier"] = ListEntry.objects.get(profile=profile, program__acgme_id=LAS_PALMAS).tier
    [seen["tier_list json"]] = [p for p in json.loads(tier_list(tmp_path, "json"))["programs"]
                                if p["acgme_id"] == LAS_PALMAS]
    [seen["tier_list csv"]] = [r for r in csv.DictReader(io.StringIO(tier_list(tmp_path, "csv")))
                               if r["acgme_id"] == LAS_PALMAS]
    client.force_login(advisor)
    dashboard = client.get(reverse("advising:advisor_dashboard")).content.decode()
    seen["dashboard verify next"] = (row_of(dashboard.replace("<li", "<tr"), "Las Palmas")
                                     if "Las Palmas" in dashboard else "")
    return seen


def assert_imported(seen: dict[str, object]) -> None:
    """The imported answers: J-1 "no" from 2021 (old: shown with its year), IMG share 76.8%
    (FREIDA 2025)."""
    assert "No" in seen["program page J-1"] and "2021" in seen["program page J-1"]
    assert "76.8%" in seen["program page IMG"] and "2025" in seen["program page IMG"]
    assert "No (2021)" in seen["catalog row"] and "77% all IMGs (2025)" in seen["catalog row"]
    assert (seen["catalog J-1 = yes"], seen["catalog J-1 = no"]) == (False, True)
    assert "J-1: No (2021)" in seen["list row"] and "77% all IMGs (2025)" in seen["list row"]
    assert "No" in seen["explanation J-1"] and "2021" in seen["explanation J-1"]
    for export in (seen["workbook"], seen["csv"]):
        assert export["J-1"] == "No" and "J-1: 2021" in export["As of"]
        assert float(export["IMG share (%)"]) == 77 and "IMG share: 2025" in export["As of"]
    assert seen["soap"] == ""  # a program that says no to J-1 is no SOAP backup for her
    assert seen["tier_list json"]["j1_accepted"] == "no"
    assert seen["tier_list json"]["j1_accepted_as_of"] == "2021"
    assert seen["tier_list json"]["img_share_pct"] == 76.8
    assert seen["tier_list csv"]["j1_accepted"] == "no"
    assert seen["tier_list csv"]["j1_accepted_as_of"] == "2021"
    assert "Check first" in seen["dashboard verify next"]


def assert_verified(seen: dict[str, object]) -> None:
    assert "Yes" in seen["program page J-1"] and VERIFIED in seen["program page J-1"]
    assert "60%" in seen["program page IMG"] and VERIFIED in seen["program page IMG"]
    assert f"Yes ({VERIFIED})" in seen["catalog row"]
    assert f"60% all IMGs ({VERIFIED})" in seen["catalog row"]
    assert (seen["catalog J-1 = yes"], seen["catalog J-1 = no"]) == (True, False)
    assert f"J-1: Yes ({VERIFIED})" in seen["list row"]
    assert f"60% all IMGs ({VERIFIED})" in seen["list row"]
    assert "Yes" in seen["explanation J-1"] and VERIFIED in seen["explanation J-1"]
    for export in (seen["workbook"], seen["csv"]):
        assert export["J-1"] == "Yes" and f"J-1: {VERIFIED}" in export["As of"]
        assert float(export["IMG share (%)"]) == 60 and f"IMG share: {VERIFIED}" in export["As of"]
    assert f"takes J-1 visas ({VERIFIED})" in seen["soap"]
    assert seen["tier_list json"]["j1_accepted"] == "yes"
    assert seen["tier_list json"]["j1_accepted_as_of"] == VERIFIED
    assert seen["tier_list json"]["img_share_pct"] == 60
    assert seen["tier_list json"]["img_share_pct_as_of"] == VERIFIED
    assert any("verified with the program" in r["text"] for r in seen["tier_list json"]["reasons"])
    assert seen["tier_list csv"]["j1_accepted"] == "yes"
    assert seen["tier_list csv"]["j1_accepted_as_of"] == VERIFIED
    assert seen["dashboard verify next"] == ""  # nothing left to verify there


def test_a_verified_answer_reaches_every_reader_and_a_withdrawal_brings_the_old_one_back(
    client, real_catalog, tmp_path
) -> None:
    profile = persona()
    advisor = UserFactory(role="advisor")
    AdvisorLink.objects.create(profile=profile, advisor=advisor)
    program = Program.objects.get(acgme_id=LAS_PALMAS)

    before = everything(client, profile, advisor, tmp_path)
    assert_imported(before)

    entries = [verification.submit(program, advisor, key=key, value=value, method="phone",
                                   note="Coordinator, by phone", verified_on=TODAY)
               for key, value in (("j1_accepted", "yes"), ("img_share_pct", "60"))]
    staff = UserFactory(role="staff")
    for entry in entries:
        assert verification.approve(entry.pk, staff)
    after = everything(client, profile, advisor, tmp_path)
    assert_verified(after)
    assert after["tier"] < before["tier"]  # a better tier (Tier 3 "Check first" before) ...
    for seen in (before, after):  # ... which the map of the list shows too
        assert f"TX {seen['tier']} Yes" in seen["strategy map row"]

    for entry in entries:
        assert verification.withdraw(entry.pk, staff)
    again = everything(client, profile, advisor, tmp_path)
    assert_imported(again)
    assert again["tier"] == before["tier"] and f"TX {again['tier']} Yes" in again[
        "strategy map row"]
