"""The catalog's page cache holds only bounded keys (the third hardening issue, finding 8):
every distinct anonymous search used to be cached for a day (400 random searches: 400 keys,
4 MB). Free-text searches and invalid filters are no longer cached; the bounded filters are.
Checked on a real Redis, the production cache, under a key prefix of this test's own."""

from __future__ import annotations

import os
import secrets

import pytest
from django.conf import settings as django_settings
from django.urls import reverse

from tests.factories import ProgramFactory, SpecialtyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def redis_cache(settings):
    import redis

    url = django_settings.CELERY_BROKER_URL
    client = redis.Redis.from_url(url, socket_timeout=2)
    try:
        client.ping()
    except redis.RedisError as error:
        if os.environ.get("REQUIRE_WORKER") == "1":
            pytest.fail(f"no Redis at {url}: {error}")
        pytest.skip(f"no Redis at {url}: {error}")
    prefix = f"test-catalog-{secrets.token_hex(6)}"
    settings.CACHES = {**settings.CACHES, "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url,
        "KEY_PREFIX": prefix}}

    def keys() -> int:
        return sum(1 for _ in client.scan_iter(f"{prefix}:*"))

    yield keys
    for key in client.scan_iter(f"{prefix}:*"):
        client.delete(key)


def test_free_text_searches_add_no_cache_keys(client, redis_cache) -> None:
    im = SpecialtyFactory(code="140", name="Internal Medicine")
    ProgramFactory(specialty=im, name="El Paso Medical Center", city="El Paso", state="TX")
    catalog = reverse("programs:list")
    client.get(catalog, {"q": "warm"})
    before = redis_cache()

    for _n in range(40):
        page = client.get(catalog, {"q": secrets.token_hex(8)})
        assert page.status_code == 200
    found = client.get(catalog, {"q": "el paso"})
    for junk in ({"state": "ZZ"}, {"page": "99999"}, {"page": "x" * 50}):
        client.get(catalog, junk)

    assert redis_cache() == before
    assert "El Paso Medical Center" in found.content.decode()


def test_the_bounded_filters_are_still_cached_once_each(client, redis_cache) -> None:
    im = SpecialtyFactory(code="140", name="Internal Medicine")
    ProgramFactory(specialty=im, state="TX")
    catalog = reverse("programs:list")
    client.get(catalog)
    before = redis_cache()

    client.get(catalog, {"state": "TX", "specialty": "140"})
    client.get(catalog, {"specialty": "140", "state": "TX", "stray": "x"})  # the same page
    client.get(catalog, {"state": "TX", "specialty": "140", "page": "1"})

    assert redis_cache() == before + 1


def test_the_catalog_without_filters_is_cached_once_as_every_filter_empty(client,
                                                                         redis_cache) -> None:
    """The most read catalog page, the one the menu links to, has no query string: it was
    rendered on every request (an unbound form is never "valid")."""
    ProgramFactory(specialty=SpecialtyFactory(code="140", name="Internal Medicine"))
    catalog = reverse("programs:list")
    client.get(reverse("home"))
    before = redis_cache()

    client.get(catalog)
    client.get(catalog)
    assert redis_cache() == before + 1
    client.get(catalog, {"q": "", "page": "1"})  # the same page, as the search form sends it
    assert redis_cache() == before + 1
