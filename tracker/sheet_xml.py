"""A write-only sheet whose rows are written as one piece of XML.

openpyxl's write-only sheet makes a cell object per value, checks it and writes it through
lxml element by element: for a list's workbook that costs more than everything else the
export does. Here a row is a sequence of plain values and a style per column (made once per
workbook, ``style_id``), turned into the same cell XML openpyxl writes (strings inline, numbers
and dates as numbers, a style index where a cell has one) by string formatting, and written
into the sheet's stream as it is; openpyxl still writes everything around the rows: column
widths, frozen panes, filter, conditional formats, validations and hyperlinks.

Every text is written as text, never as a formula or an error code, whatever it starts with:
the guard ``tracker.workbook`` needs for what users and sources wrote.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.drawing.spreadsheet_drawing import SpreadsheetDrawing
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet._writer import WorksheetWriter
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.writer.excel import ExcelWriter

# Characters XML 1.0 cannot hold; Excel refuses a file that contains them.
_ILLEGAL_XML = re.compile(r"[^\u0009\u000A\u000D\u0020-\uD7FF\uE000-\uFFFD\U00010000-\U0010FFFF]")
# Excel keeps at most this many characters in a cell (openpyxl cuts there too).
MAX_TEXT = 32767
_LETTERS = [get_column_letter(index) for index in range(1, 200)]


def clean_text(value: str) -> str:
    return _ILLEGAL_XML.sub("", value)


class Styled:
    """A value whose cell has its own style, unlike the rest of its column (a web address
    that is a link, a fee that is there)."""

    __slots__ = ("value", "style")

    def __init__(self, value: Any, style: int) -> None:
        self.value, self.style = value, style


class Formula:
    """A formula the workbook computes ("=SUM(C2:C9)"): only the writer's own; text from a
    user or a source is never one."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text


def style_id(ws: Any, **style: Any) -> int:
    """The workbook's index of a cell style (font, fill, alignment, number format, or a
    named ``style``), registered once, for every cell of a column to share."""
    cell = WriteOnlyCell(ws)
    for name, setting in style.items():
        setattr(cell, name, setting)
    return cell.style_id


def _text(ref: str, value: str, style: str) -> str:
    text = clean_text(value)[:MAX_TEXT]
    if not text:  # an empty cell, as openpyxl writes one
        return f'<c r="{ref}"{style} t="inlineStr"/>'
    space = ' xml:space="preserve"' if text != text.strip() else ""
    return f'<c r="{ref}"{style} t="inlineStr"><is><t{space}>{_escape(text)}</t></is></c>'


def _escape(text: str) -> str:
    # A carriage return too: a reader would take a bare one for a line feed.
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace("\r", "&#13;"))


def _cell(ref: str, value: Any, style: str) -> str:
    if isinstance(value, str):
        return _text(ref, value, style)
    if value is None:
        # An empty cell is written only when it carries a format (a date typed in later).
        return f'<c r="{ref}"{style} t="n"/>' if style else ""
    if isinstance(value, Styled):
        return _cell(ref, value.value, f' s="{value.style}"')
    if isinstance(value, Formula):
        return f'<c r="{ref}"{style}><f>{_escape(value.text.removeprefix("="))}</f><v></v></c>'
    if isinstance(value, bool):
        return f'<c r="{ref}"{style} t="b"><v>{int(value)}</v></c>'
    if isinstance(value, date | datetime):
        value = to_excel(value)
    return f'<c r="{ref}"{style} t="n"><v>{float(value):.16g}</v></c>'


class RowsSheet(WriteOnlyWorksheet):
    """A write-only sheet that takes its rows as values with a style per column."""

    def append_rows(self, rows: Iterable[Sequence[Any]],
                    styles: Sequence[int | None] = ()) -> None:
        """Rows of plain values (text, numbers, dates, None); ``styles``: the style index of
        each column's cells (``style_id``), None for none."""
        attrs = [f' s="{s}"' if s else "" for s in styles]
        attrs += [""] * (len(_LETTERS) - len(attrs))
        parts = []
        number = self._next_row
        for row in rows:
            number += 1
            parts.append(f'<row r="{number}">')
            # The letters and styles run past any row of these sheets.
            for letter, style, value in zip(_LETTERS, attrs, row, strict=False):
                # Text first: most cells hold it.
                parts.append(_text(f"{letter}{number}", value, style) if type(value) is str
                             else _cell(f"{letter}{number}", value, style))
            parts.append("</row>")
        self._next_row = number
        self._send("".join(parts))

    def link(self, ref: str, target: str) -> None:
        """A hyperlink on the cell ``ref`` (written after the rows, with its relationship)."""
        self._get_writer()
        self._hyperlinks.append(Hyperlink(ref=ref, target=target))

    _next_row = 0

    def _get_writer(self) -> None:
        # In memory: openpyxl's own sheets each go through a temporary file on disk.
        if self._writer is None:
            self._writer = WorksheetWriter(self, out=io.BytesIO())
            self._writer.write_top()

    def _send(self, xml: str) -> None:
        self._get_writer()
        if self._rows is None:
            self._rows = _Rows(self._writer)
        self._rows.pieces.append(xml)


class _Rows:
    """A sheet's rows as XML, gathered until openpyxl closes the sheet (it closes ``_rows``
    then), and written as they are into the sheet's stream, between what openpyxl wrote
    before them and what it writes after."""

    __slots__ = ("writer", "pieces")

    def __init__(self, writer: WorksheetWriter) -> None:
        self.writer, self.pieces = writer, []

    def close(self) -> None:
        xf = self.writer.xf.send(True)
        xf.flush()  # everything before the rows is in ``out`` now
        self.writer.out.write(f"<sheetData>{''.join(self.pieces)}</sheetData>".encode())
        self.writer.xf.send(None)


def rows_sheet(wb: Any, title: str) -> RowsSheet:
    """A new RowsSheet at the end of the write-only workbook ``wb``."""
    ws = RowsSheet(parent=wb, title=title)
    wb._add_sheet(ws)
    return ws


class _InMemoryWriter(ExcelWriter):
    """openpyxl's writer, taking each RowsSheet's XML from memory."""

    def write_worksheet(self, ws: Any) -> None:
        if not isinstance(ws, RowsSheet):
            super().write_worksheet(ws)
            return
        ws._drawing = SpreadsheetDrawing()
        ws._drawing.charts, ws._drawing.images = ws._charts, ws._images
        if not ws.closed:
            ws.close()
        ws._rels = ws._writer._rels
        self._archive.writestr(ws.path[1:], ws._writer.out.getvalue())
        self.manifest.append(ws)


def save(wb: Workbook, out: IO[bytes]) -> None:
    """``Workbook.save`` for a workbook of RowsSheets, without a temporary file per sheet."""
    wb.properties.modified = datetime.now(tz=UTC).replace(tzinfo=None)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        _InMemoryWriter(wb, archive).write_data()
