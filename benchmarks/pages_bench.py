"""Server time and number of database queries of the tiered list page and the advisor dashboard.

    .venv/bin/python benchmarks/pages_bench.py [--postgres] [--repeat 20]

The list page is measured for one applicant with the shipped catalog's core specialties
(Internal Medicine, Family Medicine, Pediatrics, Psychiatry); the dashboard for an advisor with
50 clients. Server time is the time Django takes to answer through the test client, database
included (no network). Django caches compiled templates in every mode. Last line: "RESULT {json}".
"""

from __future__ import annotations

import argparse
import json
import statistics
import time

import _django


def timed(client, url: str, repeat: int) -> tuple[float, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    response = client.get(url)  # first view: computes a stale list, fills caches
    assert response.status_code == 200, (url, response.status_code)
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - start)
        assert response.status_code == 200
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    return statistics.median(times), len(captured.captured_queries)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    url = _django.setup(postgres=args.postgres, name="rp_pages")

    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from applicants.models import AdvisorLink, Profile, User
    from programs.models import Specialty
    from tiering.lists import list_recompute

    core = list(Specialty.objects.filter(code__in=["140", "120", "320", "400"]))
    advisor = User.objects.create_user(email="advisor@example.org", password="x" * 20,
                                       role="advisor")
    profiles = []
    for i in range(50):
        user = User.objects.create_user(email=f"client{i}@example.org", password="x" * 20)
        profile = Profile.objects.create(
            user=user, step1_passed=True, step1_attempts=1, step2_score=215 + i % 30,
            step2_attempts=1 + i % 2, graduation_year=timezone.now().year - 1 - i % 8,
            visa_need=["j1", "h1b", "none"][i % 3], spanish_level="native",
            usce_hands_on_months=i % 6, budget_usd=600 + 40 * i,
        )
        profile.target_specialties.set(core)
        list_recompute(profile)
        AdvisorLink.objects.create(profile=profile, advisor=advisor)
        profiles.append(profile)

    applicant = Client()
    applicant.force_login(profiles[0].user)
    list_url = reverse("tiering:list", kwargs={"pk": profiles[0].pk})
    list_time, list_queries = timed(applicant, list_url, args.repeat)
    tier_url = list_url + "?tier=3&page=2&sort=distance"
    tier_time, tier_queries = timed(applicant, tier_url, args.repeat)

    coach = Client()
    coach.force_login(advisor)
    dashboard_time, dashboard_queries = timed(coach, reverse("advising:advisor_dashboard"),
                                              args.repeat)
    entries = profiles[0].entries.count()
    figures = {
        "database": _django.database_label(url),
        "list_programs": entries,
        "list_page_ms": round(list_time * 1000, 1), "list_page_queries": list_queries,
        "tier_page_ms": round(tier_time * 1000, 1), "tier_page_queries": tier_queries,
        "dashboard_clients": len(profiles),
        "dashboard_ms": round(dashboard_time * 1000, 1), "dashboard_queries": dashboard_queries,
    }
    label = figures["database"]
    print(f"[{label}] tiered list page ({entries:,} programs): median "
          f"{figures['list_page_ms']} ms, {list_queries} queries")
    print(f"[{label}] one tier, page 2, sorted by distance: median {figures['tier_page_ms']} ms, "
          f"{tier_queries} queries")
    print(f"[{label}] advisor dashboard (50 clients): median {figures['dashboard_ms']} ms, "
          f"{dashboard_queries} queries")
    print("RESULT " + json.dumps(figures))


if __name__ == "__main__":
    main()
