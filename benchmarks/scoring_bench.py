"""Time the scoring of the whole shipped catalog for one profile, and of a synthetic catalog ten
times larger (the real facts repeated under new ids) to show how cost grows with the catalog.

    .venv/bin/python benchmarks/scoring_bench.py [--repeat 30]

Prints figures and, last, one line "RESULT {json}" for benchmarks/run_all.py.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import statistics
import time

import _django


def persona_profile():
    from django.utils import timezone

    from applicants.models import Profile, User
    from programs.models import Specialty

    user, _ = User.objects.get_or_create(email="bench-persona@example.org")
    profile, _ = Profile.objects.update_or_create(user=user, defaults=dict(
        step1_passed=True, step1_attempts=1, step2_score=222, step2_attempts=1,
        graduation_year=timezone.now().year - 2, visa_need="j1", ecfmg_status="certified",
        spanish_level="native", usce_hands_on_months=3, usce_border_months=3, budget_usd=1500,
    ))
    profile.target_specialties.set(Specialty.objects.filter(code__in=["140", "120", "320", "400"]))
    return profile


def median_seconds(function, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    _django.setup()

    from programs.models import Program
    from tiering import scoring
    from tiering.facts import facts_of
    from tiering.lists import list_recompute
    from tiering.scored import applicant_of

    profile = persona_profile()
    applicant = applicant_of(profile)
    programs = list(Program.objects.all())
    facts = [facts_of(p) for p in programs]
    bigger = [
        dataclasses.replace(f, acgme_id=f"{f.acgme_id[:3]}{copy}{f.acgme_id[4:]}")
        for copy in range(10) for f in facts
    ]

    def score(catalog):
        return lambda: scoring.score_programs(applicant=applicant, programs=catalog)

    score(facts)()  # warm caches the way a running server has them
    whole = median_seconds(score(facts), args.repeat)
    ten_times = median_seconds(score(bigger), max(5, args.repeat // 5))
    conversion = median_seconds(lambda: [facts_of(p) for p in programs], 5)
    recompute = median_seconds(lambda: list_recompute(profile), 5)
    in_scope = profile.entries.count()

    figures = {
        "catalog_programs": len(facts),
        "score_whole_catalog_ms": round(whole * 1000, 1),
        "programs_per_second": round(len(facts) / whole),
        "synthetic_programs": len(bigger),
        "score_10x_catalog_ms": round(ten_times * 1000, 1),
        "growth_ratio_10x": round(ten_times / whole, 2),
        "facts_conversion_ms": round(conversion * 1000, 1),
        "list_recompute_ms": round(recompute * 1000, 1),
        "list_recompute_programs": in_scope,
    }
    print(f"Scoring {len(facts):,} programs (shipped catalog) for one profile: "
          f"median {figures['score_whole_catalog_ms']} ms, "
          f"{figures['programs_per_second']:,} programs/s")
    print(f"Synthetic catalog 10x larger ({len(bigger):,} programs, the real facts repeated): "
          f"median {figures['score_10x_catalog_ms']} ms, "
          f"{figures['growth_ratio_10x']}x the time for 10x the programs")
    print(f"Building scoring inputs from the database rows: {figures['facts_conversion_ms']} ms")
    print(f"Recomputing and storing a list ({in_scope:,} programs of IM, FM, Pediatrics and "
          f"Psychiatry): median {figures['list_recompute_ms']} ms")
    print("RESULT " + json.dumps(figures))


if __name__ == "__main__":
    main()
