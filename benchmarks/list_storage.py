"""Rows and bytes stored per applicant for the list, on PostgreSQL.

The applicant of the list issue (needs a J-1, Step 2 CK 222 on the first attempt, native
Spanish, 3 months of border-region clinical experience; IM, FM, Pediatrics, Psychiatry; budget
$2,000), against the shipped catalog, in a fresh database on the local server:

    DEBUG=1 .venv/bin/python benchmarks/list_storage.py

Bytes are pg_column_size of each stored row (the row data, before indexes and free space).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATABASE = "rp_bench_list_storage"
URL = f"postgres://postgres@127.0.0.1:5432/{DATABASE}"
TABLES = ("tiering_listentry", "tiering_applicantlist", "tiering_listbuild")
APPLICANTS = 100_000


def main() -> None:
    subprocess.run(["psql", "-U", "postgres", "-h", "127.0.0.1", "-qc",
                    f"drop database if exists {DATABASE}", "-c", f"create database {DATABASE}"],
                   check=True, capture_output=True)
    os.environ.update(DATABASE_URL=URL, DEBUG="1",
                      DJANGO_SETTINGS_MODULE="residency_planner.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from applicants.models import Profile, User
    from programs.models import Specialty
    from tiering.lists import list_recompute
    from tiering.scope import score_scope

    call_command("migrate", verbosity=0)
    with open(os.devnull, "w") as quiet:
        call_command("import_catalog", str(ROOT / "fixtures" / "catalog.csv"), stdout=quiet)
    user = User.objects.create_user(email="case@example.org", password="x")
    profile = Profile.objects.create(
        user=user, step1_passed=True, step1_attempts=1, step2_score=222, step2_attempts=1,
        graduation_year=timezone.now().year - 2, visa_need="j1", ecfmg_status="certified",
        usce_hands_on_months=3, usce_border_months=3, us_letters=1, spanish_level="native",
        budget_usd=2000,
    )
    profile.target_specialties.set(Specialty.objects.filter(code__in=["140", "120", "320", "400"]))
    list_recompute(profile)
    rows = size = 0
    with connection.cursor() as cursor:
        for table in TABLES:
            cursor.execute(f"select count(*), coalesce(sum(pg_column_size(t.*)), 0) from {table} t "
                           "where profile_id = %s", [profile.pk])
            n, b = cursor.fetchone()
            rows, size = rows + n, size + b
            print(f"{table:24} {n:6,} rows {b:10,} bytes")
    print(f"programs in scope (candidates, not stored): {len(score_scope(profile)):,}")
    print(f"per applicant: {rows:,} rows, {size:,} bytes ({size / 1024:.1f} KB)")
    print(f"{APPLICANTS:,} applicants: {size * APPLICANTS / 1e9:.2f} GB of row data")
    connection.close()
    subprocess.run(["psql", "-U", "postgres", "-h", "127.0.0.1", "-qc",
                    f"drop database if exists {DATABASE}"], check=True, capture_output=True)


if __name__ == "__main__":
    main()
