"""Pages go out gzipped; a workbook (already a zip file) goes out as it is."""

from __future__ import annotations

import gzip
import zipfile
from io import BytesIO

import pytest
from django.urls import reverse

from residency_planner.compression import compressible
from tests.factories import ProfileFactory, ProgramFactory, SpecialtyFactory
from tests.routes import route
from tiering.lists import list_recompute

pytestmark = pytest.mark.django_db


def test_the_workbook_download_is_not_gzipped_but_pages_are(client) -> None:
    im = SpecialtyFactory(code="140", name="Internal Medicine")
    for n in range(3):
        ProgramFactory(acgme_id=f"140480{n:04d}", specialty=im, j1_accepted="yes")
    profile = ProfileFactory(ecfmg_status="certified")
    profile.target_specialties.set([im])
    list_recompute(profile)
    client.force_login(profile.user)

    workbook = client.get(route("tracker_xlsx", pk=profile.pk), HTTP_ACCEPT_ENCODING="gzip")
    assert workbook.status_code == 200
    assert "Content-Encoding" not in workbook
    body = b"".join(workbook.streaming_content) if workbook.streaming else workbook.content
    assert "xl/workbook.xml" in zipfile.ZipFile(BytesIO(body)).namelist()

    page = client.get(reverse("programs:list"), HTTP_ACCEPT_ENCODING="gzip")
    assert page["Content-Encoding"] == "gzip"
    assert b"</html>" in gzip.decompress(page.content)


@pytest.mark.parametrize(("content_type", "expected"), [
    ("text/html; charset=utf-8", True),
    ("text/csv", True),
    ("application/json", True),
    ("image/svg+xml", True),
    ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", False),
    ("application/zip", False),
    ("application/gzip", False),
    ("image/png", False),
    ("", False),
])
def test_only_text_types_are_compressed(content_type: str, expected: bool) -> None:
    assert compressible(content_type) is expected
