"""An uploaded tracker workbook waiting for, or read by, a task-queue worker."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone


class TrackerUpload(models.Model):
    """One upload: the file until a worker has read it, then what the page shows. The file is
    kept in the database, not the broker, so a worker on another machine can read it and a
    broker that loses the task loses nothing the page cannot say."""

    class State(models.TextChoices):
        QUEUED = "queued", "Waiting for a worker"
        READING = "reading", "Reading the workbook"
        DONE = "done", "Read"
        FAILED = "failed", "Stopped"

    profile = models.ForeignKey("applicants.Profile", on_delete=models.CASCADE,
                                related_name="tracker_uploads")
    file_name = models.CharField(max_length=255)
    size = models.PositiveIntegerField()
    data = models.BinaryField(blank=True)  # emptied once read
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    # Done: {"pending": ...} (changes to confirm), {"unchanged": true} or {"errors": [...]}.
    result = models.JSONField(default=dict, blank=True)
    # Failed: "timeout", "memory", "crashed", "queue", "error" (the page words each).
    failure = models.CharField(max_length=20, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["profile", "created_at"])]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.state})"

    @property
    def overdue(self) -> bool:
        """Not finished long after any worker would have stopped it: the worker died or the
        task was lost. The page then says so instead of waiting for ever."""
        if self.state in (self.State.DONE, self.State.FAILED):
            return False
        allowed = settings.TRACKER_TASK_SECONDS + settings.TRACKER_QUEUE_WAIT_SECONDS
        return timezone.now() - self.created_at > timedelta(seconds=allowed)
