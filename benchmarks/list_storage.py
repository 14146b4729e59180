"""Bytes on disk per applicant after a season of use, on PostgreSQL (pg_total_relation_size).

    .venv/bin/python benchmarks/list_storage.py [--applicants 20] [--logins 5]

On a fresh database with the shipped catalog, each applicant (the list issue's case: needs a
J-1, Step 2 CK 222 on the first attempt, native Spanish, 3 months of border-region clinical
experience; IM, FM, Pediatrics, Psychiatry; budget $2,000) does what a user does, through the
forms, with Django's test client (the whole request: middleware, sessions, django-axes):

- logs in through the log-in form ``--logins`` times over the season (each log-in leaves a
  session row and a django-axes access row);
- has the list built, then tracks 40 of its programs through the tracking form as a season
  goes: applied (status, date, letters, fee, a note) for all 40, interview invited for 15,
  interviewed (the date) for 10, ranked for 8, withdrawn for 3: 76 saves.

The figure is the growth of ``pg_total_relation_size`` (rows, indexes, TOAST, free space) of
every table but the catalog's, after a plain VACUUM (what autovacuum does), divided by the
number of applicants: what 100,000 applicants would need on disk. Last line "RESULT {json}".
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date, timedelta

import _django

CORE = ["140", "120", "320", "400"]
PASSWORD = "a long enough password 42"
TRACKED = 40
# (how many of the tracked programs, the form's fields for that step)
SEASON = [
    (40, lambda day: {"status": "applied", "date_applied": day.isoformat(), "letters_sent": "3",
                      "fee": "31.00", "notes": "Applied through ERAS; asked the coordinator "
                                               "about J-1 sponsorship by email."}),
    (15, lambda day: {"status": "interview_invited"}),
    (10, lambda day: {"status": "interviewed",
                      "interview_date": (day + timedelta(days=60)).isoformat()}),
    (8, lambda day: {"status": "ranked"}),
    (3, lambda day: {"status": "withdrawn"}),
]


def table_sizes() -> dict[str, int]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM")
        cursor.execute("SELECT c.relname, pg_total_relation_size(c.oid) FROM pg_class c "
                       "JOIN pg_namespace n ON n.oid = c.relnamespace "
                       "WHERE c.relkind = 'r' AND n.nspname = 'public'")
        return {name: size for name, size in cursor.fetchall()
                if not name.startswith("programs_")}


def season(client, profile) -> int:
    """The tracking form posted as the list page and the explanation page post it."""
    from django.urls import reverse

    from tiering.models import ListEntry
    from tracker.forms import TrackingForm

    entries = list(ListEntry.objects.filter(profile=profile).order_by("pk")[:TRACKED])
    state = {e.pk: {name: "" for name in TrackingForm.Meta.fields if name != "signal"}
             for e in entries}
    saves = 0
    day = date(2026, 9, 24)
    for count, step in SEASON:
        for entry in entries[:count]:
            state[entry.pk].update(step(day))
            url = reverse("tracker:entry_tracking",
                          kwargs={"pk": profile.pk, "entry_id": entry.pk})
            response = client.post(url, state[entry.pk])
            assert response.status_code == 302, response.status_code
            saves += 1
    return saves


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--applicants", type=int, default=20)
    parser.add_argument("--logins", type=int, default=5)
    args = parser.parse_args()
    _django.setup(postgres=True, name="rp_list_storage")
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from applicants.models import Profile, User
    from programs.models import Specialty
    from tiering.lists import list_recompute

    core = list(Specialty.objects.filter(code__in=CORE))
    saves = entries = 0

    def applicant(n: int) -> None:
        nonlocal saves, entries
        email = f"applicant{n}@example.org"
        user = User.objects.create_user(email=email, password=PASSWORD)
        profile = Profile.objects.create(
            user=user, step1_passed=True, step1_attempts=1, step2_score=222, step2_attempts=1,
            graduation_year=timezone.now().year - 2, visa_need="j1", ecfmg_status="certified",
            usce_hands_on_months=3, usce_border_months=3, spanish_level="native",
            budget_usd=2000)
        profile.target_specialties.set(core)
        list_recompute(profile)
        entries += profile.entries.count()
        client = Client(REMOTE_ADDR=f"10.0.{n // 250}.{n % 250 + 1}")
        for _ in range(args.logins):
            client.logout()
            response = client.post(reverse("login"), {"username": email,
                                                      "password": PASSWORD})
            assert response.status_code == 302, "the log-in form refused the account"
        saves += season(client, profile)

    # One applicant first, not counted: an empty table's first pages (8 KB for the table and
    # for each index) would be charged to the few applicants measured.
    applicant(args.applicants)
    saves = entries = 0
    before = table_sizes()
    for n in range(args.applicants):
        applicant(n)
    after = table_sizes()
    grown = {t: after[t] - before.get(t, 0) for t in after if after[t] != before.get(t, 0)}
    total = sum(grown.values())
    per = total / args.applicants
    for table, size in sorted(grown.items(), key=lambda kv: -kv[1]):
        print(f"{table:40} {size / args.applicants / 1000:8.1f} KB per applicant")
    print(f"{args.applicants} applicants, {entries / args.applicants:.0f} list entries each, "
          f"{TRACKED} tracked through the form ({saves // args.applicants} saves each), "
          f"{args.logins} log-ins each: {per / 1000:.1f} KB on disk per applicant; "
          f"x 100,000 = {per * 100_000 / 1e9:.1f} GB")
    print("RESULT " + json.dumps({
        "applicants": args.applicants, "entries": round(entries / args.applicants),
        "tracked": TRACKED, "saves": saves // args.applicants, "logins": args.logins,
        "bytes_per_applicant": round(per),
        "per_table": {t: round(s / args.applicants) for t, s in grown.items()}}))


if __name__ == "__main__":
    sys.exit(main())
