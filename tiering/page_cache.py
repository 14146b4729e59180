"""The list page's content, kept in the cache under everything it shows.

Assembling a list page reads the whole list, scores the scope, builds the what-ifs, the
summary, the notices and the advice, and renders 80-120 rows with their reasons and forms;
the page changes far less often than it is opened. So its content (the page less the
navigation, the flash messages and the CSRF tokens) is kept under a key read in a few indexed
queries, and a page found there skips all of that work.

The key holds everything the content is made from:

- the list: its revision (builds and changes by hand) and its content stamp (the writes to
  entries that leave the revision alone: tracking, signals, notes; ``ApplicantList.touch``);
- the profile's version and the time of its last save (the inputs of the scoring, the
  specialties, the budget), and the applicant's name and address (the title and the forms);
- the catalog's version (``programs.versions``: facts, approvals, imports), the scoring
  model's version, and the release (templates, translations, code and data of the project);
- the viewer (who it is, and whether they own the list or may edit it), the page's address
  (filters, page of candidates, the forms' return address), the language and the day (the
  season, days and ages said from today);
- what the apps that add to the page show: they move the content stamp when it changes
  (advising: its notes).

A change to any of them makes a new key; nothing is ever purged, and old keys expire. A stale
list (the catalog or the profile changed since it was built) always has a new key too, so a
page found in the cache was made from a current list.

Forms in the cached HTML carry the CSRF token of the request that rendered them: every hit
gets the current request's token instead (``programs.page_cache.page_served``), so neither a
token nor the secret it comes from is shared between visitors or sessions.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.core.cache import cache
from django.http import HttpRequest
from django.utils import timezone, translation

from applicants.models import Profile
from programs.page_cache import release_digest
from programs.versions import catalog_version
from tiering.models import ApplicantList
from tiering.scored import SCORING_VERSION

PAGE_CACHE_SECONDS = 6 * 3600


def page_key(request: HttpRequest, profile: Profile, *, flags: tuple) -> str:
    """The key of the list page's content for this viewer, address and language: read from
    the profile and its list's row (``profile.program_list``, best read with the profile) and
    the catalog's version (one indexed read per request)."""
    try:
        the_list = profile.program_list
        stamp = (the_list.revision, the_list.content_stamp, the_list.built_at)
    except ApplicantList.DoesNotExist:
        stamp = None
    user = profile.user
    parts = (
        translation.get_language(), profile.pk, request.user.pk, flags,
        request.get_full_path(), stamp, profile.version, profile.updated_at,
        user.email, user.first_name, user.last_name,
        catalog_version(), SCORING_VERSION, release_digest(), timezone.localdate(),
    )
    return "list-page:" + hashlib.sha256(repr(parts).encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class PageCache:
    """The content's key and, when the cache has it, its HTML as kept
    (``programs.page_cache.page_store``: UTF-8 bytes cut at the forms' tokens, and the same
    compressed; read once, by the view, which then does nothing else)."""

    key: str
    html: tuple[tuple[bytes, ...], tuple[bytes, ...]] | None


def cached_page(request: HttpRequest, profile: Profile, *, flags: tuple) -> PageCache:
    key = page_key(request, profile, flags=flags)
    return PageCache(key=key, html=cache.get(key))


__all__ = ["PAGE_CACHE_SECONDS", "PageCache", "cached_page", "page_key", "release_digest"]
