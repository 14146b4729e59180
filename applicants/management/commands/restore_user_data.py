from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from applicants.models import User


class Command(BaseCommand):
    help = (
        "Restore a backup written by backup_user_data into a migrated database that holds no "
        "accounts yet. All of it is restored, or nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, file: Path, **options: Any) -> None:
        if not file.exists():
            raise CommandError(f"{file} does not exist.")
        if User.objects.exists():
            # Restoring on top of live accounts would mix two sets of users and lists.
            raise CommandError(
                "This database already has accounts. Restore into a freshly migrated database."
            )
        with transaction.atomic():
            call_command("loaddata", str(file), verbosity=0)
        self.stdout.write(
            self.style.SUCCESS(f"Restored {file}: {User.objects.count()} accounts.")
        )
