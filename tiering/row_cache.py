"""The rendered rows of a list page, kept in the cache under everything they show.

Rendering a list's 80-120 rows, each with its reasons and the forms of the tracker and the
advisor, costs most of the list page. The rows change when the list does, so their HTML is
kept under a key made of everything they read: each entry's stored fields, the catalog's
version, the scoring model and the profile's scored fields (the reasons), the viewer, the
page's address (the forms) and its language, the list's revision, the templates, and what the apps
that add to the rows say they read (``ROW_DEPENDENCIES``: advising adds its notes). A change
to any of them makes a new key; nothing is ever purged, and old keys expire.

Forms in the cached HTML carry the CSRF token of the request that rendered them: every hit
gets the current request's token instead (``programs.page_cache.csrf_fresh``), so neither a
token nor the secret it comes from is shared between visitors or sessions.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.utils import translation

from applicants.models import Profile
from tiering import scope
from tiering.models import ListEntry

# What an app that adds to the list's rows reads besides the entries: profile -> a value that
# changes whenever what it shows changes. Apps register in their AppConfig.ready().
ROW_DEPENDENCIES: list[Callable[[Profile], Hashable]] = []

ROWS_CACHE_SECONDS = 6 * 3600
_TEMPLATES: str | None = None


def _templates_digest() -> str:
    """A digest of every template of the project, so a release with new templates never
    serves rows rendered by the old ones."""
    global _TEMPLATES
    if _TEMPLATES is None:
        folders = [Path(config.path) / "templates" for config in apps.get_app_configs()
                   if Path(config.path).is_relative_to(settings.BASE_DIR)]
        folders += [Path(folder) for t in settings.TEMPLATES for folder in t.get("DIRS", [])]
        digest = hashlib.sha256()
        for path in sorted(p for folder in folders for p in folder.rglob("*.html")):
            digest.update(str(path).encode() + path.read_bytes())
        _TEMPLATES = digest.hexdigest()
    return _TEMPLATES


def _stored(entry: ListEntry) -> tuple:
    return tuple((name, value) for name, value in sorted(vars(entry).items())
                 if not name.startswith("_") and name not in ("explanation", "why_chosen"))


def rows_key(request: HttpRequest, profile: Profile, entries: Iterable[ListEntry], *,
             inputs: str, scoring_version: str, revision: int, flags: tuple,
             taken: Iterable[int] = (), kind: str = "rows") -> str:
    """The key of one cached part of a list page: the list's rows (``kind="rows"``, which
    read the entries and what the apps in ROW_DEPENDENCIES show) or the candidates
    (``kind="candidates"``: the scope less the ``taken`` programs, filtered by the address)."""
    parts = (
        kind, translation.get_language(), profile.pk, request.user.pk, request.get_full_path(),
        revision, flags, inputs,
        scoring_version, scope.snapshot().version, _templates_digest(), sorted(taken),
        [_stored(entry) for entry in entries],
        [depends(profile) for depends in ROW_DEPENDENCIES] if kind == "rows" else [],
    )
    return f"list-{kind}:" + hashlib.sha256(repr(parts).encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class RowsCache:
    """A part's key and, when the cache has it, its HTML (read once, by the view, which then
    skips what only that part needs)."""

    key: str
    html: str | None


def cached_rows(request: HttpRequest, profile: Profile, entries: Iterable[ListEntry],
                **parts: object) -> RowsCache:
    key = rows_key(request, profile, entries, **parts)
    return RowsCache(key=key, html=cache.get(key))
