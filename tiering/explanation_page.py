"""A program's explanation page, kept in the cache like the list page.

The page shows one program of a list: its place and score with their reasons, the
applicant's tracking of it, the advisor's notes and decisions on it, and its facts. All of
that is read from what the list page's key already holds (``tiering.page_cache.page_key``):
the list's revision and content stamp (builds, changes by hand, tracking, signals, notes), the
profile's version, the catalog's version, the scoring model, the viewer and what they may do,
the page's address (the program, and the forms' return address), the language, the day and the
release. Its own kind is part of the key too, so it never meets a list page's content.

The title (the program's name and tier, in the head of the page) is kept beside the content,
both read in one round trip; a page is served from the cache only when both are there. The
forms' CSRF tokens are swapped per request by the ``cached_page`` template tag
(``programs.page_cache.page_store`` and ``page_served``).
"""

from __future__ import annotations

from django.core.cache import cache
from django.http import HttpRequest

from applicants.models import Profile
from tiering.page_cache import PageCache, page_key


def explanation_cache(request: HttpRequest, profile: Profile, *,
                      flags: tuple) -> tuple[PageCache, PageCache]:
    """The title's and the content's keys and, when the cache holds both, their HTML (else
    neither: the view renders the whole page and the template keeps both). ``flags``: whether
    the viewer owns the list, and whether they may edit it."""
    key = page_key(request, profile, flags=("explanation", *flags))
    keys = (key + ":title", key + ":content")
    found = cache.get_many(keys)
    whole = all(found.get(k) is not None for k in keys)
    title, content = (PageCache(key=k, html=found[k] if whole else None) for k in keys)
    return title, content
