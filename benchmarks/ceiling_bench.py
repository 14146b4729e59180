"""Issue 16's targets, each measured against the framework's own ceiling in the same run.

    .venv/bin/python benchmarks/ceiling_bench.py [--seconds 6] [--rounds 2] [--port 8160]
        [--pages list strategy] [--gzip]   # only these pages over HTTP, against the home
                                           # page; --gzip: the clients take gzip

On one fresh PostgreSQL database with the shipped catalog and the core applicant (needs a J-1,
Step 2 CK 222 at the first attempt, native Spanish, 3 months of border-region clinical
experience; Internal Medicine, Family Medicine, Pediatrics, Psychiatry; budget $2,000):

- in process (Django's test client, database included, no network): the list page against a
  catalog page of as many rows; saving the profile (no change, a budget-only edit, a scoring
  edit) against scoring the whole catalog for it; building the scoring's inputs when warm
  against scoring; the workbook export of the list against a plain openpyxl write-only
  workbook of the same cells; bytes stored per applicant (pg_column_size of its rows); what a
  user does through the forms: the try-it result for new answers (a new visitor each time)
  against scoring the catalog once, logging in, a tracking save;
- over HTTP: requests/s of the home, catalog, program, list, strategy and SOAP pages against
  gunicorn with two sync workers at concurrency 8, one page after the other, ``--rounds``
  times, each for ``--seconds`` (bounded; 127.0.0.1 only). The cache is ``BENCH_CACHE_URL`` (e.g.
  redis://127.0.0.1:6379/6, flushed first) or each worker's own memory.

Every ratio is taken between figures of this run. Last line: "RESULT {json}".
"""

from __future__ import annotations

import argparse
import http.client
import io
import json
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import _django
from load_test import logged_in_session, wait_for
from scoring_bench import median_seconds

ROOT = _django.ROOT
CORE = ["140", "120", "320", "400"]
PASSWORD = "x" * 20


def core_profile(email: str = "core@example.org"):
    from django.utils import timezone

    from applicants.models import Profile, User
    from programs.models import Specialty

    user = User.objects.create_user(email=email, password=PASSWORD)
    profile = Profile.objects.create(
        user=user, step1_passed=True, step1_attempts=1, step2_score=222, step2_attempts=1,
        graduation_year=timezone.now().year - 2, visa_need="j1", ecfmg_status="certified",
        spanish_level="native", usce_hands_on_months=3, usce_border_months=3, budget_usd=2000,
    )
    profile.target_specialties.set(Specialty.objects.filter(code__in=CORE))
    return profile


def form_data(profile) -> dict:
    """The profile form as the browser posts it, unchanged."""
    from applicants.forms import ProfileForm

    data = {}
    for field in ProfileForm(instance=profile):
        value = field.value()
        if value is None or value is False:
            continue
        data[field.name] = [str(v) for v in value] if isinstance(value, list | tuple) \
            else ("on" if value is True else str(value))
    return data


def server_ms(client, url: str, repeat: int, **kwargs) -> float:
    client.get(url, **kwargs)  # warm
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        response = client.get(url, **kwargs)
        times.append(time.perf_counter() - start)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(times) * 1000


