"""Limits on what a spreadsheet may unpack to, read from the zip's table of contents before any
XML is parsed: a small .xlsx can unpack to gigabytes, and parsing it would hold a worker and its
memory. Shared by the catalog import and the tracker upload."""

from __future__ import annotations

import io
import posixpath
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO

from defusedxml import ElementTree

# The two small parts that name the sheets and where each lives; read only when a caller reads
# one sheet, and only under this size.
INDEX_MAX_BYTES = 1024 * 1024
MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
RELATIONSHIP = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
PACKAGE_RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}"


class SpreadsheetTooLarge(ValueError):
    pass


class SpreadsheetDamaged(ValueError):
    """A part of the zip cannot be unpacked (cut short, or bytes changed)."""


def check_unpacked_size(file: str | Path | IO[bytes], *, max_total: int, max_sheet: int) -> None:
    """Raise SpreadsheetTooLarge past either limit; zipfile.BadZipFile when not a zip."""
    with zipfile.ZipFile(file) as archive:
        _check(archive, set(), max_total=max_total, max_sheet=max_sheet)


def sheet_only(file: IO[bytes], *, max_total: int, max_sheet: int,
               sheet: Callable[[Sequence[str]], str | None]) -> IO[bytes]:
    """A copy of the workbook in which every worksheet but the one ``sheet`` picks is empty,
    after checking the limits on what the copy keeps (SpreadsheetTooLarge); SpreadsheetDamaged
    when a kept part does not unpack.

    openpyxl parses every sheet when it opens a workbook, even in read-only mode (it looks
    for the sheet's size), so a sheet the caller never reads, such as the tracker's Candidates
    with thousands of rows, would cost as much as one it reads, and a crafted one far more."""
    with zipfile.ZipFile(file) as archive:
        unread = _unread_sheets(archive, sheet)
        _check(archive, unread, max_total=max_total, max_sheet=max_sheet)
        copy = io.BytesIO()
        with zipfile.ZipFile(copy, "w", zipfile.ZIP_STORED) as kept:
            for info in archive.infolist():
                try:
                    content = EMPTY_SHEET if info.filename in unread else archive.read(info)
                except Exception as error:  # zlib.error, BadZipFile (CRC), EOFError, ...
                    raise SpreadsheetDamaged(info.filename) from error
                kept.writestr(info.filename, content)
    copy.seek(0)
    return copy


EMPTY_SHEET = (f'<worksheet xmlns="{MAIN[1:-1]}"><sheetData/></worksheet>').encode()


def _check(archive: zipfile.ZipFile, unread: set[str], *, max_total: int,
           max_sheet: int) -> None:
    counted = [info for info in archive.infolist() if info.filename not in unread]
    total = sum(info.file_size for info in counted)
    largest = max((info.file_size for info in counted
                   if info.filename.startswith("xl/worksheets/")), default=0)
    if total > max_total or largest > max_sheet:
        raise SpreadsheetTooLarge(
            f"it unpacks to {total / 1024 / 1024:.0f} MB, over the limit of "
            f"{max_total / 1024 / 1024:.0f} MB for all its parts and "
            f"{max_sheet / 1024 / 1024:.0f} MB for one sheet")


def _unread_sheets(archive: zipfile.ZipFile,
                   sheet: Callable[[Sequence[str]], str | None]) -> set[str]:
    """The parts of the worksheets other than the one ``sheet`` picks; none when the index
    cannot be read (then every sheet counts, the safe side)."""
    try:
        index = {name: archive.getinfo(name) for name in
                 ("xl/workbook.xml", "xl/_rels/workbook.xml.rels")}
        if any(info.file_size > INDEX_MAX_BYTES for info in index.values()):
            return set()
        workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    except Exception:  # a missing or damaged index: count everything
        return set()
    targets = {rel.get("Id"): rel.get("Target", "")
               for rel in rels.iter(f"{PACKAGE_RELS}Relationship")}
    parts = {}
    for element in workbook.iter(f"{MAIN}sheet"):
        target = targets.get(element.get(RELATIONSHIP), "")
        part = target.lstrip("/") if target.startswith("/") else posixpath.normpath(
            posixpath.join("xl", target))
        parts[element.get("name", "")] = part
    chosen = sheet(list(parts))
    if chosen is None:
        return set()
    return {part for name, part in parts.items() if name != chosen}
