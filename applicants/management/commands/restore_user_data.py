"""Restore a backup written by backup_user_data, of this layout or of the one before the apps
were split (when lists, history and advisor records lived in ``applicants``)."""

from __future__ import annotations

import gzip
import json
import tempfile
from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from applicants.models import User

# Where each model of a backup written before the app split lives now.
MOVED_MODELS = {
    "applicants.listentry": "tiering.listentry",
    "applicants.entryevent": "tiering.entryevent",
    "applicants.advisorinvitation": "advising.advisorinvitation",
    "applicants.advisornote": "advising.advisornote",
}


# Fields that older backups hold and the models no longer have (the list's explanations are
# scored again when shown).
DROPPED_FIELDS = {
    "tiering.listentry": ("explanation",),
    "applicants.profile": ("list_computed_at", "list_scoring_version"),
}


def read_backup(file: Path) -> list[dict[str, Any]]:
    opener = gzip.open if file.suffix == ".gz" else open
    try:
        with opener(file, "rt", encoding="utf-8") as handle:
            records = json.load(handle)
    except (OSError, ValueError) as error:
        raise CommandError(f"{file} is not a backup written by backup_user_data: {error}") from None
    if not isinstance(records, list):
        raise CommandError(f"{file} is not a backup written by backup_user_data.")
    for record in records:
        record["model"] = MOVED_MODELS.get(record.get("model"), record.get("model"))
        for name in DROPPED_FIELDS.get(record["model"], ()):
            record.get("fields", {}).pop(name, None)
    return records


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
        records = read_backup(file)
        # loaddata, on the records with today's model labels: it resolves natural keys and
        # forward references and resets PostgreSQL's sequences after explicit ids.
        with tempfile.TemporaryDirectory() as folder:
            fixture = Path(folder) / "backup.json"
            fixture.write_text(json.dumps(records), encoding="utf-8")
            with transaction.atomic():
                call_command("loaddata", str(fixture), verbosity=0)
        self.stdout.write(
            self.style.SUCCESS(f"Restored {file}: {User.objects.count()} accounts.")
        )
