"""Time the tracker export (.xlsx) of 1,000 and 5,000 list entries and report peak memory.

    .venv/bin/python benchmarks/export_bench.py                 # 1,000 and 5,000 rows
    .venv/bin/python benchmarks/export_bench.py --rows 20000 --repeat 1

SYNTHETIC DATA: each run builds its own throwaway database (``benchmarks/_django.py``: a fresh
SQLite file in a temporary folder, migrated from scratch) holding one applicant and N made-up
programs with list entries shaped like
real ones (reasons, provenance, websites, some tracking filled in). No real catalog or user
data is read or written.

What is timed is what the download view does after the access check: ``tracker_export`` (the
queries and the row generator) plus ``write_xlsx`` into memory; the best of ``--repeat`` runs.
Memory, from separate runs: the tracemalloc peak (Python allocations during one export) and
the process's maximum resident set size (``resource.getrusage``, ru_maxrss: the whole process,
Django included), before and after the exports. Each row count runs in a fresh process, so one
count's peak does not leak into the next.

Target (issue 7): 5,000 rows in 3 s or less, with a peak of at most 300 MB. The last line,
"RESULT {json}", is read by ``benchmarks/run_all.py``.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import resource
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET_SECONDS = 3.0
TARGET_MEGABYTES = 300


def build_list(rows: int) -> int:
    """One applicant and ``rows`` synthetic programs on their list; returns the profile's pk."""
    from applicants.models import Profile, User
    from programs.models import Program, Specialty
    from tiering.models import ListEntry, Status

    rng = random.Random(rows)
    specialties = [Specialty.objects.create(code=code, name=name) for code, name in (
        ("140", "Internal Medicine"), ("120", "Family Medicine"), ("320", "Pediatrics"),
        ("400", "Psychiatry"))]
    programs = Program.objects.bulk_create([
        Program(
            acgme_id=f"{specialty.code}{n:07d}",
            name=f"Synthetic Medical Center {n} {specialty.name} Program",
            specialty=specialty, city=rng.choice(["El Paso", "Laredo", "Tucson", "Yuma"]),
            state=rng.choice(["TX", "AZ", "NM", "CA"]),
            border_distance_km=rng.choice([None, rng.uniform(0, 900)]),
            j1_accepted=rng.choice(["yes", "no", "unknown"]),
            h1b_sponsored=rng.choice(["yes", "no", "unknown"]),
            img_share_pct=rng.choice([None, rng.uniform(0, 100)]),
            non_us_img_share_pct=rng.choice([None, rng.uniform(0, 60)]),
            website=f"https://program-{n}.example.org/residency",
            provenance={
                "identity": {"source": "eras-2021", "year": 2021},
                "j1_accepted": {"source": rng.choice(["aamc-re-2021", "freida-2025"]),
                                "year": rng.choice([2021, 2025])},
            },
        )
        for n in range(rows)
        for specialty in [specialties[n % len(specialties)]]
    ], batch_size=1000)
    user = User.objects.create_user(email="synthetic.applicant@example.org", password=None)
    profile = Profile.objects.create(user=user, graduation_year=2023, step2_score=222)
    profile.target_specialties.set(specialties)
    statuses = list(Status.values)
    ListEntry.objects.bulk_create([
        ListEntry(
            profile=profile, program=program, computed_tier=rng.choice([1, 2, 2, 3, 3, 3, 4]),
            score=rng.randint(0, 100), confidence=rng.randint(30, 100) / 100,
            # The reasons are not stored: the export scores the programs again for them.
            status=rng.choice(statuses), signal=rng.random() < 0.1,
            notes=rng.choice(["", "", "Emailed the coordinator; waiting", '=HYPERLINK("x")']),
        )
        for program in programs
    ], batch_size=1000)
    return profile.pk


def export_once(profile_pk: int) -> tuple[float, float, int]:
    """Seconds for the queries and rows, seconds for the writer, bytes written."""
    from applicants.models import Profile
    from tracker.export import tracker_export
    from tracker.workbook import write_xlsx

    profile = Profile.objects.select_related("user").get(pk=profile_pk)
    start = time.perf_counter()
    export = tracker_export(profile)
    built = time.perf_counter()
    out = io.BytesIO()
    write_xlsx(export, out)
    return built - start, time.perf_counter() - built, out.tell()


def max_rss_megabytes() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def run_one(rows: int, repeat: int) -> dict:
    import _django  # benchmarks/_django.py: settings on a fresh temporary SQLite database

    _django.setup(load_catalog=False)
    profile_pk = build_list(rows)
    export_once(profile_pk)  # warm-up: imports, connections, caches
    rss_before = max_rss_megabytes()
    timings = [export_once(profile_pk) for _ in range(repeat)]
    rss_after = max_rss_megabytes()
    tracemalloc.start()
    export_once(profile_pk)
    _, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    best = min(timings, key=lambda t: t[0] + t[1])
    return {
        "rows": rows, "seconds": best[0] + best[1], "rows_seconds": best[0],
        "write_seconds": best[1], "bytes": best[2],
        "tracemalloc_peak_mb": traced_peak / (1024 * 1024),
        "max_rss_before_mb": rss_before, "max_rss_mb": rss_after,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[1000, 5000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(args.one, args.repeat)))
        return 0

    print("Tracker export benchmark, SYNTHETIC DATA (a throwaway SQLite database per run)")
    print(f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs; best of {args.repeat} runs")
    print(f"{'entries':>8} {'total s':>8} {'query+rows s':>13} {'write s':>8} {'file KB':>8} "
          f"{'tracemalloc peak MB':>20} {'max RSS MB (before)':>20}")
    ok = True
    results = {}
    for rows in args.rows:
        child = subprocess.run(
            [sys.executable, __file__, "--one", str(rows), "--repeat", str(args.repeat)],
            check=True, capture_output=True, text=True, cwd=ROOT,
        )
        r = json.loads(child.stdout.strip().splitlines()[-1])
        # For benchmarks/run_all.py: the peak is the whole process's, the conservative figure.
        results[str(rows)] = {"seconds": round(r["seconds"], 2),
                              "peak_mb": round(r["max_rss_mb"], 1),
                              "tracemalloc_peak_mb": round(r["tracemalloc_peak_mb"], 1)}
        print(f"{r['rows']:>8,} {r['seconds']:>8.2f} {r['rows_seconds']:>13.2f} "
              f"{r['write_seconds']:>8.2f} {r['bytes'] / 1024:>8,.0f} "
              f"{r['tracemalloc_peak_mb']:>20.1f} "
              f"{r['max_rss_mb']:>12.1f} ({r['max_rss_before_mb']:.1f})")
        if rows == 5000:
            ok = r["seconds"] <= TARGET_SECONDS and r["max_rss_mb"] <= TARGET_MEGABYTES
    print(f"Target for 5,000 rows: at most {TARGET_SECONDS:g} s and {TARGET_MEGABYTES} MB peak: "
          + ("met" if ok else "NOT met"))
    print("tracemalloc peak: Python allocations during one export. Max RSS: the whole process "
          "(interpreter, Django, the synthetic database build), after the exports; in brackets, "
          "before them.")
    print("RESULT " + json.dumps(results))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
