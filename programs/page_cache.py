"""Rendered page content kept in the shared cache, and what every hit must make its own.

A catalog page's content is the same for every visitor: it is cached under the catalog's
version (``programs.versions``), which every catalog change bumps in its own transaction, so
the next request on any server reads a new key; nothing is purged and old keys expire.

Forms in cached HTML carry the CSRF token of the request that rendered them: every hit gets
the current request's token instead (``csrf_fresh``), so neither a token nor the secret it
comes from is shared between visitors or sessions. Flash messages live outside the cached
part (the base template), so they stay per request.
"""

from __future__ import annotations

import hashlib
import re
import sys
from collections.abc import Callable
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe

from programs.current import season
from programs.versions import catalog_version

_CSRF_INPUT = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]*(")')
_TOKEN_MARK = "\x00csrf-token\x00"  # never in a page: PostgreSQL keeps no NUL in text
_RELEASE_FILES = ("*.html", "*.py", "*.mo", "*.json", "*.csv", "*.yaml", "*.toml")
_RELEASE: str | None = None


def release_digest() -> str:
    """A digest of the project's own templates, code, translations and data, and of the
    dependencies it pins, so that a new release never serves a page made by the old one (the
    cache outlives the processes)."""
    global _RELEASE
    if _RELEASE is None:
        # The project's apps, not the installed packages of a virtualenv kept in the project's
        # folder: walking Django's and the others' files (every language's translations) cost
        # the first request of every process a third of a second. Their versions are pinned in
        # pyproject.toml, read below, so an upgrade still makes a new digest.
        folders = [Path(config.path) for config in apps.get_app_configs()
                   if Path(config.path).is_relative_to(settings.BASE_DIR)
                   and not Path(config.path).is_relative_to(sys.prefix)]
        folders += [Path(folder) for t in settings.TEMPLATES for folder in t.get("DIRS", [])]
        folders += [Path(folder) for folder in settings.LOCALE_PATHS]
        digest = hashlib.sha256()
        paths = {path for folder in folders for pattern in _RELEASE_FILES
                 for path in folder.rglob(pattern)}
        pins = Path(settings.BASE_DIR) / "pyproject.toml"
        if pins.exists():
            paths.add(pins)
        for path in sorted(paths):
            digest.update(str(path).encode() + path.read_bytes())
        _RELEASE = digest.hexdigest()
    return _RELEASE


def csrf_fresh(html: str, request: HttpRequest | None) -> str:
    """The cached HTML with this request's CSRF token in its forms."""
    if request is None or "csrfmiddlewaretoken" not in html:
        return html
    token = get_token(request)
    return _CSRF_INPUT.sub(lambda m: m.group(1) + token + m.group(2), html)


def page_store(key: str, html: str, seconds: int) -> None:
    """Keep a page's content rendered for this request, its forms' tokens replaced by a mark,
    so that serving it is one plain replace (``page_served``), not a pattern search."""
    cache.set(key, _CSRF_INPUT.sub(lambda m: m.group(1) + _TOKEN_MARK + m.group(2), html),
              seconds)


def page_served(html: str, request: HttpRequest | None) -> str:
    """Kept content (``page_store``) with this request's token in its forms."""
    if request is None or _TOKEN_MARK not in html:
        return html
    return html.replace(_TOKEN_MARK, get_token(request))


def part_rendered(kind: str, parts: tuple, template_name: str,
                  context: Callable[[], dict], seconds: int) -> SafeString:
    """A piece of a page that is the same for every page and viewer showing it, given
    ``parts`` (and the release): rendered once and kept in the shared cache under them."""
    key = f"{kind}:" + hashlib.sha256(repr((*parts, release_digest())).encode()).hexdigest()
    html = cache.get(key)
    if html is None:
        html = render_to_string(template_name, context())
        cache.set(key, html, seconds)
    return mark_safe(html)  # rendered by the template, escaped there


def program_page_key(acgme_id: str, viewer: str) -> str:
    """The key of a program page's content: the program, the catalog's version, the season
    (a fact's age is counted from it), the language, and which form the viewer is offered
    (``viewer``: the page is otherwise the same for everyone), and the release."""
    parts = (acgme_id, catalog_version(), season(), translation.get_language(), viewer,
             release_digest())
    return "program-page:" + hashlib.sha256(repr(parts).encode()).hexdigest()
