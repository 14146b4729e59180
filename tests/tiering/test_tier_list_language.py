"""`manage.py tier_list --language`: the tier labels in the language asked for; the keys and
columns scripts read stay the same."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command

from tests.factories import ProgramFactory, SpecialtyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def profile_file(tmp_path):
    specialty = SpecialtyFactory()
    ProgramFactory(specialty=specialty, j1_accepted="yes", non_us_img_share_pct=50)
    ProgramFactory(specialty=specialty, j1_accepted="no")
    path = tmp_path / "client.json"
    path.write_text(json.dumps({"graduation_year": 2024, "step1_passed": True,
                                "step1_attempts": 1, "step2_score": 222, "step2_attempts": 1,
                                "target_specialties": [specialty.code]}))
    return path


def tier_list(path, *options: str) -> str:
    out = io.StringIO()
    call_command("tier_list", "--profile", str(path), *options, stdout=out)
    return out.getvalue()


def test_tier_list_in_spanish_names_the_tiers_in_spanish_with_the_same_keys(
    profile_file,
) -> None:
    spanish = json.loads(tier_list(profile_file, "--language", "es", "--all"))["programs"]
    english = json.loads(tier_list(profile_file, "--all"))["programs"]

    assert [row.keys() for row in spanish] == [row.keys() for row in english]
    assert "No elegible" in {row["tier"] for row in spanish}
    assert "Not eligible" in {row["tier"] for row in english}
    assert all(row["tier"].startswith(("Nivel", "No elegible")) for row in spanish)
    closed_es = next(row for row in spanish if not row["eligible"])
    closed_en = next(row for row in english if not row["eligible"])
    assert closed_en["hard_reasons"][0].startswith("Does not take J-1 visas")
    assert closed_es["hard_reasons"][0].startswith("No acepta visas J-1")


def test_tier_list_csv_in_spanish_keeps_its_column_names(profile_file) -> None:
    lines = tier_list(profile_file, "--format", "csv", "--language", "es",
                      "--all").splitlines()

    assert lines[0].startswith("on_list,tier,score,confidence,acgme_id,program")
    assert any(line.startswith("no,No elegible,") for line in lines[1:])
