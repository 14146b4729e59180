"""The tracker's work for the task queue: reading an uploaded workbook.

The task runs in a Celery worker (queue "uploads"), never in a web worker; the reading itself
runs in a child process with its own time and memory limits (tracker/reading.py), and the
task as a whole has Celery's soft and hard time limits on top. Whatever happens, the upload's
row ends "done" or "failed" with a reason the page can word, and nothing is applied: applying
waits for the applicant's confirmation.
"""

from __future__ import annotations

import logging
import secrets

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.utils import timezone

from tracker import tracking
from tracker.models import TrackerUpload
from tracker.sandbox import SandboxFailed

logger = logging.getLogger(__name__)
MAX_ERRORS_KEPT = 100


def _finish(upload: TrackerUpload, *, result: dict | None = None, failure: str = "") -> None:
    upload.state = TrackerUpload.State.FAILED if failure else TrackerUpload.State.DONE
    upload.result = result or {}
    upload.failure = failure
    upload.data = b""  # the file is not kept once read
    upload.finished_at = timezone.now()
    upload.save(update_fields=["state", "result", "failure", "data", "finished_at"])


@shared_task(soft_time_limit=settings.TRACKER_TASK_SECONDS,
             time_limit=settings.TRACKER_TASK_SECONDS + 10)
def tracker_upload_read(upload_id: int) -> None:
    # Claimed with a conditional UPDATE: a task delivered twice reads the file once.
    if not TrackerUpload.objects.filter(pk=upload_id, state=TrackerUpload.State.QUEUED).update(
            state=TrackerUpload.State.READING, started_at=timezone.now()):
        return
    upload = TrackerUpload.objects.select_related("profile").get(pk=upload_id)
    try:
        preview = tracking.tracker_preview(upload.profile, bytes(upload.data),
                                           name=upload.file_name, size=upload.size)
    except tracking.TrackerFileError as problem:
        _finish(upload, result={"errors": [str(problem)], "more": 0})
    except SandboxFailed as stopped:
        logger.warning("Tracker upload %s stopped: %s", upload_id, stopped.reason)
        _finish(upload, failure=stopped.reason)
    except SoftTimeLimitExceeded:
        logger.warning("Tracker upload %s stopped: the task's time limit", upload_id)
        _finish(upload, failure="timeout")
    except Exception:
        logger.exception("Tracker upload %s failed", upload_id)
        _finish(upload, failure="error")
    else:
        if preview.errors:
            errors = [str(error) for error in preview.errors]
            _finish(upload, result={"errors": errors[:MAX_ERRORS_KEPT],
                                    "more": max(0, len(errors) - MAX_ERRORS_KEPT)})
        elif not preview.changes:
            _finish(upload, result={"unchanged": True})
        else:
            _finish(upload, result={"pending": tracking.pending_of(
                upload.profile, preview.changes, token=secrets.token_urlsafe(16),
                file_name=upload.file_name)})
