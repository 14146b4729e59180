"""Run every benchmark and write benchmarks/RESULTS.md from what it printed.

    BENCH_CACHE_URL=redis://127.0.0.1:6379/N .venv/bin/python benchmarks/run_all.py \
        [--only ceiling storage ...] [--no-write]

(what `make bench` runs). Each script prints its figures and a last line "RESULT {json}"; this
collects them, prints every target of issue 27 beside its figure and its reference from the
same run, then the other figures, and writes that same text, as printed, at the top of
RESULTS.md (`render`); earlier runs stay below it, then the history written by hand.
PostgreSQL (the local server) and a Redis database of its own (emptied by the scripts) are
needed, as in production.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
RUNS_MARKER = "<!-- runs: written by run_all.py, newest first -->"
HISTORY_MARKER = "<!-- history: earlier runs and notes, kept as they are -->"
RUNS = [
    ("scoring", ["scoring_bench.py"]),
    ("what_if", ["what_if_bench.py"]),
    ("pages_sqlite", ["pages_bench.py"]),
    ("pages_postgres", ["pages_bench.py", "--postgres"]),
    ("export", ["export_bench.py"]),
    ("load", ["load_test.py", "--users", "50", "--seconds", "60", "--port", "8162"]),
    # The same users clicking every 0.5-1.5 s: issue 27's p95 target.
    ("load_fast", ["load_test.py", "--users", "50", "--seconds", "60", "--think", "0.5,1.5",
                   "--port", "8163"]),
    # Every page against the framework's own ceiling (the home page) in one run.
    ("ceiling", ["ceiling_bench.py", "--port", "8160"]),
    # Bytes on disk per applicant after a season tracked through the forms.
    ("storage", ["list_storage.py"]),
    # The shipped catalog and one ten times larger, per gunicorn worker.
    ("catalog_10x", ["catalog_10x_bench.py", "--port", "8164"]),
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


def ratio(a: float, b: float) -> float:
    return round(a / b, 3) if b else float("inf")


def target_rows(r: dict) -> list[tuple[str, ...]]:
    """Issue 27's table: measure, figure, reference of the same run, ratio, target, verdict."""
    rows: list[tuple[str, ...]] = []
    missing = "(not run)"
    c = r.get("ceiling")
    if c:
        h = c["http"]
        home = f"home page {h['home']['rps']} req/s (p50 {h['home']['p50_ms']} ms)"
        for name, label, least in (
                ("list", f"List page ({c['list_rows']} rows: the list and its candidates)", 0.5),
                ("strategy", "Strategy page", 0.4), ("program", "Program page", 0.6),
                ("catalog", "Catalog page", 0.6)):
            rows.append((f"{label} req/s",
                         f"{h[name]['rps']} (p50 {h[name]['p50_ms']} ms, {h[name]['errors']} "
                         "errors)", home, f"{h[name]['over_home']}x", f"≥ {least}x",
                         verdict(h[name]["over_home"] >= least)))
        soap = h.get("soap")
        if soap:
            rows.append(("SOAP page req/s", f"{soap['rps']} (p50 {soap['p50_ms']} ms)", home,
                         f"{soap['over_home']}x", "(no target)", ""))
        over = ratio(c["try_it_ms"], c["score_catalog_ms"])
        rows += [
            ("Try-it result for new answers (a new visitor: form posted, result page)",
             f"{c['try_it_ms']} ms", f"scoring the catalog once, {c['score_catalog_ms']} ms",
             f"{over}x", "≤ 1.5x", verdict(over <= 1.5)),
            (f"Workbook export of the list ({c['export_rows']} programs)", f"{c['export_ms']} ms",
             f"openpyxl write-only of the same cells, {c['plain_openpyxl_ms']} ms",
             f"{c['export_over_plain']}x", "≤ 1.5x", verdict(c["export_over_plain"] <= 1.5)),
        ]
    else:
        rows.append(("Pages, try-it, export (ceiling_bench.py)", missing, "", "", "", ""))
    st = r.get("storage")
    if st:
        kb = st["bytes_per_applicant"] / 1000
        rows.append((f"Stored per applicant ({st['entries']} entries, {st['tracked']} tracked "
                     f"through the form in {st['saves']} saves, {st['logins']} log-ins; "
                     f"pg_total_relation_size, {st['applicants']} applicants)",
                     f"{kb:.1f} KB on disk ({kb * 100_000 / 1e6:.1f} GB for 100,000)", "", "",
                     "≤ 40 KB", verdict(kb <= 40)))
    else:
        rows.append(("Stored per applicant (list_storage.py)", missing, "", "", "", ""))
    lf = r.get("load_fast")
    if lf:
        rows.append((f"{lf['users']} users, {lf['think_seconds'].replace(',', '-')} s think, "
                     f"{lf['seconds']} s, gunicorn 2 workers", f"p95 {lf['p95_ms']:.0f} ms, "
                     f"{lf['errors']} errors ({lf['requests']:,} requests, median "
                     f"{lf['median_ms']:.0f} ms)", "", "", "p95 ≤ 250 ms, 0 errors",
                     verdict(lf["p95_ms"] <= 250 and lf["errors"] == 0)))
    else:
        rows.append(("50 users (load_test.py)", missing, "", "", "", ""))
    big = r.get("catalog_10x")
    if big and "1" in big and "10" in big:
        one, ten = big["1"], big["10"]
        rows += [
            (f"Catalog 10x ({ten['programs']:,} programs): first request per worker",
             f"{ten['first_request_ms']} ms, +{ten['first_request_mb']} MB",
             f"{one['first_request_ms']} ms, +{one['first_request_mb']} MB at 1x "
             f"({one['programs']:,})",
             f"{ratio(ten['first_request_ms'], one['first_request_ms'])}x",
             "≤ 1 s, ≤ 100 MB",
             verdict(ten["first_request_ms"] <= 1000 and ten["first_request_mb"] <= 100)),
            ("Catalog 10x: list page after a cache flush", f"{ten['after_flush_ms']} ms",
             f"{one['after_flush_ms']} ms at 1x",
             f"{ratio(ten['after_flush_ms'], one['after_flush_ms'])}x", "≤ 1 s",
             verdict(ten["after_flush_ms"] <= 1000)),
        ]
    else:
        rows.append(("Catalog 10x (catalog_10x_bench.py)", missing, "", "", "", ""))
    if c:
        rows.append(("What a user does through the forms (no target)",
                     f"log in {c['login_ms']} ms; a tracking save {c['tracking_save_ms']} ms",
                     "", "", "", ""))
    return rows


