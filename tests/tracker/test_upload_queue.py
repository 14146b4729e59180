"""The upload is read by a task-queue worker, in a child process with a hard time and memory
limit (the third hardening issue, finding 1): small crafted workbooks that held a web worker
for 4-10 s now end with a clear message, and the page waits for the result without script."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.utils import timezone
from kombu.exceptions import OperationalError

from tests.tracker import test_tracker
from tests.tracker.crafted import ATTACKS, workbook
from tests.tracker.test_tracker import (
    download,
    edit,
    tracker_ids,
    tracking_state,
    upload,
    url,
)
from tiering.models import EntryEvent
from tracker import tasks
from tracker.models import TrackerUpload
from tracker.sandbox import SandboxFailed, run_limited

pytestmark = pytest.mark.django_db
# The tracker tests' applicant with a list of six programs, and their logged-in client.
profile = test_tracker.profile
owner_client = test_tracker.owner_client


def test_a_child_past_its_deadline_is_killed_at_the_deadline() -> None:
    started = time.monotonic()

    with pytest.raises(SandboxFailed) as stopped:
        run_limited(lambda: time.sleep(30), seconds=0.5, memory_mb=256)

    assert stopped.value.reason == "timeout"
    assert time.monotonic() - started < 2


def test_a_child_that_asks_for_too_much_memory_is_stopped() -> None:
    with pytest.raises(SandboxFailed) as stopped:
        run_limited(lambda: len(bytearray(400 * 1024 * 1024)), seconds=10, memory_mb=64)

    assert stopped.value.reason == "memory"


def test_a_child_within_its_limits_gives_its_answer() -> None:
    assert run_limited(lambda: {"rows": [1, 2]}, seconds=10, memory_mb=64) == {"rows": [1, 2]}


@pytest.mark.parametrize("attack", list(ATTACKS))
def test_each_crafted_workbook_ends_with_a_clear_message_within_the_limit(
    owner_client, profile, settings, attack,
) -> None:
    settings.TRACKER_READ_SECONDS = 1  # the same path as the default 5 s, faster
    before = tracking_state(profile)
    started = time.monotonic()

    response = upload(owner_client, profile, workbook(**ATTACKS[attack]))

    assert time.monotonic() - started < 4
    page = response.content.decode()
    assert response.status_code == 200
    assert "The file was not used, and nothing was changed" in page
    assert f"tracker_upload_{profile.pk}" not in owner_client.session
    assert tracking_state(profile) == before


def test_a_workbook_too_slow_to_read_says_so(owner_client, profile, settings) -> None:
    settings.TRACKER_READ_SECONDS = 1

    page = upload(owner_client, profile, workbook(**ATTACKS["shared strings"])).content.decode()

    assert "took too long to read, so reading it was stopped" in page
    # The form under the message uploads again (not to the page that showed the message).
    assert f'action="{url("tracker_upload", profile)}"' in page


def test_the_page_waits_for_the_worker_and_reloads_itself(owner_client, profile,
                                                          monkeypatch) -> None:
    queued = []
    monkeypatch.setattr(tasks.tracker_upload_read, "delay", queued.append)
    first = tracker_ids(profile)[0]
    content = edit(download(owner_client, profile), {first: {"Status": "Applied"}})
    from django.core.files.uploadedfile import SimpleUploadedFile

    posted = owner_client.post(url("tracker_upload", profile),
                               {"file": SimpleUploadedFile("tracker.xlsx", content)})
    waiting = owner_client.get(posted["Location"])

    assert len(queued) == 1
    page = waiting.content.decode()
    assert waiting.status_code == 200
    assert '<meta http-equiv="refresh" content="2">' in page  # no script needed
    assert "Waiting for its turn" in page

    tasks.tracker_upload_read(queued[0])  # the worker's turn
    ready = owner_client.get(posted["Location"])

    assert ready.status_code == 302 and ready["Location"] == url("tracker_confirm", profile)
    assert not EntryEvent.objects.exists()  # nothing applied before the confirmation
    assert not TrackerUpload.objects.exists()  # the file is not kept


def test_a_queue_that_cannot_be_reached_fails_the_upload_at_once(owner_client, profile,
                                                                 monkeypatch) -> None:
    def down(upload_id):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(tasks.tracker_upload_read, "delay", down)

    page = upload(owner_client, profile, download(owner_client, profile)).content.decode()

    assert "the service that reads uploads is not answering" in page
    assert "The file was not used, and nothing was changed" in page


def test_an_upload_no_worker_finished_is_reported_as_stopped(owner_client, profile,
                                                             monkeypatch) -> None:
    monkeypatch.setattr(tasks.tracker_upload_read, "delay", lambda upload_id: None)
    from django.core.files.uploadedfile import SimpleUploadedFile

    posted = owner_client.post(url("tracker_upload", profile), {
        "file": SimpleUploadedFile("tracker.xlsx", download(owner_client, profile))})
    TrackerUpload.objects.update(created_at=timezone.now() - timedelta(minutes=10),
                                 state=TrackerUpload.State.READING,
                                 started_at=timezone.now() - timedelta(minutes=10))

    page = owner_client.get(posted["Location"]).content.decode()

    assert "took too long to read, so reading it was stopped" in page


def test_going_back_to_a_finished_upload_leads_to_its_preview(owner_client, profile) -> None:
    first = tracker_ids(profile)[0]
    content = edit(download(owner_client, profile), {first: {"Status": "Applied"}})
    from django.core.files.uploadedfile import SimpleUploadedFile

    posted = owner_client.post(url("tracker_upload", profile),
                               {"file": SimpleUploadedFile("tracker.xlsx", content)})
    assert owner_client.get(posted["Location"])["Location"] == url("tracker_confirm", profile)

    again = owner_client.get(posted["Location"])  # the back button

    assert again.status_code == 302 and again["Location"] == url("tracker_confirm", profile)


def test_another_applicant_cannot_see_an_upload(client, profile, owner_client,
                                                monkeypatch) -> None:
    from tests.factories import ProfileFactory

    monkeypatch.setattr(tasks.tracker_upload_read, "delay", lambda upload_id: None)
    from django.core.files.uploadedfile import SimpleUploadedFile

    posted = owner_client.post(url("tracker_upload", profile), {
        "file": SimpleUploadedFile("tracker.xlsx", download(owner_client, profile))})
    stranger = ProfileFactory()
    client.force_login(stranger.user)
    own = posted["Location"].replace(f"/applicants/{profile.pk}/", f"/applicants/{stranger.pk}/")

    assert client.get(posted["Location"]).status_code == 404  # not their applicant
    # Their own address with another applicant's upload id: just their own upload page.
    answer = client.get(own)
    assert answer.status_code == 302 and answer["Location"] == url("tracker_upload", stranger)
    assert TrackerUpload.objects.get().profile == profile
