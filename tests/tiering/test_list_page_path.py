"""The list page is assembled in one pass: its view enters each of the product's modules once,
in the order the page is built.

The request is traced with ``sys.setprofile``. A *stop* is a call from the view into a product
module other than ``tiering/views.py``: made by ``tier_list`` itself, or by a helper of
``views.py`` that ``tier_list`` called (a callback of the view called from inside another
module, such as the lazy ranks a what-if asks for, belongs to that module's stop). The model
modules are left out: reading ``entry.tier`` or ``profile.is_complete`` is reading data, not a
step of the page.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from django.urls import reverse

from tests.tiering.test_tier_list import persona
from tiering.lists import list_recompute

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent.parent
PACKAGES = ("programs", "applicants", "tiering", "strategy", "tracker", "advising",
            "residency_planner")
VIEWS = str(ROOT / "tiering" / "views.py")
# who may see it -> the page's content from the cache, or: load -> score -> explain; then
# render (programs.page_cache.page_response, which puts in the content found in the cache)
ORDER = ["applicants.access", "tiering.page_cache", "tiering.scored", "tiering.lists",
         "tiering.choice_field", "tiering.scope", "tiering.forms", "tiering.what_if",
         "tiering.list_summary", "tiering.explain", "tiering.advice", "programs.page_cache"]


def _module(filename: str) -> str | None:
    path = Path(filename)
    if not path.is_relative_to(ROOT) or path.parts[len(ROOT.parts)] not in PACKAGES:
        return None
    name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
    return None if name.endswith(".models") else name


SCORED = str(ROOT / "tiering" / "scored.py")


def page_stops(client, url: str) -> tuple[list[str], int]:
    """The modules the list page's view stops in, in order, one entry per run of stops; and
    how many times the applicant was built from the profile, at any depth."""
    stops: list[str] = []
    applicants = 0

    def profile(frame, event, arg) -> None:
        nonlocal applicants
        if event != "call" or frame.f_code.co_filename == VIEWS:
            return
        if frame.f_code.co_filename == SCORED and frame.f_code.co_name == "applicant_of":
            applicants += 1
        module = _module(frame.f_code.co_filename)
        caller = frame.f_back
        if module is None or caller is None or caller.f_code.co_filename != VIEWS:
            return
        while caller is not None and caller.f_code.co_filename == VIEWS:
            if caller.f_code.co_name == "tier_list":
                if not stops or stops[-1] != module:
                    stops.append(module)
                return
            caller = caller.f_back

    sys.setprofile(profile)
    try:
        response = client.get(url)
    finally:
        sys.setprofile(None)
    assert response.status_code == 200
    return stops, applicants


@pytest.mark.parametrize("caches", ["cold", "warm"])
def test_the_list_page_enters_each_module_once_in_the_order_it_is_built(
        client, real_catalog, caches) -> None:
    profile = persona(budget_usd=2500)
    list_recompute(profile)
    client.force_login(profile.user)
    url = reverse("tiering:list", kwargs={"pk": profile.pk})
    if caches == "warm":
        client.get(url)

    stops, applicants = page_stops(client, url)

    assert len(stops) == len(set(stops)), f"a module entered twice: {stops}"
    assert [m for m in ORDER if m in stops] == [m for m in stops if m in ORDER], stops
    assert set(stops) <= set(ORDER), f"a module outside the page's order: {stops}"
    if caches == "cold":
        # Every part is computed: each step is taken, the applicant built once and handed down.
        assert stops == ORDER
        assert applicants == 1, "the applicant is built once and handed down"
    else:
        # The page's content is in the cache: nothing is loaded, scored or explained again.
        assert stops == ["applicants.access", "tiering.page_cache", "programs.page_cache"]
        assert applicants == 0
