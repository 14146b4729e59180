"""The catalog's version: what caches of catalog pages and of the scoring's inputs are keyed by.

It lives in one database row (``CatalogVersion``), read by primary key once per request, and
every change to the catalog bumps it in the same transaction: saving or deleting a program or a
specialty (signals, so the admin and ``.save()`` are covered), and the paths that write without
signals call ``bump_catalog_version`` themselves (the import's bulk writes, approving or
withdrawing a verified fact). Committed with the change, so an import run by a command in
another process or an edit on another app server shows at every server's next request, and no
cache can outlive the catalog it was made from.
"""

from __future__ import annotations

import threading
from datetime import datetime

from django.core.signals import got_request_exception, request_finished, request_started
from django.db import IntegrityError, transaction
from django.db.models import F, Max, QuerySet, Subquery
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from programs.models import CatalogVersion, Program, Specialty

ROW = 1
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
    number, changed_at = _state()
    # The time as well as the number: a database made again from nothing (a restore, a test
    # run) starts counting again, and a shared cache must not answer it with older pages.
    return f"{number}-{changed_at.timestamp():.6f}"


def catalog_latest_change() -> datetime | None:
    """When the catalog last changed (lists built before it are stale)."""
    return _state()[1]


def bump_catalog_version() -> None:
    """Mark the catalog changed, in the caller's transaction (rolled back with it)."""
    now = timezone.now()
    if not CatalogVersion.objects.filter(pk=ROW).update(number=F("number") + 1, changed_at=now):
        _create(now)
    if getattr(_request, "active", False):
        _request.version = None  # this request's later reads see its own change


def with_catalog_version(queryset: QuerySet) -> QuerySet:
    """The queryset's rows with the catalog's version read in the same query (two subqueries
    on its one row): a page whose first query reads the applicant needs no second one for the
    version. Hand a row's ``catalog_number`` and ``catalog_changed_at`` to
    ``catalog_version_read``."""
    row = CatalogVersion.objects.filter(pk=ROW)
    return queryset.annotate(catalog_number=Subquery(row.values("number")[:1]),
                             catalog_changed_at=Subquery(row.values("changed_at")[:1]))


def catalog_version_read(number: int | None, changed_at: datetime | None) -> None:
    """The version as another query of this request read it (``with_catalog_version``): the
    request's later reads take it from there. Nothing outside a request, or when the row is
    missing (``_read_state`` makes it)."""
    if number is not None and changed_at is not None and getattr(_request, "active", False) \
            and _request.version is None:
        _request.version = (number, changed_at)


def _state() -> tuple[int, datetime]:
    if getattr(_request, "active", False):
        if _request.version is None:
            _request.version = _read_state()
        return _request.version
    return _read_state()


def _read_state() -> tuple[int, datetime]:
    row = CatalogVersion.objects.filter(pk=ROW).values_list("number", "changed_at").first()
    if row is None:  # a database emptied by a test's flush, or never migrated with data
        row = _create(Program.objects.aggregate(latest=Max("updated_at"))["latest"]
                      or timezone.now())
    return row


def _create(changed_at: datetime) -> tuple[int, datetime]:
    try:
        with transaction.atomic():
            CatalogVersion.objects.create(pk=ROW, number=1, changed_at=changed_at)
    except IntegrityError:  # another process made it first
        pass
    return CatalogVersion.objects.filter(pk=ROW).values_list("number", "changed_at").get()


def _changed(**kwargs: object) -> None:
    bump_catalog_version()


for _model in (Program, Specialty):
    post_save.connect(_changed, sender=_model, dispatch_uid=f"programs.versions.save.{_model}")
    post_delete.connect(_changed, sender=_model,
                        dispatch_uid=f"programs.versions.delete.{_model}")
