"""Small crafted workbooks that cost openpyxl seconds and memory to open, each within the
upload's size limits (the findings of the third hardening issue): written as raw XML, zipped
here, never committed as binaries. The benchmark benchmarks/upload_attack_gunicorn.py sends
them too."""

from __future__ import annotations

import io
import zipfile

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
CT = "application/vnd.openxmlformats-officedocument.spreadsheetml"


def _content_types() -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
        'package/2006/content-types"><Default Extension="rels" ContentType="application/'
        'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" '
        'ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{CT}.sheet.main+xml"/>'
        f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{CT}.worksheet+xml"/>'
        f'<Override PartName="/xl/styles.xml" ContentType="{CT}.styles+xml"/>'
        f'<Override PartName="/xl/sharedStrings.xml" ContentType="{CT}.sharedStrings+xml"/>'
        "</Types>")


def _workbook(defined_names: int) -> str:
    names = "".join(f'<definedName name="n{i}">Tracker!$A$1</definedName>'
                    for i in range(defined_names))
    return (f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{NS}" xmlns:r="{DOC}">'
            '<sheets><sheet name="Tracker" sheetId="1" r:id="rId1"/></sheets>'
            + (f"<definedNames>{names}</definedNames>" if names else "") + "</workbook>")


def _styles(fonts: int, styles: int) -> str:
    font_list = "".join(f'<font><sz val="{8 + i % 20}"/><name val="F{i}"/></font>'
                        for i in range(max(1, fonts)))
    xfs = "".join(f'<xf numFmtId="0" fontId="{i % max(1, fonts)}" fillId="0" borderId="0"/>'
                  for i in range(max(1, styles)))
    return (f'<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="{NS}">'
            f'<fonts count="{max(1, fonts)}">{font_list}</fonts>'
            '<fills count="1"><fill><patternFill patternType="none"/></fill></fills>'
            '<borders count="1"><border/></borders>'
            '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
            f'</cellStyleXfs><cellXfs count="{max(1, styles)}">{xfs}</cellXfs></styleSheet>')


def _shared(strings: int) -> str:
    items = "<si><t>x</t></si>" * max(1, strings)
    return (f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{NS}" count="{strings}" '
            f'uniqueCount="{strings}">{items}</sst>')


def _sheet(headers: list[str], wide: int) -> str:
    header = "".join(f'<c t="inlineStr"><is><t>{h}</t></is></c>' for h in headers)
    extra = "".join(f"<c><v>{n}</v></c>" for n in range(wide))
    row = f'<row r="2">{extra}</row>' if wide else ""
    return (f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{NS}"><sheetData>'
            f'<row r="1">{header}</row>{row}</sheetData></worksheet>')


def workbook(*, strings: int = 0, fonts: int = 0, styles: int = 0, defined_names: int = 0,
             wide: int = 0) -> bytes:
    """A tracker with the real header and one kind of weight."""
    from tracker.export import TRACKER_HEADERS

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", _content_types())
        archive.writestr("_rels/.rels", (
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PKG}">'
            f'<Relationship Id="rId1" Type="{DOC}/officeDocument" Target="xl/workbook.xml"/>'
            "</Relationships>"))
        archive.writestr("xl/workbook.xml", _workbook(defined_names))
        archive.writestr("xl/_rels/workbook.xml.rels", (
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PKG}">'
            f'<Relationship Id="rId1" Type="{DOC}/worksheet" Target="worksheets/sheet1.xml"/>'
            f'<Relationship Id="rId2" Type="{DOC}/styles" Target="styles.xml"/>'
            f'<Relationship Id="rId3" Type="{DOC}/sharedStrings" Target="sharedStrings.xml"/>'
            "</Relationships>"))
        archive.writestr("xl/styles.xml", _styles(fonts, styles))
        archive.writestr("xl/sharedStrings.xml", _shared(strings))
        archive.writestr("xl/worksheets/sheet1.xml", _sheet(list(TRACKER_HEADERS), wide))
    return out.getvalue()


# The probes of the issue, by name: each within the upload's size limits.
ATTACKS = {
    "shared strings": dict(strings=600_000),
    "fonts": dict(fonts=60_000),
    "styles": dict(styles=150_000),
    "defined names": dict(defined_names=60_000),
    "wide row": dict(wide=16_384),
}
