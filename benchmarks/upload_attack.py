"""The crafted workbook of the hardening issue, against the tracker upload's reader.

A tracker whose Tracker sheet has the real header and 20,000 rows of 240 numeric cells: about
400 KB as a file, about 100 MB unpacked. Before the limits, reading it took 184 s of CPU. This
prints the file's sizes, the time to refuse it and the memory the refusal took:

    DEBUG=1 .venv/bin/python benchmarks/upload_attack.py
"""

from __future__ import annotations

import io
import os
import sys
import time
import tracemalloc
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ROWS, NUMBERS = 20_000, 240

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
    'package/2006/content-types"><Default Extension="rels" ContentType="application/'
    'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType='
    '"application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName='
    '"/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.'
    'spreadsheetml.worksheet+xml"/></Types>')
RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
        'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://'
        'schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target='
        '"xl/workbook.xml"/></Relationships>')
WORKBOOK = ('<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.'
            'openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats'
            '.org/officeDocument/2006/relationships"><sheets><sheet name="Tracker" sheetId="1" '
            'r:id="rId1"/></sheets></workbook>')
WORKBOOK_RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
                 'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type='
                 '"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet'
                 '" Target="worksheets/sheet1.xml"/></Relationships>')


def crafted(rows: int = ROWS) -> bytes:
    from tracker.export import TRACKER_HEADERS

    header = "".join(f'<c t="inlineStr"><is><t>{h}</t></is></c>' for h in TRACKER_HEADERS)
    numbers = "".join(f"<c><v>{n}</v></c>" for n in range(NUMBERS))
    body = "".join(f'<row r="{r}">{numbers}</row>' for r in range(2, rows + 2))
    sheet = ('<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.'
             'openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
             f'<row r="1">{header}</row>{body}</sheetData></worksheet>')
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
    return out.getvalue()


def main() -> None:
    os.environ.setdefault("DEBUG", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "residency_planner.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from tracker import tracking

    # The attack, and the heaviest sheet of numbers that passes the size limits.
    for rows in (ROWS, 900):
        measure(tracking, rows)


def measure(tracking, rows: int) -> None:
    content = crafted(rows)
    unpacked = sum(i.file_size for i in zipfile.ZipFile(io.BytesIO(content)).infolist())
    print(f"\ncrafted workbook: {len(content) / 1024:.0f} KB, {unpacked / 1024 / 1024:.1f} MB "
          f"unpacked, {rows:,} rows x {NUMBERS} numbers")
    def read() -> str:
        try:
            tracking.tracker_read(io.BytesIO(content), name="tracker.xlsx", size=len(content))
            return "read (not refused!)"
        except tracking.TrackerFileError as error:
            return f"refused: {error}"

    started = time.perf_counter()
    outcome = read()
    seconds = time.perf_counter() - started
    tracemalloc.start()  # a second run for the memory: tracing slows the reading down
    read()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    print(f"{outcome}\ntime to answer: {seconds * 1000:.1f} ms (target: under 2 s)\n"
          f"peak memory while reading: {peak / 1024 / 1024:.2f} MB")


if __name__ == "__main__":
    main()
