"""Starting an upload's reading in the task queue, and what the page says when it stopped.

The web process only stores the file and queues the task: it never opens the workbook. If the
queue cannot be reached, the upload fails at once with a message, and nothing is changed.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.translation import gettext as _
from kombu.exceptions import KombuError, OperationalError

from applicants.models import Profile
from tracker.models import TrackerUpload
from tracker.tasks import tracker_upload_read

logger = logging.getLogger(__name__)
REFRESH_SECONDS = 2  # how often the waiting page reloads itself
KEEP_DAYS = 1  # uploads nobody came back for are removed when the next one starts


def upload_start(profile: Profile, file: UploadedFile) -> TrackerUpload:
    """Store the file and queue its reading; a queue that cannot be reached fails the upload
    at once (the page says so)."""
    TrackerUpload.objects.filter(
        profile=profile, created_at__lt=timezone.now() - timedelta(days=KEEP_DAYS)).delete()
    job = TrackerUpload.objects.create(profile=profile, file_name=file.name[:255],
                                       size=file.size, data=file.read())
    try:
        tracker_upload_read.delay(job.pk)
    except (KombuError, OperationalError, OSError):
        logger.exception("Could not queue tracker upload %s", job.pk)
        TrackerUpload.objects.filter(pk=job.pk, state=TrackerUpload.State.QUEUED).update(
            state=TrackerUpload.State.FAILED, failure="queue", data=b"",
            finished_at=timezone.now())
    job.refresh_from_db()
    return job


def upload_give_up(job: TrackerUpload) -> None:
    """An upload no worker finished in time (the worker died, or the task was lost)."""
    TrackerUpload.objects.filter(pk=job.pk).exclude(
        state__in=[TrackerUpload.State.DONE, TrackerUpload.State.FAILED]).update(
        state=TrackerUpload.State.FAILED, failure="timeout" if job.started_at else "queue",
        data=b"", finished_at=timezone.now())
    job.refresh_from_db()


def failure_message(job: TrackerUpload) -> str:
    """Why the upload stopped, in the page's language; nothing was changed in every case."""
    if job.failure == "timeout":
        return _("“%(file)s” took too long to read, so reading it was stopped. Upload the "
                 "tracker workbook you downloaded; if you added sheets, pictures or many "
                 "styles to it, save it again without them.") % {"file": job.file_name}
    if job.failure in ("memory", "crashed"):
        return _("“%(file)s” needs more memory to read than a tracker ever does, so reading it "
                 "was stopped. Upload the tracker workbook you downloaded, without added "
                 "sheets, pictures or styles.") % {"file": job.file_name}
    if job.failure == "queue":
        return _("“%(file)s” could not be read now: the service that reads uploads is not "
                 "answering. Try again in a few minutes.") % {"file": job.file_name}
    return _("“%(file)s” could not be read because of an error on our side. Try again; if it "
             "happens again, upload the tracker workbook you downloaded.") % {
        "file": job.file_name}
