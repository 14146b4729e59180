"""Every product module stays short enough to read in one sitting.

A module past 450 lines has always turned out to hold more than one job (the list's facts,
building and hand edits once shared one file); the split by job is what lets a maintainer find
the room of any line from its name. Migrations are generated and tests are not product code.
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("programs", "applicants", "tiering", "strategy", "tracker", "advising",
            "residency_planner")
MAX_LINES = 450


def test_no_product_module_is_over_450_lines() -> None:
    long = {
        str(path.relative_to(ROOT)): lines
        for package in PACKAGES
        for path in sorted((ROOT / package).rglob("*.py"))
        if "migrations" not in path.parts
        and (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}, f"split these by what each part does: {long}"
