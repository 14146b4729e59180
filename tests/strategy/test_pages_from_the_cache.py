"""A page served from the cache is the page as it was rendered, byte for byte, but for its
forms' CSRF tokens (each request's own): the list page, a program's explanation, the strategy,
map and SOAP pages. The cache keeps the content as bytes and a hit puts them into the page
without decoding them (programs.page_cache.page_response)."""

from __future__ import annotations

import gzip
import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.strategy.conftest import fm_entries

pytestmark = pytest.mark.django_db

TOKEN = re.compile(rb'(name="csrfmiddlewaretoken" value=")([^"]+)(")')


def served_twice(client, url: str, **headers) -> tuple[bytes, bytes, int, int]:
    """The page rendered (the cache emptied first) and then served from the cache, with the
    queries each made."""
    cache.clear()
    with CaptureQueriesContext(connection) as rendering:
        rendered = client.get(url, **headers)
    with CaptureQueriesContext(connection) as serving:
        kept = client.get(url, **headers)
    assert rendered.status_code == kept.status_code == 200
    return rendered.content, kept.content, len(rendering), len(serving)


def url_of(name: str, profile) -> str:
    kwargs = {"pk": profile.pk}
    if name == "tiering:explanation":
        kwargs["acgme_id"] = fm_entries(profile)[0].program.acgme_id
    return reverse(name, kwargs=kwargs)


PAGES = ["tiering:list", "tiering:explanation", "strategy:strategy", "strategy:map",
         "strategy:soap"]


@pytest.mark.parametrize("name", PAGES)
def test_a_page_from_the_cache_is_the_page_rendered_with_this_requests_tokens(
        owner, profile, name) -> None:
    rendered, kept, rendering, serving = served_twice(owner, url_of(name, profile))

    assert serving < rendering  # the second one was served from the cache
    if name != "tiering:explanation":
        assert serving <= 3  # session, user, the profile with its list and catalog version
    assert TOKEN.sub(rb"\1\3", kept) == TOKEN.sub(rb"\1\3", rendered)
    assert b"\x00" not in kept
    if name != "strategy:map":  # the map page has no form
        tokens = {m.group(2) for m in TOKEN.finditer(kept)}
        assert tokens and not tokens & {m.group(2) for m in TOKEN.finditer(rendered)}


def test_the_map_alone_from_the_cache_is_the_map_rendered(owner, profile) -> None:
    url = reverse("strategy:map", kwargs={"pk": profile.pk}) + "?part=1"
    rendered, kept, rendering, serving = served_twice(owner, url)

    assert serving < rendering and kept == rendered and b"<svg" in kept


@pytest.mark.parametrize("name", PAGES)
def test_a_browser_that_takes_gzip_gets_the_same_page_gzipped(owner, profile, name) -> None:
    """The content is kept compressed and joined around this request's token and page: it
    unpacks (its length and checksum checked) to the page a browser without gzip gets."""
    plain, _, _, _ = served_twice(owner, url_of(name, profile))
    cache.clear()
    gzipped = [owner.get(url_of(name, profile), HTTP_ACCEPT_ENCODING="gzip, deflate, br")
               for _ in range(2)]  # rendered, then from the cache

    for response in gzipped:
        assert response["Content-Encoding"] == "gzip"
        assert "Accept-Encoding" in response["Vary"]
        unpacked = gzip.decompress(response.content)
        assert TOKEN.sub(rb"\1\3", unpacked) == TOKEN.sub(rb"\1\3", plain)
    assert len(gzipped[1].content) < len(plain) / 2
