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
NOTES_MARKER = "<!-- notes: kept by run_all.py -->"
RUNS = [
    ("scoring", ["scoring_bench.py"]),
    ("what_if", ["what_if_bench.py"]),
    ("pages_sqlite", ["pages_bench.py"]),
    ("pages_postgres", ["pages_bench.py", "--postgres"]),
    ("export", ["export_bench.py"]),
    ("load", ["load_test.py", "--users", "50", "--seconds", "60", "--port", "8162"]),
    # Issue 16: the same users clicking every 0.5-1.5 s, and every target against the
    # framework's own ceiling (the home page) in one run.
    ("load_fast", ["load_test.py", "--users", "50", "--seconds", "60", "--think", "0.5,1.5",
                   "--port", "8163"]),
    ("ceiling", ["ceiling_bench.py", "--port", "8160"]),
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


def ceiling_rows(c: dict) -> list[tuple[str, str, str, str]]:
    """Issue 16's targets, each beside its figure and the home page's ceiling of the run."""
    h, st = c["http"], c["stored"]
    home = f"home page {h['home']['rps']} req/s"
    rows = [(f"**Ceiling**: home page, gunicorn 2 sync workers, concurrency 8, {c['cache']} "
             "cache", f"{h['home']['rps']} req/s, p50 {h['home']['p50_ms']} ms", "(reference)",
             "")]
    for name, label in (("list", "List page"), ("catalog", "Catalog page"),
                        ("program", "Program page")):
        rows.append((f"{label}, requests/s against the home page's",
                     f"{h[name]['rps']} req/s (p50 {h[name]['p50_ms']} ms) = "
                     f"{h[name]['over_home']}x; {home}", "≥ 0.5x",
                     verdict(h[name]["over_home"] >= 0.5)))
    rows += [
        (f"List page server time against a catalog page of as many rows ({c['list_rows']})",
         f"{c['list_page_ms']} ms against {c['catalog_same_rows_ms']} ms rendered "
         f"({c['catalog_same_rows_cached_ms']} ms from the cache) = {c['list_over_catalog']}x",
         "≤ 1.3x", verdict(c["list_over_catalog"] <= 1.3)),
        ("Saving the profile against scoring the whole catalog for it "
         f"({c['score_catalog_ms']} ms)",
         f"unchanged {c['save_unchanged_ms']} ms (no rebuild), budget only "
         f"{c['save_budget_ms']} ms, a score {c['save_scoring_ms']} ms; worst "
         f"{c['save_over_scoring']}x", "≤ 4x", verdict(c["save_over_scoring"] <= 4)),
        ("Scoring inputs for the whole catalog, warm, against scoring it",
         f"{c['inputs_warm_ms']} ms = {c['inputs_over_scoring']}x (built from rows: "
         f"{c['inputs_cold_ms']} ms, once per catalog version per process)", "≤ 0.2x",
         verdict(c["inputs_over_scoring"] <= 0.2)),
        (f"Workbook export of the list ({c['export_rows']} programs) against a plain openpyxl "
         "write-only of the same cells",
         f"{c['export_ms']} ms against {c['plain_openpyxl_ms']} ms = {c['export_over_plain']}x",
         "≤ 1.5x", verdict(c["export_over_plain"] <= 1.5)),
        ("Slow work in a web worker: the widest rebuild a request can ask for (every "
         f"specialty, {c['widest_rebuild_programs']:,} programs)", f"{c['widest_rebuild_ms']} ms",
         "≤ 1 s, else a background worker", verdict(c["widest_rebuild_ms"] <= 1000)),
        ("Slow work in a web worker: the widest workbook a request can ask for (that list "
         "with every candidate)", f"{c['widest_workbook_ms']} ms",
         "≤ 1 s, else a background worker", verdict(c["widest_workbook_ms"] <= 1000)),
        ("Stored per applicant with a list and tracking (PostgreSQL, pg_column_size of its rows)",
         f"{st['rows']} rows, {st['bytes'] / 1000:.1f} KB ({st['entries']} list entries); "
         f"{st['bytes'] * 100_000 / 1e9:.1f} GB for 100,000 applicants", "≤ 100 KB",
         verdict(st["bytes"] <= 100_000)),
    ]
    return rows


def main() -> None:
    results = {name: run(args) for name, args in RUNS}
    s, ps, pp, ex, ld, lf = (results[k] for k in ("scoring", "pages_sqlite", "pages_postgres",
                                                   "export", "load", "load_fast"))
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
    for load in (ld, lf):
        rows.append((
            f"Load: {load['users']} logged-in users reading "
            f"{load['think_seconds'].replace(',', '-')} s between clicks, {load['seconds']} s, "
            f"gunicorn 2 workers, {load['database']}",
            f"{load['requests']:,} requests, {load['throughput_rps']} req/s, "
            f"{load['errors']} errors, median {load['median_ms']:.0f} ms, "
            f"p95 {load['p95_ms']:.0f} ms, p99 {load['p99_ms']:.0f} ms",
            "0 errors, p95 ≤ 1 s", verdict(load["errors"] == 0 and load["p95_ms"] <= 1000)))
        for name, e in load["endpoints"].items():
            rows.append((f"  of which {name}",
                         f"{e['requests']:,} requests, {e['errors']} errors, median "
                         f"{e['median_ms']:.0f} ms, p95 {e['p95_ms']:.0f} ms, "
                         f"p99 {e['p99_ms']:.0f} ms", "", ""))
    rows += ceiling_rows(results["ceiling"])

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
    # The hand-written notes after NOTES_MARKER (before/after, method, what stands in the way)
    # are kept when the figures are refreshed.
    results_file = HERE / "RESULTS.md"
    previous = results_file.read_text() if results_file.exists() else ""
    if NOTES_MARKER in previous:
        lines += [NOTES_MARKER + previous.split(NOTES_MARKER, 1)[1].rstrip("\n"), ""]
    results_file.write_text("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
