from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from programs.catalog_build import DEFAULT_OUT, DEFAULT_RAW, CatalogBuildError, build_catalog
from programs.catalog_build.changes import visa_changes as measure_visa_changes


class Command(BaseCommand):
    help = (
        "Build the shipped program catalog (fixtures/catalog.csv) from the raw sources "
        "(method and sources: docs/data-sources.md)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--raw", type=Path, default=DEFAULT_RAW,
                            help=f"folder of raw source files (default: {DEFAULT_RAW})")
        parser.add_argument("--out", type=Path, default=DEFAULT_OUT,
                            help=f"catalog file to write (default: {DEFAULT_OUT})")
        parser.add_argument("--visa-changes", action="store_true",
                            help="only print how often IM J-1 answers changed, 2021 to 2025")

    def handle(
        self, *args: object, raw: Path, out: Path, visa_changes: bool, **options: object
    ) -> None:
        if visa_changes:
            # The rate docs/scoring.md cites for stale visa answers ("Stale answers").
            for line in measure_visa_changes(raw).lines():
                self.stdout.write(line)
            return
        try:
            summary = build_catalog(raw, out)
        except CatalogBuildError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Wrote {out}")
        for line in summary.lines():
            self.stdout.write(line)
