"""Every change to a list, by anyone, moves its revision (the third hardening issue, finding
7): an advisor's exclusion or tier change left it where it was, so a tracker preview made
before the advisor excluded a program was later applied to that program."""

from __future__ import annotations

import pytest
from django.test import Client

from advising import services as advising
from tests.tracker import test_tracker
from tests.tracker.test_tracker import (
    confirm,
    download,
    edit,
    entry_of,
    tracker_ids,
    tracking_state,
    upload,
    url,
)
from tiering.models import ApplicantList, EntryEvent, Status, Tier

pytestmark = pytest.mark.django_db
profile = test_tracker.profile
owner_client = test_tracker.owner_client
advisor = test_tracker.advisor


def revision(profile) -> int:
    return ApplicantList.objects.get(profile=profile).revision


@pytest.mark.parametrize("change", ["exclude", "restore", "override", "clear override"])
def test_each_advisor_change_moves_the_revision(profile, advisor, change) -> None:
    entry = entry_of(profile, tracker_ids(profile)[0])
    if change == "restore":
        advising.entry_exclude(entry, reason="Too far", by=advisor)
    if change == "clear override":
        advising.entry_override_tier(entry, tier=Tier.TIER_3, reason="Reach", by=advisor)
    before = revision(profile)

    {"exclude": lambda: advising.entry_exclude(entry, reason="Too far", by=advisor),
     "restore": lambda: advising.entry_restore(entry, by=advisor),
     "override": lambda: advising.entry_override_tier(entry, tier=Tier.TIER_3,
                                                      reason="Reach", by=advisor),
     "clear override": lambda: advising.entry_clear_override(entry, by=advisor)}[change]()

    assert revision(profile) == before + 1


def test_a_preview_made_before_the_advisor_excluded_a_program_is_not_applied(
        owner_client, profile, advisor) -> None:
    first = tracker_ids(profile)[0]
    upload(owner_client, profile, edit(download(owner_client, profile),
                                       {first: {"Status": "Applied"}}))
    # Meanwhile the advisor takes that program off the list, from their own browser.
    advisor_client = Client()
    advisor_client.force_login(advisor)
    advisor_client.post(url("entry_exclude", profile, entry_id=entry_of(profile, first).pk),
                        {"reason": "Closed to J-1 this year"})
    assert entry_of(profile, first).excluded
    before = tracking_state(profile)

    response = confirm(owner_client, profile)

    assert response["Location"] == url("tracker_upload", profile)
    assert tracking_state(profile) == before
    assert entry_of(profile, first).status == Status.NOT_STARTED
    assert not EntryEvent.objects.filter(kind=EntryEvent.Kind.UPLOAD).exists()


def test_the_advisors_forms_send_the_revision_and_an_older_page_is_refused(
        profile, advisor) -> None:
    from django.urls import reverse

    entry = entry_of(profile, tracker_ids(profile)[0])
    advisor_client = Client()
    advisor_client.force_login(advisor)
    explanation = reverse("tiering:explanation", kwargs={"pk": profile.pk,
                                                          "acgme_id": entry.program.acgme_id})
    loaded = revision(profile)
    page = advisor_client.get(explanation).content.decode()
    assert page.count(f'<input type="hidden" name="revision" value="{loaded}">') >= 2
    # Another change to the list after the page was loaded (here from another tab).
    advising.entry_exclude(entry_of(profile, tracker_ids(profile)[1]), reason="x", by=advisor)

    answer = advisor_client.post(
        url("entry_exclude", profile, entry_id=entry.pk),
        {"reason": "Closed to J-1", "revision": loaded, "next": explanation}, follow=True)

    assert "changed since this page was loaded" in answer.content.decode()
    assert not entry_of(profile, entry.program.acgme_id).excluded
    fresh = advisor_client.post(
        url("entry_exclude", profile, entry_id=entry.pk),
        {"reason": "Closed to J-1", "revision": revision(profile), "next": explanation})
    assert fresh.status_code == 302 and entry_of(profile, entry.program.acgme_id).excluded
