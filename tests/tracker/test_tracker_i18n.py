"""The tracker in the user's language: a Spanish workbook and CSV, an English one exactly as
before, and the mapping the upload uses to read either language back."""

from __future__ import annotations

import io

import pytest
from django.utils import translation
from openpyxl import load_workbook

from tests.factories import ProfileFactory, ProgramFactory, SpecialtyFactory
from tests.routes import route
from tiering.lists import list_recompute
from tiering.models import Status
from tracker.export import STATUS_LABELS, TRACKER_HEADERS
from tracker.i18n import (
    canonical_header,
    canonical_sheet,
    canonical_status,
    canonical_yes_no,
    header_aliases,
    tracker_sheet_name,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner_client(client):
    specialty = SpecialtyFactory()
    for n in range(3):
        ProgramFactory(specialty=specialty, j1_accepted="yes", name=f"Program {n}")
    profile = ProfileFactory()
    profile.target_specialties.set([specialty])
    list_recompute(profile)
    client.force_login(profile.user)
    client.profile = profile
    return client


def download(client, language: str, **query):
    response = client.get(route("tracker_xlsx", pk=client.profile.pk), query,
                          HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    return load_workbook(io.BytesIO(response.content))


def test_a_workbook_downloaded_in_spanish_has_spanish_sheets_headers_and_values(
    owner_client,
) -> None:
    workbook = download(owner_client, "es")

    assert workbook.sheetnames == ["Resumen", "Seguimiento", "SOAP", "Fuentes"]
    sheet = workbook["Seguimiento"]
    headers = [cell.value for cell in sheet[1]]
    assert headers[:4] == ["Nivel", "Programa", "ID de ACGME", "Especialidad"]
    assert "Estado" in headers and "Señal" in headers and "Fecha de envío" in headers
    status, signal = headers.index("Estado"), headers.index("Señal")
    assert {row[status] for row in sheet.iter_rows(min_row=2, values_only=True)} == {
        "Sin empezar"}
    assert {row[signal] for row in sheet.iter_rows(min_row=2, values_only=True)} == {"No"}
    drop_downs = {v.formula1 for v in sheet.data_validations.dataValidation if v.formula1}
    assert '"Sí,No"' in drop_downs
    assert any("Sin empezar" in formula and "Enviada" in formula for formula in drop_downs)
    summary = [row for row in workbook["Resumen"].iter_rows(values_only=True)]
    assert summary[0][0] == "Seguimiento de aplicaciones a la residencia"
    # The Summary's formulas count what the Tracker sheet holds, in the same language.
    formulas = " ".join(str(cell) for row in summary for cell in row if cell)
    assert "'Seguimiento'!" in formulas and '"Sin empezar"' in formulas
    assert '"<>Retirada"' in formulas and "'Tracker'!" not in formulas


def test_a_workbook_downloaded_in_english_stays_as_it_was(owner_client) -> None:
    workbook = download(owner_client, "en")

    assert workbook.sheetnames == ["Summary", "Tracker", "SOAP", "Sources"]
    assert tuple(cell.value for cell in workbook["Tracker"][1]) == TRACKER_HEADERS
    rows = list(workbook["Summary"].iter_rows(values_only=True))
    assert rows[0][0] == "Residency application tracker"


def test_a_csv_downloaded_in_spanish_has_spanish_headers_and_statuses(owner_client) -> None:
    response = owner_client.get(route("tracker_csv", pk=owner_client.profile.pk),
                                HTTP_ACCEPT_LANGUAGE="es")

    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Nivel,Programa,ID de ACGME,Especialidad,")
    assert "Sin empezar" in lines[1]


def test_the_upload_can_map_every_spanish_header_status_and_answer_back_to_english() -> None:
    with translation.override("es"):
        spanish_headers = [translation.gettext(header) for header in TRACKER_HEADERS]
        spanish_statuses = [str(label) for _, label in Status.choices]

    assert [canonical_header(h) for h in spanish_headers] == list(TRACKER_HEADERS)
    assert [canonical_status(s) for s in spanish_statuses] == list(STATUS_LABELS)
    assert canonical_header("  fecha de ENVÍO ") == "Date applied"
    assert canonical_header("Status") == "Status"
    assert canonical_status("enviada") == "Applied"
    assert canonical_status("Applied") == "Applied"
    assert canonical_yes_no("Sí") == canonical_yes_no("si") == "Yes"
    assert canonical_yes_no("No") == "No"
    assert canonical_sheet("Seguimiento") == "Tracker"
    assert tracker_sheet_name(["Resumen", "Seguimiento", "Fuentes"]) == "Seguimiento"
    assert tracker_sheet_name(["Summary", "Tracker"]) == "Tracker"
    assert tracker_sheet_name(["Hoja1"]) is None
    assert header_aliases()["estado"] == "Status"


def test_text_the_mapping_does_not_know_comes_back_as_written() -> None:
    assert canonical_header(" Mi columna ") == "Mi columna"
    assert canonical_status("Quizás") == "Quizás"


def test_a_spanish_workbook_uploads_back_after_switching_to_english(owner_client) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    workbook = download(owner_client, "es")
    sheet = workbook["Seguimiento"]
    headers = [cell.value for cell in sheet[1]]
    row = sheet[2]
    row[headers.index(translated("Status", "es"))].value = translated("Applied", "es")
    row[headers.index(translated("Notes", "es"))].value = "Llamé a la coordinadora"
    edited = io.BytesIO()
    workbook.save(edited)

    response = owner_client.post(
        route("tracker_upload", pk=owner_client.profile.pk),
        {"file": SimpleUploadedFile("seguimiento.xlsx", edited.getvalue())},
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 302, response.content.decode()[:500]
    # The page that waits for the worker, then the preview (tasks run inline in the tests).
    changes = owner_client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en",
                               follow=True).context["changes"]
    assert {(f.field, f.new) for c in changes for f in c.fields} == {
        ("status", Status.APPLIED), ("notes", "Llamé a la coordinadora")}


def translated(text: str, language: str) -> str:
    with translation.override(language):
        return translation.gettext(text)
