"""The tracker in a real spreadsheet program: LibreOffice Calc, headless.

LibreOffice opens the downloaded workbook (after edits made with openpyxl, as a user would make
them), recalculates every formula and saves it again; the Summary must then hold the expected
counts, a formula typed as a note must still be text, and the file LibreOffice saved must upload
back. Skipped when LibreOffice is not installed (Debian: ``libreoffice-calc-nogui``; CI installs
it in ``.ci/run``).
"""

from __future__ import annotations

import io
import shutil
import subprocess
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.tracker.test_tracker import (  # noqa: F401 (fixtures)
    EVIL_NOTE,
    confirm,
    download,
    edit,
    owner_client,
    profile,
    tracker_ids,
    tracking_state,
    upload,
    url,
)
from tiering import budget
from tiering.models import EntryEvent, ListEntry, Status

pytestmark = pytest.mark.django_db

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
requires_libreoffice = pytest.mark.skipif(
    SOFFICE is None,
    reason="LibreOffice is not installed (apt-get install libreoffice-calc-nogui); "
           "the Summary formulas are checked in a real spreadsheet program only where it is.",
)

# A user profile for the headless run: recalculate every formula of an Excel file on load
# (org.openoffice.Office.Calc/Formula/Load/OOXMLRecalcMode 0 = always), so that the counts come
# from LibreOffice's own calculation, never from values cached in the file.
RECALC_ALWAYS = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry"
 xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load">
 <prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""


def libreoffice_resave(content: bytes, tmp_path: Path) -> bytes:
    """Open the workbook in LibreOffice Calc, recalculate, and save it as .xlsx again."""
    user = tmp_path / "lo-user"
    (user / "user").mkdir(parents=True)
    (user / "user" / "registrymodifications.xcu").write_text(RECALC_ALWAYS)
    source = tmp_path / "in" / "tracker.xlsx"
    source.parent.mkdir()
    source.write_bytes(content)
    out = tmp_path / "out"
    subprocess.run(
        [SOFFICE, f"-env:UserInstallation={user.as_uri()}", "--headless", "--norestore",
         "--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", str(out), str(source)],
        check=True, capture_output=True, timeout=180,
    )
    return (out / "tracker.xlsx").read_bytes()


def summary_values(content: bytes) -> dict[str, list]:
    ws = load_workbook(io.BytesIO(content), data_only=True)["Summary"]
    return {row[0]: list(row[1:5]) for row in ws.iter_rows(values_only=True) if row[0]}


@requires_libreoffice
def test_libreoffice_computes_the_summary_counts_and_cost(owner_client, profile,  # noqa: F811
                                                          tmp_path) -> None:
    ids = tracker_ids(profile)  # in Tiers 1, 1, 3, 3, 3 (see the fixture)
    edited = edit(download(owner_client, profile), {
        ids[0]: {"Status": "Applied", "Signal": "Yes"},
        ids[2]: {"Status": "Applied"},
        ids[3]: {"Status": "Withdrawn"},
        ids[4]: {"Notes": EVIL_NOTE},
    })

    computed = summary_values(libreoffice_resave(edited, tmp_path))

    assert computed["Applied"] == [1, 0, 1, 2]
    assert computed["Not started"] == [1, 0, 1, 2]
    assert computed["Withdrawn"] == [0, 0, 1, 1]
    assert computed["Preparing"] == [0, 0, 0, 0]
    assert computed["All programs"] == [2, 0, 3, 5]
    assert computed["Signals sent"][0] == 1
    # Withdrawn programs are not planned: 4 programs at the first-30 fee.
    planned = 4 * budget.ERAS_FEE_FIRST_PROGRAMS_USD
    assert computed["ERAS fees by the 2026 schedule (USD)"][1] == planned
    assert computed["Season total (USD)"][1] == planned + budget.FIXED_COSTS_USD
    assert computed["Fee column of the Tracker, total (USD)"][1] == 5 * 11


@requires_libreoffice
def test_a_formula_in_a_note_is_still_text_after_libreoffice(owner_client, profile,  # noqa: F811
                                                            tmp_path) -> None:
    ListEntry.objects.filter(profile=profile).update(notes=EVIL_NOTE)

    resaved = libreoffice_resave(download(owner_client, profile), tmp_path)

    for data_only in (True, False):
        ws = load_workbook(io.BytesIO(resaved), data_only=data_only)["Tracker"]
        assert ws["V2"].value == EVIL_NOTE
        assert ws["V2"].data_type == "s"


@requires_libreoffice
def test_a_tracker_saved_by_libreoffice_uploads_back(owner_client, profile,  # noqa: F811
                                                     tmp_path) -> None:
    ids = tracker_ids(profile)
    edited = edit(download(owner_client, profile), {
        ids[0]: {"Status": "Interviewed", "Interview date": datetime(2026, 11, 3)},
        ids[1]: {"Notes": "Asked about J-1"},
    })
    resaved = libreoffice_resave(edited, tmp_path)
    before = tracking_state(profile)

    response = upload(owner_client, profile, resaved)

    assert response.status_code == 302, response.context and response.context["errors"]
    preview = owner_client.get(response["Location"]).context["changes"]
    assert sorted((c.acgme_id, f.field) for c in preview for f in c.fields) == sorted([
        (ids[0], "status"), (ids[0], "interview_date"), (ids[1], "notes")])
    confirm(owner_client, profile)
    after = tracking_state(profile)
    assert after[ids[0]][0] == Status.INTERVIEWED and after[ids[0]][3] == date(2026, 11, 3)
    assert after[ids[1]][6] == "Asked about J-1"
    assert {k: v for k, v in after.items() if k not in ids[:2]} == {
        k: v for k, v in before.items() if k not in ids[:2]}
    assert EntryEvent.objects.count() == 2  # one per program changed


@requires_libreoffice
def test_the_page_the_workbook_and_the_csv_agree_on_the_lists_count_and_cost(
    client, real_catalog, tmp_path
) -> None:
    import csv as csv_module

    from django.urls import reverse

    from tests.tiering.test_tier_list import persona

    applicant = persona(budget_usd=2000)
    client.force_login(applicant.user)
    summary = client.get(reverse("tiering:list", kwargs={"pk": applicant.pk})).context["summary"]
    assert 80 <= summary.size <= 120

    computed = summary_values(libreoffice_resave(download(client, applicant), tmp_path))
    text = client.get(url("tracker_csv", applicant)).content.decode("utf-8-sig")
    rows = list(csv_module.DictReader(io.StringIO(text)))

    assert computed["All programs"][3] == summary.size == len(rows)
    assert computed["Season total (USD)"][1] == summary.cost.total_usd
    fees = sum(int(float(row["Fee (USD)"])) for row in rows)
    assert fees + budget.FIXED_COSTS_USD == summary.cost.total_usd
