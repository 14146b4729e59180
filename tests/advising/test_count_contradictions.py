"""``manage.py count_contradictions``: every reader of a fact agrees, after an approval too."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from applicants.models import Profile
from programs.models import Program, VerifiedFact

pytestmark = pytest.mark.django_db


def counts(*args: str) -> dict[str, int]:
    out = io.StringIO()
    call_command("count_contradictions", "--specialty", "140", "--state", "TX", *args,
                 stdout=out)
    lines = [line.split(": ") for line in out.getvalue().splitlines() if ": " in line]
    found = {name: int(value.split()[0]) for name, value in lines}
    found["read"] = int(out.getvalue().split("(")[-1].split()[0])  # "(N programs read, ...)"
    return found


def test_no_reader_contradicts_another_before_or_after_an_approval(real_catalog) -> None:
    assert counts()["total"] == 0
    after = counts("--approve", "1404800900:j1_accepted=yes",
                   "--approve", "1404800900:img_share_pct=60")
    assert after["total"] == 0
    # It read the pages it counts (Texas IM), and left nothing behind.
    assert after["read"] > 20
    assert not VerifiedFact.objects.exists() and not Profile.objects.exists()
    assert Program.objects.get(acgme_id="1404800900").j1_accepted == "no"