def in_process(profile, repeat: int) -> dict:
    from django.core.cache import cache
    from django.test import Client
    from django.urls import reverse

    import programs.views
    from applicants.models import Profile
    from programs.models import Program
    from tiering import facts as scoring_facts
    from tiering import scope, scored, scoring

    client = Client()
    client.force_login(profile.user)
    list_url = reverse("tiering:list", kwargs={"pk": profile.pk})
    response = client.get(list_url)
    rows = response.content.count(b"<tr") - response.content.count(b"<thead")
    list_ms = server_ms(client, list_url, repeat)
    # A catalog page of as many rows, rendered (the query string differs each time, so no
    # cache can answer it), and the same page as the catalog's cache serves it.
    programs.views.PAGE_SIZE = rows
    if hasattr(programs.views, "PAGE_CACHE_SECONDS"):
        programs.views.PAGE_CACHE_SECONDS = 0  # rendered every time
    counter = iter(range(10**9))
    catalog_times = []
    for _ in range(repeat):
        url = reverse("programs:list") + f"?q=&uncached={next(counter)}"
        start = time.perf_counter()
        assert client.get(url).status_code == 200
        catalog_times.append(time.perf_counter() - start)
    catalog_ms = statistics.median(catalog_times) * 1000
    if hasattr(programs.views, "PAGE_CACHE_SECONDS"):
        programs.views.PAGE_CACHE_SECONDS = 3600
    catalog_cached_ms = server_ms(client, reverse("programs:list"), repeat)
    programs.views.PAGE_SIZE = 50
    cache.clear()  # the HTTP run serves the catalog's real page size

    # Saving the profile, as the browser does (the redirect is not followed).
    profile_url = reverse("applicants:profile", kwargs={"pk": profile.pk})
    unchanged = form_data(profile)

    def save(data):
        def post():
            # The form carries the version it was loaded at, as a browser tab does after
            # each save; a stale one is refused ("changed in another tab").
            version = Profile.objects.values_list("version", flat=True).get(pk=profile.pk)
            assert client.post(profile_url, {**data, "version": version}).status_code == 302
        return post

    budgets = iter(range(10**6))
    scores = iter(range(10**6))
    save_same = median_seconds(save(unchanged), repeat) * 1000
    save_budget = median_seconds(
        lambda: save({**unchanged, "budget_usd": str(2000 + 10 * (next(budgets) % 2))})(),
        repeat) * 1000
    save_scoring = median_seconds(
        lambda: save({**unchanged, "step2_score": str(222 + next(scores) % 2)})(),
        repeat) * 1000
    save({**unchanged})()
    profile.refresh_from_db()

    applicant = scored.applicant_of(profile)
    everything = list(Program.objects.select_related("specialty").order_by("acgme_id"))
    facts = [scoring_facts.facts_of(p) for p in everything]
    score_ms = median_seconds(
        lambda: scoring.score_programs(applicant=applicant, programs=facts), repeat) * 1000
    inputs = scope.catalog_facts
    inputs()  # warm, as a running server has them
    inputs_ms = median_seconds(inputs, repeat) * 1000
    cold_ms = median_seconds(lambda: [scoring_facts.facts_of(p) for p in everything], 3) * 1000

    export_ms, plain_ms, export_rows = export_figures(profile, repeat)
    user_figures = as_a_user(profile, repeat)
    return {**user_figures,
        "list_page_ms": round(list_ms, 1), "list_rows": rows,
        "catalog_same_rows_ms": round(catalog_ms, 1),
        "catalog_same_rows_cached_ms": round(catalog_cached_ms, 1),
        "list_over_catalog": round(list_ms / catalog_ms, 2),
        "score_catalog_ms": round(score_ms, 1), "catalog_programs": len(facts),
        "save_unchanged_ms": round(save_same, 1), "save_budget_ms": round(save_budget, 1),
        "save_scoring_ms": round(save_scoring, 1),
        "save_over_scoring": round(max(save_same, save_budget, save_scoring) / score_ms, 2),
        "inputs_warm_ms": round(inputs_ms, 2), "inputs_cold_ms": round(cold_ms, 1),
        "inputs_over_scoring": round(inputs_ms / score_ms, 3),
        "export_ms": round(export_ms, 1), "plain_openpyxl_ms": round(plain_ms, 1),
        "export_rows": export_rows, "export_over_plain": round(export_ms / plain_ms, 2),
    }


def trial_answers() -> dict:
    """The try-it form as a visitor fills it: the core persona's answers."""
    from django.utils import timezone

    from programs.models import Specialty

    return {
        "citizenship": "needs_visa", "visa_need": "j1", "step1_passed": "on",
        "step1_attempts": "1", "step2_score": "222", "step2_attempts": "1",
        "step3_attempts": "0", "graduation_year": str(timezone.now().year - 2),
        "spanish_level": "native", "usce_hands_on_months": "3", "usce_border_months": "3",
        "target_specialties": [str(pk) for pk in Specialty.objects.filter(code__in=CORE)
                               .values_list("pk", flat=True)],
        "budget_usd": "2000",
    }


