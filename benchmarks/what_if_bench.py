"""Time each what-if scenario of the list page for the list issue's case: Step 1 passed, Step 2
CK 222 on the first attempt, graduated two years ago, needs a J-1, native Spanish, 3 months of
hands-on experience in El Paso, IM, FM, Pediatrics and Psychiatry, a $1,500 budget. Spanish is
one level down (advanced) here, so the "next Spanish level" scenario has a level to reach.

    .venv/bin/python benchmarks/what_if_bench.py [--repeat 20] [--postgres]

Each scenario is timed uncached: it scores the whole scope again (about 1,900 programs) and
selects the list again, exactly as the page does on a cache miss. Prints figures and, last,
one line "RESULT {json}" for benchmarks/run_all.py.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time

import _django


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--postgres", action="store_true")
    args = parser.parse_args()
    url = _django.setup(postgres=args.postgres, name="rp_bench_what_if")

    from django.core.cache import cache
    from django.utils import timezone

    from applicants.models import Profile, User
    from programs.models import Specialty
    from tiering import scope
    from tiering.lists import list_rebuild
    from tiering.scored import applicant_of
    from tiering.what_if import (
        _decisions,
        outcome_of,
        scenario_changes,
        scenarios_what_if,
    )

    user, _ = User.objects.get_or_create(email="bench-what-if@example.org")
    profile, _ = Profile.objects.update_or_create(user=user, defaults=dict(
        step1_passed=True, step1_attempts=1, step2_score=222, step2_attempts=1,
        graduation_year=timezone.now().year - 2, visa_need="j1", ecfmg_status="certified",
        spanish_level="advanced", usce_hands_on_months=3, usce_border_months=3,
        budget_usd=1500,
    ))
    profile.target_specialties.set(Specialty.objects.filter(code__in=["140", "120", "320",
                                                                      "400"]))
    list_rebuild(profile)
    pairs = scope.snapshot().in_scope(profile.target_specialties.values_list("pk", flat=True),
                                      profile.target_states)
    decisions = _decisions(profile)
    applicant = applicant_of(profile)
    outcome_of(applicant=applicant, budget_usd=profile.budget_usd, pairs=pairs,
               decisions=decisions)  # warm, as a running server is

    figures: dict[str, object] = {"database": _django.database_label(url),
                                  "programs_in_scope": len(pairs)}
    for change in scenario_changes(applicant, profile.budget_usd):
        times = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            outcome_of(applicant=change.applicant, budget_usd=change.budget_usd, pairs=pairs,
                       decisions=decisions)
            times.append(time.perf_counter() - start)
        figures[f"{change.code}_ms"] = round(statistics.median(times) * 1000, 1)
        figures[f"{change.code}_max_ms"] = round(max(times) * 1000, 1)
        print(f"{change.title}: median {figures[f'{change.code}_ms']} ms, "
              f"slowest {figures[f'{change.code}_max_ms']} ms ({args.repeat} runs)")

    # The whole panel as the page gets it: the current list and the four scenarios, uncached
    # and then from the cache.
    cold = []
    for _ in range(max(3, args.repeat // 4)):
        cache.clear()
        start = time.perf_counter()
        scenarios = scenarios_what_if(profile)
        cold.append(time.perf_counter() - start)
    start = time.perf_counter()
    scenarios_what_if(profile)
    warm = time.perf_counter() - start
    figures["panel_uncached_ms"] = round(statistics.median(cold) * 1000, 1)
    figures["panel_cached_ms"] = round(warm * 1000, 2)
    print(f"The whole panel (current list + four scenarios): uncached median "
          f"{figures['panel_uncached_ms']} ms, cached {figures['panel_cached_ms']} ms")
    for s in scenarios:
        print(f"  {s.title}: {len(s.moved_up)} move up a tier, {len(s.entering)} enter, "
              f"{len(s.leaving)} leave, scores {s.points_gained:+} on average, "
              f"cost ${s.cost_usd:,} ({s.cost_change_usd:+,})")
    print(f"{len(pairs):,} programs in scope, {figures['database']}")
    print("RESULT " + json.dumps(figures))


if __name__ == "__main__":
    main()
