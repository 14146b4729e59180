"""The catalog's version: what caches of catalog pages and of the scoring's inputs are keyed by.

It is read from the database (one indexed aggregate), not kept in a counter, so an import run
by a command in another process, an edit in the admin or a deletion changes it everywhere at
once, and no cache can outlive the catalog it was made from.
"""

from __future__ import annotations

import threading

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
    if getattr(_request, "active", False):
        if _request.version is None:
            _request.version = _read_version()
        return _request.version
    return _read_version()


def _read_version() -> str:
    # Count and highest id see additions and deletions; the latest change sees edits (the
    # import sets updated_at itself, since bulk_update skips auto_now). A new specialty comes
    # with its programs.
    programs = Program.objects.aggregate(n=Count("pk"), top=Max("pk"), latest=Max("updated_at"))
    latest = programs["latest"].timestamp() if programs["latest"] else 0
    return f"{programs['n']}-{programs['top']}-{latest:.6f}"
