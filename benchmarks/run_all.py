"""Run every benchmark and write benchmarks/RESULTS.md: each figure next to its target.

    .venv/bin/python benchmarks/run_all.py        (what `make bench` runs)

Each script prints its figures and a last line "RESULT {json}"; this collects them.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
RUNS = [
    ("scoring", ["scoring_bench.py"]),
    ("pages_sqlite", ["pages_bench.py"]),
    ("pages_postgres", ["pages_bench.py", "--postgres"]),
    ("export", ["export_bench.py"]),
    ("load", ["load_test.py", "--users", "50", "--seconds", "60"]),
]


def run(args: list[str]) -> dict:
    print(f"== {' '.join(args)}", flush=True)
    process = subprocess.run([sys.executable, *args], cwd=HERE, capture_output=True, text=True,
                             env={**os.environ, "PYTHONPATH": str(HERE)})
    for line in process.stdout.splitlines():
        if not line.startswith("RESULT "):
            print("   " + line)
    results = [line for line in process.stdout.splitlines() if line.startswith("RESULT ")]
    # A script may exit non-zero to say it missed its target; its figures still count.
    if not results:
        print(process.stderr[-3000:])
        raise SystemExit(f"{args[0]} failed with status {process.returncode}")
    return json.loads(results[-1][len("RESULT "):])


def machine() -> str:
    model = "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    memory_kb = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text()
                     .splitlines() if line.startswith("MemTotal"))
    return (f"{os.cpu_count()} cores ({model}), {memory_kb / 1024 / 1024:.0f} GiB memory, "
            f"{platform.system()} {platform.release()}, Python {platform.python_version()}")


def verdict(ok: bool) -> str:
    return "met" if ok else "**missed**"


def main() -> None:
    results = {name: run(args) for name, args in RUNS}
    s, ps, pp, ex, ld = (results[k] for k in ("scoring", "pages_sqlite", "pages_postgres",
                                               "export", "load"))
    growth = s["growth_ratio_10x"] / 10
    rows = [
        ("Scoring the whole shipped catalog for one profile "
         f"({s['catalog_programs']:,} programs), median",
         f"{s['score_whole_catalog_ms']} ms ({s['programs_per_second']:,} programs/s)",
         "≤ 50 ms", verdict(s["score_whole_catalog_ms"] <= 50)),
        (f"Scoring a synthetic catalog 10x larger ({s['synthetic_programs']:,} programs)",
         f"{s['score_10x_catalog_ms']} ms = {s['growth_ratio_10x']}x the time",
         "growth no faster than linear (≤ 10x, 15% tolerance)", verdict(growth <= 1.15)),
        (f"Recomputing and storing one list ({s['list_recompute_programs']:,} programs)",
         f"{s['list_recompute_ms']} ms", "(no target)", ""),
    ]
    for p in (ps, pp):
        rows += [
            (f"Tiered list page, {p['database']} ({p['list_programs']:,} programs), median "
             "server time", f"{p['list_page_ms']} ms, {p['list_page_queries']} queries",
             "≤ 300 ms", verdict(p["list_page_ms"] <= 300)),
            (f"Advisor dashboard, {p['database']} ({p['dashboard_clients']} clients), median "
             "server time", f"{p['dashboard_ms']} ms, {p['dashboard_queries']} queries",
             "queries constant in clients (pinned in tests)", ""),
        ]
    for n in ("1000", "5000"):
        e = ex[n]
        target = n == "5000"
        rows.append((f"Tracker export, {int(n):,} rows (.xlsx)",
                     f"{e['seconds']} s, peak {e['peak_mb']} MB",
                     "≤ 3 s, ≤ 300 MB" if target else "(no target)",
                     verdict(e["seconds"] <= 3 and e["peak_mb"] <= 300) if target else ""))
    rows.append((
        f"Load: {ld['users']} logged-in users reading {ld['think_seconds'].replace(',', '-')} s "
        f"between clicks, {ld['seconds']} s, gunicorn 2 workers, {ld['database']}",
        f"{ld['requests']:,} requests, {ld['throughput_rps']} req/s, {ld['errors']} errors, "
        f"median {ld['median_ms']:.0f} ms, p95 {ld['p95_ms']:.0f} ms, p99 {ld['p99_ms']:.0f} ms",
        "0 errors, p95 ≤ 1 s", verdict(ld["errors"] == 0 and ld["p95_ms"] <= 1000)))
    for name, e in ld["endpoints"].items():
        rows.append((f"  of which {name}",
                     f"{e['requests']:,} requests, {e['errors']} errors, median "
                     f"{e['median_ms']:.0f} ms, p95 {e['p95_ms']:.0f} ms, p99 {e['p99_ms']:.0f} ms",
                     "", ""))

    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        "# Benchmark results",
        "",
        f"Measured {now} on {machine()}, by `make bench` (`benchmarks/run_all.py`).",
        "Each figure comes from the script named in `benchmarks/README.md`; rerun to refresh.",
        "",
        "| measure | figure | target | |",
        "|---|---|---|---|",
        *[f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows],
        "",
    ]
    (HERE / "RESULTS.md").write_text("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
