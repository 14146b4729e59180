from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

# Tests run with the development defaults; production settings are tested explicitly.
os.environ.setdefault("DEBUG", "1")

ROOT = Path(__file__).resolve().parent.parent
CORE_SPECIALTIES = ["140", "120", "320", "400"]  # IM, FM, Pediatrics, Psychiatry


def pytest_configure() -> None:
    """Tasks run inline in the test process (an upload is still read in a child process with
    its limits; tests/test_worker.py starts a real worker), and the mail counts live in this
    process, not in a Redis other test runs share."""
    from django.conf import settings

    from residency_planner.celery import app

    app.conf.task_always_eager = True
    settings.CACHES["throttle"] = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                                   "LOCATION": "throttle"}


@pytest.fixture
def real_catalog(db) -> None:
    """The shipped catalog's core specialties, loaded through the import command's code."""
    from programs.catalog_import import import_catalog

    frame = pd.read_csv(ROOT / "fixtures" / "catalog.csv", dtype=str, keep_default_na=False)
    frame = frame[frame["specialty_code"].isin(CORE_SPECIALTIES)]
    result = import_catalog(frame, default_source="catalog.csv")
    assert result.ok, result.errors[:3]


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    """Each test starts with an empty cache, as a fresh deployment does."""
    from django.core.cache import caches

    from tiering.memo import MEMO

    caches["default"].clear()
    caches["throttle"].clear()
    MEMO.clear()  # what a process keeps in front of the cache: a fresh process has nothing


@pytest.fixture(autouse=True)
def _default_language() -> Iterator[None]:
    """Each test starts in the site's default language: a request in Spanish leaves Spanish
    active in the thread (the locale middleware does not switch back), which would carry over."""
    from django.utils import translation

    yield
    translation.deactivate()
