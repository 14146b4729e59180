"""Reverse a route of the product's apps by its name alone: names are unique across the apps,
and tests that walk a journey (list -> tracker -> advisor) should not care which app owns a page."""

from __future__ import annotations

from functools import cache

from django.urls import get_resolver, reverse

APPS = ("applicants", "tiering", "strategy", "tracker", "advising")


@cache
def _namespace_of() -> dict[str, str]:
    found: dict[str, str] = {}
    for namespace in APPS:
        _, resolver = get_resolver().namespace_dict[namespace]
        for name in resolver.reverse_dict:
            if isinstance(name, str):
                assert found.setdefault(name, namespace) == namespace, f"{name} is in two apps"
    return found


def route(name: str, **kwargs: object) -> str:
    return reverse(f"{_namespace_of()[name]}:{name}", kwargs=kwargs or None)
