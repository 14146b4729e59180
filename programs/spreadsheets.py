"""Limits on what a spreadsheet may unpack to, read from the zip's table of contents before any
XML is parsed: a small .xlsx can unpack to gigabytes, and parsing it would hold a worker and its
memory. Shared by the catalog import and the tracker upload."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import IO


class SpreadsheetTooLarge(ValueError):
    pass


def check_unpacked_size(file: str | Path | IO[bytes], *, max_total: int, max_sheet: int) -> None:
    """Raise SpreadsheetTooLarge past either limit; zipfile.BadZipFile when not a zip."""
    with zipfile.ZipFile(file) as archive:
        parts = archive.infolist()
    total = sum(info.file_size for info in parts)
    largest = max((info.file_size for info in parts
                   if info.filename.startswith("xl/worksheets/")), default=0)
    if total > max_total or largest > max_sheet:
        raise SpreadsheetTooLarge(
            f"it unpacks to {total / 1024 / 1024:.0f} MB, over the limit of "
            f"{max_total / 1024 / 1024:.0f} MB for all its parts and "
            f"{max_sheet / 1024 / 1024:.0f} MB for one sheet")
