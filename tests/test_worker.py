"""The task queue with a real worker on Redis: the web side only stores the upload and queues
it; a separate `celery worker` process reads it, within its limits, and the page picks up the
result. Needs PostgreSQL (the worker is another process and must see the test database) and
the broker at CELERY_BROKER_URL; skipped otherwise, unless REQUIRE_WORKER=1 (.ci/run), which
makes a missing one a failure."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from residency_planner.celery import app
from tests.tracker import test_tracker
from tests.tracker.crafted import ATTACKS, workbook
from tests.tracker.test_tracker import download, edit, tracker_ids, tracking_state, url
from tiering.models import EntryEvent

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.django_db(transaction=True)
profile = test_tracker.profile
owner_client = test_tracker.owner_client


def _unavailable() -> str:
    if connection.vendor != "postgresql":
        return "the worker is another process: it needs PostgreSQL (DATABASE_URL), not SQLite"
    try:
        import redis

        redis.Redis.from_url(settings.CELERY_BROKER_URL, socket_timeout=2).ping()
    except Exception as error:  # noqa: BLE001
        return f"no broker at {settings.CELERY_BROKER_URL}: {error}"
    return ""


@pytest.fixture
def worker(transactional_db):
    """A `celery worker` on the test database, the way `make run` starts one."""
    reason = _unavailable()
    if reason:
        if os.environ.get("REQUIRE_WORKER") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    import redis

    redis.Redis.from_url(settings.CELERY_BROKER_URL).delete("celery", "uploads")
    db = settings.DATABASES["default"]
    env = {**os.environ, "DEBUG": "1", "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
           "DATABASE_URL": (f"postgres://{db['USER'] or 'postgres'}:{db['PASSWORD'] or ''}@"
                            f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"),
           "TRACKER_READ_SECONDS": "2", "LOG_LEVEL": "WARNING"}
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "residency_planner", "worker",
         "-Q", "celery,uploads", "--concurrency", "1", "--loglevel", "WARNING",
         "--without-heartbeat", "--without-mingle", "--without-gossip"],
        cwd=ROOT, env=env)
    app.conf.task_always_eager = False
    try:
        yield process
    finally:
        app.conf.task_always_eager = True
        process.terminate()
        process.wait(timeout=30)


def _post(client, profile, content: bytes):
    started = time.monotonic()
    response = client.post(url("tracker_upload", profile),
                           {"file": SimpleUploadedFile("tracker.xlsx", content)})
    return response, time.monotonic() - started


def _wait(client, status_url: str, seconds: float = 60):
    """Reload the waiting page as the browser does, until it moves on or shows a result."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        page = client.get(status_url)
        if page.status_code != 200 or "Reading your tracker" not in page.content.decode():
            return page
        time.sleep(0.5)
    raise AssertionError("the worker gave no result")


def test_a_real_worker_reads_the_upload_and_the_preview_applies(worker, owner_client,
                                                                profile) -> None:
    first = tracker_ids(profile)[0]
    content = edit(download(owner_client, profile), {first: {"Status": "Applied"}})

    posted, seconds = _post(owner_client, profile, content)
    waiting = owner_client.get(posted["Location"])

    assert seconds < 1  # the web side only stores the file and queues it
    assert "Reading your tracker" in waiting.content.decode()
    ready = _wait(owner_client, posted["Location"])
    assert ready.status_code == 302 and ready["Location"] == url("tracker_confirm", profile)
    token = owner_client.session[f"tracker_upload_{profile.pk}"]["token"]
    owner_client.post(url("tracker_confirm", profile), {"token": token})
    assert tracking_state(profile)[first][0] == "applied"


def test_a_real_worker_stops_a_crafted_workbook_with_a_message(worker, owner_client,
                                                               profile) -> None:
    before = tracking_state(profile)

    posted, seconds = _post(owner_client, profile, workbook(**ATTACKS["shared strings"]))
    result = _wait(owner_client, posted["Location"])

    assert seconds < 1
    page = result.content.decode()
    assert "took too long to read, so reading it was stopped" in page
    assert tracking_state(profile) == before
    assert not EntryEvent.objects.exists()