def as_a_user(profile, repeat: int) -> dict:
    """What a user does through the forms: the try-it result for new answers (a new visitor
    each time, a Step 2 score not asked before, so nothing is cached), logging in, saving a
    program's tracking."""
    from django.test import Client
    from django.urls import reverse

    answers = trial_answers()
    scores = iter(range(10**6))

    def try_it() -> None:
        visitor = Client()
        data = {**answers, "step2_score": str(200 + next(scores) % 60),
                "budget_usd": str(1000 + next(scores))}
        assert visitor.post(reverse("tiering:try_it"), data).status_code == 302
        assert visitor.get(reverse("tiering:try_list")).status_code == 200

    def log_in() -> None:
        assert Client().post(reverse("login"), {"username": profile.user.email,
                                                "password": PASSWORD}).status_code == 302

    client = Client()
    client.force_login(profile.user)
    entry = profile.entries.order_by("pk").first()
    tracking_url = reverse("tracker:entry_tracking",
                           kwargs={"pk": profile.pk, "entry_id": entry.pk})
    notes = iter(range(10**6))

    def track() -> None:
        assert client.post(tracking_url, {
            "status": "applied", "date_applied": "2026-09-24", "letters_sent": "3",
            "fee": "31.00", "notes": f"Asked the coordinator about the J-1 ({next(notes)})",
        }).status_code == 302

    return {"try_it_ms": round(median_seconds(try_it, repeat) * 1000, 1),
            "login_ms": round(median_seconds(log_in, 5) * 1000, 1),
            "tracking_save_ms": round(median_seconds(track, repeat) * 1000, 1)}


def export_figures(profile, repeat: int) -> tuple[float, float, int]:
    """The download view's work against openpyxl alone writing the same cells."""
    import io

    from openpyxl import Workbook

    from tracker.export import tracker_export
    from tracker.workbook import write_xlsx

    def export():
        write_xlsx(tracker_export(profile), io.BytesIO())

    made = tracker_export(profile)
    cells = [[label, value] for label, value in made.profile_lines]
    cells += [list(row.values()) for row in made.rows]
    cells += [list(row.values()) for row in made.sources]

    def plain():
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet("Tracker")
        for row in cells:
            sheet.append(row)
        workbook.save(io.BytesIO())

    return (median_seconds(export, repeat) * 1000, median_seconds(plain, repeat) * 1000,
            len(made.rows))


def stored_bytes(profile) -> dict:
    """Bytes of the applicant's rows (pg_column_size of each whole row) per table."""
    from django.db import connection

    tables = {
        "applicants_user": "id = %(user)s",
        "applicants_profile": "id = %(profile)s",
        "applicants_profile_target_specialties": "profile_id = %(profile)s",
        "tiering_applicantlist": "profile_id = %(profile)s",
        "tiering_listentry": "profile_id = %(profile)s",
        "tiering_entryevent": "entry_id IN (SELECT id FROM tiering_listentry "
                              "WHERE profile_id = %(profile)s)",
        "tiering_listbuild": "profile_id = %(profile)s",
    }
    figures = {}
    present = set(connection.introspection.table_names())  # older designs lack some
    with connection.cursor() as cursor:
        for table, where in tables.items():
            if table not in present:
                continue
            cursor.execute(f"SELECT count(*), coalesce(sum(pg_column_size(t.*)), 0) "
                           f"FROM {table} t WHERE {where}",
                           {"user": profile.user_id, "profile": profile.pk})
            figures[table] = cursor.fetchone()
    return {"rows": sum(n for n, _ in figures.values()),
            "bytes": sum(b for _, b in figures.values()),
            "entries": figures.get("tiering_listentry", (0, 0))[0],
            "per_table": {t: {"rows": n, "bytes": b} for t, (n, b) in figures.items()}}


def track_some(profile) -> None:
    """Tracking on a third of the list, as an applicant mid-season has it."""
    from django.utils import timezone

    from tiering.models import EntryEvent, ListEntry

    for i, entry in enumerate(ListEntry.objects.filter(profile=profile)[:40]):
        entry.status, entry.date_applied, entry.notes = "applied", timezone.localdate(), \
            f"Emailed the coordinator about the visa, waiting ({i})"
        entry.save()
        EntryEvent.objects.create(entry=entry, actor=profile.user, kind="tracking",
                                  before="Not started", after="Applied")


