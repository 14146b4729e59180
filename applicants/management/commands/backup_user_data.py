"""Write every piece of user data to one file: accounts, profiles, lists, tracking, gold
signals, advisor links, notes and history, plus the catalog (advisors may have imported their
own programs).

Programs, specialties and users are written with natural keys (ACGME id, specialty code,
email), so a backup restores into any database that has run the migrations.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

BACKED_UP_APPS = ["programs", "applicants", "tiering", "strategy", "advising"]


class Command(BaseCommand):
    help = "Back up all user data to FILE (.json or .json.gz). Restore with restore_user_data."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, file: Path, **options: Any) -> None:
        file.parent.mkdir(parents=True, exist_ok=True)
        call_command(
            "dumpdata", *BACKED_UP_APPS,
            natural_foreign=True, natural_primary=True, indent=None,
            output=str(file), verbosity=0,
        )
        size = file.stat().st_size
        self.stdout.write(self.style.SUCCESS(f"Backed up to {file} ({size:,} bytes)."))