def other_rows(r: dict) -> list[tuple[str, str, str, str]]:
    """The earlier issues' figures (scoring, pages, export, load, ceiling), each if it ran."""
    rows: list[tuple[str, str, str, str]] = []
    s = r.get("scoring")
    if s:
        growth = s["growth_ratio_10x"] / 10
        rows += [
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
    for p in (r.get("pages_sqlite"), r.get("pages_postgres")):
        if p:
            rows += [
                (f"Tiered list page, {p['database']} ({p['list_programs']:,} programs), median "
                 "server time", f"{p['list_page_ms']} ms, {p['list_page_queries']} queries",
                 "≤ 300 ms", verdict(p["list_page_ms"] <= 300)),
                (f"Advisor dashboard, {p['database']} ({p['dashboard_clients']} clients), "
                 "median server time", f"{p['dashboard_ms']} ms, {p['dashboard_queries']} "
                 "queries", "queries constant in clients (pinned in tests)", ""),
            ]
    ex = r.get("export")
    for n in ("1000", "5000") if ex else ():
        e = ex[n]
        target = n == "5000"
        rows.append((f"Tracker export, {int(n):,} rows (.xlsx)",
                     f"{e['seconds']} s, peak {e['peak_mb']} MB",
                     "≤ 3 s, ≤ 300 MB" if target else "(no target)",
                     verdict(e["seconds"] <= 3 and e["peak_mb"] <= 300) if target else ""))
    for load in (r.get("load"), r.get("load_fast")):
        if not load:
            continue
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
    if r.get("ceiling"):
        rows += ceiling_rows(r["ceiling"])
    return rows


def render(results: dict, *, started: str, load_before: str, load_after: str) -> str:
    """This run's section of RESULTS.md, exactly as printed."""
    lines = [
        f"## Run of {started}",
        "",
        f"`make bench` (`benchmarks/run_all.py`) on {machine()}; load average (1, 5, 15 min) "
        f"{load_before} before the run, {load_after} after it. Every ratio is between two "
        "figures of this run.",
        "",
        "### Issue 27's targets",
        "",
        "| measure | figure | reference, same run | ratio | target | |",
        "|---|---|---|---|---|---|",
        *[f"| {' | '.join(row)} |" for row in target_rows(results)],
        "",
        "### Other figures",
        "",
        "| measure | figure | target | |",
        "|---|---|---|---|",
        *[f"| {' | '.join(row)} |" for row in other_rows(results)],
        "",
    ]
    return "\n".join(lines)


def write_results(section: str) -> None:
    """The new run on top of the earlier ones; the history below them stays as it is."""
    path = HERE / "RESULTS.md"
    previous = path.read_text() if path.exists() else ""
    runs, history = "", ""
    if RUNS_MARKER in previous:
        rest = previous.split(RUNS_MARKER, 1)[1]
        runs, _, history = rest.partition(HISTORY_MARKER)
    elif previous:
        history = "\n" + previous
    path.write_text("\n".join([
        "# Benchmark results",
        "",
        "Each run below is written by `make bench` (`benchmarks/run_all.py`) from its own "
        "output, newest first; the scripts are described in `benchmarks/README.md`. Figures "
        "quoted elsewhere in the repository come from here.",
        "",
        RUNS_MARKER,
        "",
        section.rstrip("\n"),
        "",
        *([runs.strip("\n"), ""] if runs.strip() else []),
        HISTORY_MARKER,
        history.lstrip("\n").rstrip("\n"),
        "",
    ]))


def load_average() -> str:
    return ", ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--only", nargs="+", choices=[name for name, _ in RUNS],
                        help="run these scripts only (their rows; the others say not run)")
    parser.add_argument("--no-write", action="store_true", help="print, leave RESULTS.md")
    args = parser.parse_args()
    if not os.environ.get("BENCH_CACHE_URL", "").startswith("redis://"):
        raise SystemExit("Set BENCH_CACHE_URL=redis://127.0.0.1:6379/N, a Redis database of "
                         "its own (the scripts empty it): the servers share one cache, as in "
                         "production.")
    started = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    load_before = load_average()
    results = {name: run(command) for name, command in RUNS
               if not args.only or name in args.only}
    section = render(results, started=started, load_before=load_before,
                     load_after=load_average())
    print(section)
    if not args.no_write:
        write_results(section)


if __name__ == "__main__":
    main()