def rate(port: int, path: str, session: str, seconds: float, concurrency: int = 8,
         gzip: bool = False) -> dict:
    """Requests/s and median latency of one page, ``concurrency`` clients, keep-alive;
    ``gzip``: the clients take gzip, as a browser does (the body is read, not unpacked)."""
    headers = {"Cookie": f"sessionid={session}"}
    if gzip:
        headers["Accept-Encoding"] = "gzip, deflate, br"
    deadline = time.monotonic() + seconds
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()

    def worker():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine, bad = [], 0
        while time.monotonic() < deadline:
            start = time.perf_counter()
            try:
                conn.request("GET", path, headers=headers)
                response = conn.getresponse()
                response.read()
                bad += response.status != 200
            except (OSError, http.client.HTTPException):
                bad += 1
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            mine.append(time.perf_counter() - start)
        with lock:
            latencies.extend(mine)
            errors[0] += bad

    started = time.monotonic()
    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    return {"rps": len(latencies) / elapsed, "p50_ms": statistics.median(latencies) * 1000,
            "errors": errors[0]}


def over_http(url: str, pages: dict[str, str], session: str, port: int, seconds: float,
              rounds: int, gzip: bool = False) -> dict:
    from django.db import connections

    connections.close_all()
    work = Path(tempfile.mkdtemp(prefix="rp-ceiling-"))
    env = {**os.environ, "DEBUG": "0", "ALLOWED_HOSTS": "127.0.0.1", "SITE_HTTPS": "0",
           "DATABASE_URL": url, "STATIC_ROOT": str(work / "static"), "LOG_LEVEL": "WARNING",
           "CACHE_URL": os.environ.get("BENCH_CACHE_URL", "")}
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
                   cwd=ROOT, env=env, check=True)
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "residency_planner.wsgi", "--workers", "2",
         "--bind", f"127.0.0.1:{port}", "--timeout", "60", "--log-level", "warning"],
        cwd=ROOT, env=env)
    runs: dict[str, list[dict]] = {name: [] for name in pages}
    try:
        wait_for(port)
        for path in pages.values():  # warm both workers and the cache
            rate(port, path, session, 1.0, gzip=gzip)
        for _ in range(rounds):
            for name, path in pages.items():
                runs[name].append(rate(port, path, session, seconds, gzip=gzip))
    finally:
        server.terminate()
        server.wait(timeout=30)
    return {name: {"rps": round(statistics.median(r["rps"] for r in rs), 1),
                   "p50_ms": round(statistics.median(r["p50_ms"] for r in rs), 1),
                   "errors": sum(r["errors"] for r in rs)} for name, rs in runs.items()}


PAGES = ("home", "catalog", "program", "list", "strategy", "soap")


def page_paths(profile) -> dict[str, str]:
    from django.urls import reverse

    program = profile.entries.select_related("program").first().program
    return {"home": reverse("home"), "catalog": reverse("programs:list"),
            "program": reverse("programs:detail", args=[program.acgme_id]),
            "list": reverse("tiering:list", kwargs={"pk": profile.pk}),
            "strategy": reverse("strategy:strategy", kwargs={"pk": profile.pk}),
            "soap": reverse("strategy:soap", kwargs={"pk": profile.pk})}


