"""Tiering's work for the task queue: rebuilding the lists a catalog change touches.

A catalog import or an approved verified fact makes lists out of date; they used to be rebuilt
by the next page that opened each of them, in the web request. Now the change queues
``lists_refresh`` (tiering/apps.py listens for programs.signals.catalog_changed), and a worker
rebuilds them in batches; a list opened before its batch ran still rebuilds itself as before.
"""

from __future__ import annotations

import logging

from celery import shared_task

logger = logging.getLogger(__name__)
BATCH = 25  # profiles per task: each task stays short, so others (mail, uploads) interleave


def affected_profiles(specialty_codes: list[str] | None) -> list[int]:
    from applicants.models import Profile

    profiles = Profile.objects.filter(graduation_year__isnull=False,
                                      target_specialties__isnull=False)
    if specialty_codes is not None:
        profiles = profiles.filter(target_specialties__code__in=specialty_codes)
    return sorted(set(profiles.values_list("pk", flat=True)))


@shared_task
def lists_refresh(specialty_codes: list[str] | None) -> int:
    """Queue the rebuilds of every list holding programs of these specialties (None: all)."""
    ids = affected_profiles(specialty_codes)
    for start in range(0, len(ids), BATCH):
        lists_rebuild.delay(ids[start:start + BATCH])
    return len(ids)


@shared_task(soft_time_limit=300, time_limit=330)
def lists_rebuild(profile_ids: list[int]) -> int:
    """Bring these profiles' lists up to date; the number rebuilt."""
    from applicants.models import Profile
    from tiering.lists import list_ensure_current

    rebuilt = 0
    for profile in Profile.objects.filter(pk__in=profile_ids):
        try:
            # A catalog change rebuilds many lists at once: their ranks would only crowd the
            # shared cache until their applicants come back.
            rebuilt += list_ensure_current(profile, keep=False)
        except Exception:  # one profile's failure must not stop the batch
            logger.exception("Could not rebuild the list of profile %s", profile.pk)
    return rebuilt
