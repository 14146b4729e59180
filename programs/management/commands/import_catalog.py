from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from programs.catalog_import import CatalogFileError, import_catalog, read_table
from programs.signals import catalog_changed


class Command(BaseCommand):
    help = (
        "Import programs from a CSV or XLSX catalog (format: docs/catalog-format.md). "
        "Every row is validated first; then all rows are applied, or none."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--dry-run", action="store_true", help="Validate and count, change nothing."
        )
        parser.add_argument(
            "--source",
            help="Source of facts that have no <fact>_source column (default: the file name).",
        )
        parser.add_argument(
            "--year", type=int, help="Year of facts that have no <fact>_year column."
        )

    def handle(
        self, *args, file: Path, dry_run: bool, source: str | None, year: int | None, **options
    ) -> None:
        try:
            frame = read_table(file, max_bytes=settings.CATALOG_IMPORT_MAX_BYTES)
        except CatalogFileError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Read {len(frame)} rows from {file.name}; validating...")
        result = import_catalog(
            frame, default_source=source or file.name, default_year=year, dry_run=dry_run
        )
        if not result.ok:
            shown = result.errors[:50]
            for error in shown:
                self.stderr.write(self.style.ERROR(f"  {error}"))
            more = len(result.errors) - len(shown)
            if more:
                self.stderr.write(self.style.ERROR(f"  ... and {more} more"))
            raise CommandError(
                f"{len(result.errors)} problem(s) in {file.name}: nothing was imported."
            )
        verb = "Would import" if dry_run else "Imported"
        self.stdout.write(
            self.style.SUCCESS(
                f"{verb} {result.rows} programs: {result.created} new, {result.updated} updated, "
                f"{result.unchanged} unchanged."
            )
        )
        if result.new_specialties:
            named = (f"{code} {result.specialty_names.get(code, '')}".strip()
                     for code in sorted(result.new_specialties))
            self.stdout.write(f"New specialties: {'; '.join(named)}")
        if dry_run:
            self.stdout.write("Dry run: nothing was changed.")
        elif result.created or result.updated:
            # Every list may hold an imported program: they are rebuilt in the task queue.
            catalog_changed.send(sender=type(self), specialty_codes=None)
