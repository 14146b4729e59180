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
import zlib
from collections.abc import Callable
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import CSRF_TOKEN_LENGTH, get_token
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.safestring import SafeString, mark_safe

from programs.current import season
from programs.versions import catalog_version
from residency_planner.compression import (
    accepts_gzip,
    deflated,
    deflated_between,
    gzip_joined,
    stored,
)

_CSRF_INPUT = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]*(")')
_TOKEN_MARK = "\x00csrf-token\x00"  # never in a page: PostgreSQL keeps no NUL in text
_TOKEN_MARK_BYTES = _TOKEN_MARK.encode()
_PART_MARK = "\x00cached-part\x00"  # where page_response puts a kept part's bytes
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
    """Keep a page's content rendered for this request, cut at its forms' tokens, so that
    serving it is joining the pieces around this request's token (``page_served``), not a
    pattern search nor a replace over the page. Kept as the response sends it: UTF-8 bytes,
    which a hit neither decodes nor encodes again, and the same compressed once, piece by
    piece, which a hit for a browser that takes gzip joins around its own token
    (``page_response``) instead of compressing the page again."""
    pieces = _CSRF_INPUT.sub(lambda m: m.group(1) + _TOKEN_MARK + m.group(2), html).encode() \
        .split(_TOKEN_MARK_BYTES)
    cache.set(key, (tuple(pieces), deflated_between(pieces, CSRF_TOKEN_LENGTH)), seconds)


def page_served(kept: tuple[tuple[bytes, ...], tuple[bytes, ...]], token: str) -> bytes:
    """Kept content (``page_store``) with this token in its forms."""
    return token.encode().join(kept[0])


def _tokens_between(pieces: tuple[bytes, ...], token: bytes) -> list[bytes]:
    out = [pieces[0]]
    for piece in pieces[1:]:
        out += [token, piece]
    return out


def page_part(kept: tuple[tuple[bytes, ...], tuple[bytes, ...]],
              request: HttpRequest | None) -> str:
    """Kept content as the template puts it in the page: when the view renders with
    ``page_response``, a mark that it replaces by the bytes; otherwise the text."""
    parts = getattr(request, "page_parts", None)
    if parts is None:
        return page_served(kept, get_token(request) if request is not None else "").decode()
    parts.append(kept)
    return _PART_MARK


def page_response(request: HttpRequest, template_name: str, context: dict) -> HttpResponse:
    """``render``, with the content found in the cache put into the page as the cache keeps
    it (``page_part``): a hit on a list page of 300 KB is not decoded, searched as text and
    encoded again, nor compressed again for a browser that takes gzip."""
    request.page_parts = parts = []
    try:
        html = render_to_string(template_name, context, request)
    finally:
        del request.page_parts
    if not parts:
        return HttpResponse(html)
    around = [piece.encode() for piece in html.split(_PART_MARK)]
    if len(around) != len(parts) + 1:  # a part rendered and not shown, or shown twice
        return HttpResponse(render_to_string(template_name, context, request))
    token = get_token(request).encode()
    if not accepts_gzip(request) or len(token) != CSRF_TOKEN_LENGTH:  # (the pieces' gaps)
        # The page copied once: the pieces around the content, its own with the tokens between.
        body = [around[0]]
        for kept, piece in zip(parts, around[1:], strict=True):
            body += _tokens_between(kept[0], token)
            body.append(piece)
        return HttpResponse(b"".join(body))
    # The pieces compressed at each request are the page around the content and the token.
    blocks, crc, size = [deflated(around[0])], zlib.crc32(around[0]), len(around[0])
    token_block = stored(token)
    for kept, piece in zip(parts, around[1:], strict=True):
        blocks += _tokens_between(kept[1], token_block)
        blocks.append(deflated(piece))
        for plain in _tokens_between(kept[0], token):
            crc = zlib.crc32(plain, crc)
            size += len(plain)
        crc, size = zlib.crc32(piece, crc), size + len(piece)
    response = HttpResponse(gzip_joined(blocks, crc, size))
    response.headers["Content-Encoding"] = "gzip"  # GZipMiddleware leaves it as it is
    patch_vary_headers(response, ("Accept-Encoding",))
    return response


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
