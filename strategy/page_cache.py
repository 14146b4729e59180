"""The strategy, map and SOAP pages' content, kept in the cache under everything they show.

Rendering the page (the signal plan's rows with their selects; on the map's page the two SVG
maps and the table of the list) costs nearly all of its time, and it changes only when what it
reads changes. So its HTML is kept under a key made of all of that, read with the applicant's
own row (``applicants.access.get_applicant_for``), no query of its own:

- the list's entries, through the list's row read with the profile: its revision (rebuilds,
  changes by hand: an advisor's tier, a removal) and its content stamp, which every other
  write to the entries moves in its own transaction (a signal saved on this page or a gold
  one, a proposal taken, a tracking save or an upload: ``ApplicantList.touch``), as the list
  page's key reads them (``tiering.page_cache``), so each shows at once without reading the
  entries;
- every stored field of the profile (its answers, geographic preferences, version);
- the catalog's version (the programs' names, places and facts), the scoring model;
- the viewer (user, owner or advisor, what they may edit; an advisor sees the applicant's
  address), the language, the day, and the release (templates, code, data and translations:
  ``tiering.page_cache.release_digest``).

A change to any of them makes a new key; nothing is purged, and old keys expire. The forms'
CSRF tokens are stored as a mark and each hit puts the current request's token there
(``programs.page_cache.page_store`` and ``page_served``, through the ``cached_page`` template tag
the list page uses too), so neither a token nor its secret is shared between visitors or
sessions. The base template's messages are outside the cached part: a flash message still
shows once.
"""

from __future__ import annotations

import hashlib

from django.core.cache import cache as shared_cache
from django.http import HttpRequest
from django.utils import timezone, translation

from applicants.models import Profile
from programs.versions import catalog_version
from tiering.models import ApplicantList
from tiering.page_cache import PageCache, release_digest
from tiering.scored import SCORING_VERSION


def page_key(request: HttpRequest, profile: Profile, *, flags: tuple,
             page: str = "strategy") -> str:
    """The page's key, from the profile as the view read it: with its list's row
    (``related=("program_list",)``), so that no query is made here but the catalog's version
    (read with the profile as well, ``programs.versions.with_catalog_version``)."""
    try:
        the_list = profile.program_list
        entries = (the_list.revision, the_list.content_stamp, the_list.built_at)
    except ApplicantList.DoesNotExist:
        entries = None
    stored = [(field.attname, getattr(profile, field.attname))
              for field in Profile._meta.concrete_fields]
    parts = (
        page, translation.get_language(), request.user.pk, flags, profile.user.email,
        stored, entries, catalog_version(), SCORING_VERSION,
        timezone.localdate().isoformat(), release_digest(),
    )
    return f"{page}-page:" + hashlib.sha256(repr(parts).encode()).hexdigest()


def cached_page(request: HttpRequest, profile: Profile, *, flags: tuple,
                page: str = "strategy") -> PageCache:
    """The page's key and, when the cache has it, its HTML: the view skips its work on a hit
    and the template's ``cached_page`` tag stores it on a miss. ``page``: "strategy", "map"
    or "soap" (the map and SOAP pages read a subset of the same: the answers, the catalog,
    the list's entries)."""
    key = page_key(request, profile, flags=flags, page=page)
    return PageCache(key=key, html=shared_cache.get(key))