def print_http(http_figures: dict) -> None:
    """One line a page, each against the home page of the same run (set here as over_home)."""
    home = http_figures["home"]["rps"]
    for name, row in http_figures.items():
        row["over_home"] = round(row["rps"] / home, 3)
        print(f"HTTP {name}: {row['rps']} requests/s, p50 {row['p50_ms']} ms, "
              f"{row['errors']} errors, {row['over_home']}x the home page")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=6)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--port", type=int, default=8160)
    parser.add_argument("--storage-only", action="store_true",
                        help="only the bytes stored per applicant (e.g. on an older commit)")
    parser.add_argument("--pages", nargs="+", choices=PAGES, default=None,
                        help="only these pages over HTTP (the home page always, as the "
                             "ceiling), without the in-process figures")
    parser.add_argument("--gzip", action="store_true",
                        help="with --pages: the clients send Accept-Encoding: gzip, as a "
                             "browser does")
    args = parser.parse_args()
    os.environ["SECRET_KEY"] = secrets.token_urlsafe(50)  # the server's, for the session
    # The try-it figure asks for many new lists from one address: no 429 in a benchmark.
    os.environ["TRY_IT_RATE"] = os.environ["TRY_IT_VIEW_RATE"] = "100000/m"
    if os.environ.get("BENCH_CACHE_URL"):
        os.environ["CACHE_URL"] = os.environ["BENCH_CACHE_URL"]
    url = _django.setup(postgres=True, name="rp_ceiling")
    from django.core.cache import cache

    from tiering.lists import list_recompute

    cache.clear()
    if args.storage_only:
        stored = core_profile("stored@example.org")
        list_recompute(stored)
        track_some(stored)
        print("RESULT " + json.dumps({"stored": stored_bytes(stored)}))
        return
    profile = core_profile()
    list_recompute(profile)
    if args.pages:
        pages = page_paths(profile)
        chosen = {name: pages[name] for name in PAGES if name == "home" or name in args.pages}
        http_figures = over_http(url, chosen, logged_in_session(profile.user), args.port,
                                 args.seconds, args.rounds, gzip=args.gzip)
        print_http(http_figures)
        print("RESULT " + json.dumps({"http": http_figures, "seconds_per_page": args.seconds,
                                      "rounds": args.rounds, "gzip": args.gzip}))
        return
    figures = in_process(profile, args.repeat)
    # The largest rebuild a request can ask for: every specialty, every state.
    from programs.models import Specialty

    wide = core_profile("wide@example.org")
    wide.target_specialties.set(Specialty.objects.all())
    figures["widest_rebuild_ms"] = round(median_seconds(lambda: list_recompute(wide), 3) * 1000)
    from tiering.scope import score_scope

    figures["widest_rebuild_programs"] = len(score_scope(wide))
    # The largest download a request can ask for: that list's workbook with every candidate.
    from tracker.export import tracker_export
    from tracker.workbook import write_xlsx

    def widest_workbook() -> None:
        write_xlsx(tracker_export(wide, candidates=True), io.BytesIO())

    figures["widest_workbook_ms"] = round(median_seconds(widest_workbook, 3) * 1000)
    # Storage: a second applicant with one build and tracking (the first one was saved
    # dozens of times above, and every rebuild adds a line to the list's history).
    stored = core_profile("stored@example.org")
    list_recompute(stored)
    track_some(stored)
    figures["stored"] = stored_bytes(stored)
    http_figures = over_http(url, page_paths(profile), logged_in_session(profile.user),
                             args.port, args.seconds, args.rounds)
    figures["http"] = http_figures
    figures["seconds_per_page"], figures["rounds"] = args.seconds, args.rounds
    figures["cache"] = "Redis" if os.environ.get("BENCH_CACHE_URL") else "per-process memory"

    f, s = figures, figures["stored"]
    print(f"List page ({f['list_rows']} rows): {f['list_page_ms']} ms; catalog page of as many "
          f"rows {f['catalog_same_rows_ms']} ms rendered, {f['catalog_same_rows_cached_ms']} ms "
          f"cached: {f['list_over_catalog']}x (target <= 1.3x)")
    print(f"Saving the profile: unchanged {f['save_unchanged_ms']} ms, budget only "
          f"{f['save_budget_ms']} ms, a score {f['save_scoring_ms']} ms; scoring the catalog "
          f"({f['catalog_programs']:,} programs) {f['score_catalog_ms']} ms: "
          f"{f['save_over_scoring']}x (target <= 4x)")
    print(f"Scoring inputs, warm: {f['inputs_warm_ms']} ms ({f['inputs_over_scoring']}x the "
          f"scoring, target <= 0.2x); built from rows: {f['inputs_cold_ms']} ms")
    print(f"Export of {f['export_rows']} programs: {f['export_ms']} ms; plain openpyxl of the "
          f"same cells {f['plain_openpyxl_ms']} ms: {f['export_over_plain']}x (target <= 1.5x)")
    print(f"Try-it result for new answers (a new visitor): {f['try_it_ms']} ms, "
          f"{round(f['try_it_ms'] / f['score_catalog_ms'], 2)}x scoring the catalog once "
          f"(target <= 1.5x); log in through the form {f['login_ms']} ms; a tracking save "
          f"through the form {f['tracking_save_ms']} ms")
    print(f"Widest rebuild (every specialty, {f['widest_rebuild_programs']:,} programs): "
          f"{f['widest_rebuild_ms']} ms (slow work must not hold a worker for 1 s)")
    print(f"Widest workbook (that list with every candidate): {f['widest_workbook_ms']} ms")
    print(f"Stored per applicant: {s['rows']} rows, {s['bytes']:,} bytes "
          f"({s['entries']} list entries); x 100,000 = {s['bytes'] * 100_000 / 1e9:.1f} GB")
    print_http(http_figures)
    print("RESULT " + json.dumps(figures))


if __name__ == "__main__":
    main()
