"""The list page's rows are built in Python (tiering.templatetags.row_html) instead of from a
dozen small templates per row: the page reads exactly as the templates made it, for the applicant
and for her advisor, in English and in Spanish. The templates the rows were made from are kept
beside this test (reference_rows/) and rendered in place of the new tables for the comparison."""

from __future__ import annotations

import datetime
import difflib
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client, override_settings
from django.utils import timezone

from advising.models import AdvisorNote
from programs import verification
from programs.models import Program
from tests.factories import ProgramFactory, UserFactory
from tests.tiering import test_caches, test_list_page_cache
from tiering.memo import MEMO
from tiering.models import ListEntry, Status, Tier

pytestmark = pytest.mark.django_db

internal_medicine, applicant = test_caches.internal_medicine, test_caches.applicant
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
REFERENCE = Path(__file__).parent / "reference_rows"


def with_reference_rows():
    """The settings under which the list's tables come from the templates of before."""
    templates = [{**settings.TEMPLATES[0],
                  "DIRS": [REFERENCE, *settings.TEMPLATES[0]["DIRS"]]}]
    return override_settings(TEMPLATES=templates)


def list_page(browser: Client, profile, language: str) -> str:
    cache.clear()  # a miss: the rows are rendered, not served
    MEMO.clear()
    response = browser.get(test_list_page_cache.list_url(profile),
                           HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    return TOKEN.sub('name="csrfmiddlewaretoken" value="-"', response.content.decode())


def a_varied_list(profile, im) -> None:
    """Rows of every kind: tracked, pinned, added, removed, overridden by the advisor, with
    notes; programs near and far from the border and with unknown facts, as list rows and as
    candidates; names a page must escape."""
    ProgramFactory(specialty=im, acgme_id="1404800100", name="St. Mary's & O'Brien <IM>",
                   state="TX", city="Laredo", j1_accepted="yes", h1b_sponsored="no",
                   img_share_pct=64.5, non_us_img_share_pct=30, border_distance_km=12.4,
                   in_border_region=True)
    ProgramFactory(specialty=im, acgme_id="1404800101", name="Far Away Program",
                   state="TX", city="Amarillo", j1_accepted="unknown", h1b_sponsored="yes",
                   non_us_img_share_pct=2, border_distance_km=1234.6)
    ProgramFactory(specialty=im, acgme_id="1404800102", name="Unknown Facts Program",
                   state="TX", city="Austin", j1_accepted="unknown")
    ProgramFactory(specialty=im, acgme_id="1404800103", name="Closed Program",
                   state="TX", city="Dallas", j1_accepted="no")
    verification.submit(Program.objects.get(acgme_id="1404800000"), UserFactory(role="staff"),
                        key="j1_accepted", value="yes", method="phone",
                        verified_on=timezone.localdate())
    entries = list(ListEntry.objects.filter(profile=profile).select_related("program")
                   .order_by("program__acgme_id"))
    assert len(entries) >= 5
    tracked, overridden, pinned, removed, added = entries[:5]
    ListEntry.objects.filter(pk=tracked.pk).update(
        status=Status.APPLIED, signal=True, date_applied=datetime.date(2026, 9, 3),
        interview_date=datetime.date(2026, 11, 20), notes="Call <Dr. Ruiz> & ask " * 8)
    ListEntry.objects.filter(pk=overridden.pk).update(
        override_tier=Tier.TIER_1, override_reason="Knows the PD",
        override_computed_tier=Tier.TIER_3)
    ListEntry.objects.filter(pk=pinned.pk).update(pinned=True)
    ListEntry.objects.filter(pk=removed.pk).update(excluded=True,
                                                   excluded_reason="Too far <from> home")
    ListEntry.objects.filter(pk=added.pk).update(added=True)
    for text in ("First note", "Latest note: write to the coordinator & the PD " * 6):
        AdvisorNote.objects.create(profile=profile, entry=overridden, text=text)
    AdvisorNote.objects.create(profile=profile, entry=removed, text="Removed on purpose")
    AdvisorNote.objects.create(profile=profile, text="A note on the whole list")


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_list_page_reads_as_the_row_templates_made_it(
        client, applicant, internal_medicine, language) -> None:
    a_varied_list(applicant, internal_medicine)
    advisor = test_list_page_cache.an_advisor_of(applicant)
    list_page(client, applicant, language)  # the flash message of the profile's save, said once
    for browser in (client, advisor):
        page = list_page(browser, applicant, language)
        with with_reference_rows():
            before = list_page(browser, applicant, language)

        assert f'<html lang="{language}">' in page
        assert {"en": "Add to the list", "es": "Agregar a la lista"}[language] in page
        assert 'id="candidates"' in page and "entry-change" in page
        assert page.count("<tr") > 10
        assert page == before, "\n".join(difflib.unified_diff(
            before.splitlines(), page.splitlines(), "templates", "python", lineterm="", n=1))
