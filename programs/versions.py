"""The catalog's version: what caches of catalog pages and of the scoring's inputs are keyed by.

It is read from the database (one indexed aggregate), not kept in a counter, so an import run
by a command in another process, an edit in the admin or a deletion changes it everywhere at
once, and no cache can outlive the catalog it was made from.
"""

from __future__ import annotations

import threading
from datetime import datetime

from django.core.signals import got_request_exception, request_finished, request_started
from django.db.models import Count, Max

from programs.models import Program

# Within one request the version is read once: a list page asks for it in several places.
# Outside a request (commands, shell, tests calling functions) it is read every time.
_request = threading.local()


def _request_starts(**kwargs: object) -> None:
    _request.version = None
    _request.active = True


def _request_ends(**kwargs: object) -> None:
    _request.version = None
    _request.active = False


request_started.connect(_request_starts, dispatch_uid="programs.versions.start")
request_finished.connect(_request_ends, dispatch_uid="programs.versions.end")
# A view that raises may never finish (the test client re-raises): end there too.
got_request_exception.connect(_request_ends, dispatch_uid="programs.versions.error")


def catalog_version() -> str:
    state = _state()
    latest = state["latest"].timestamp() if state["latest"] else 0
    return f"{state['n']}-{state['top']}-{latest:.6f}"


def catalog_latest_change() -> datetime | None:
    """When a program last changed (lists built before it are stale)."""
    return _state()["latest"]


def _state() -> dict:
    if getattr(_request, "active", False):
        if _request.version is None:
            _request.version = _read_state()
        return _request.version
    return _read_state()


def _read_state() -> dict:
    # Count and highest id see additions and deletions; the latest change sees edits (the
    # import sets updated_at itself, since bulk_update skips auto_now). A new specialty comes
    # with its programs.
    return Program.objects.aggregate(n=Count("pk"), top=Max("pk"), latest=Max("updated_at"))
