"""The task queue: Celery with Redis as the broker.

Slow or risky work runs here, never in a web worker: reading an uploaded tracker workbook (in
a child process with its own time and memory limits, tracker/reading.py), sending e-mail, and
rebuilding the lists a catalog change touches. `make run` starts one worker next to the
development server; docs/deploy.md says how to run workers on other machines.
"""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "residency_planner.settings")

app = Celery("residency_planner")
# Every CELERY_* setting of residency_planner/settings.py, lower-cased without the prefix.
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
