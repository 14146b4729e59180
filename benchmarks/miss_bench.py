"""Server time of the load test's pages when the cache has nothing for them yet: an applicant's
first view of a program's explanation, and their first download of the tracker workbook; and
the same again (what the cache gives back).

    .venv/bin/python benchmarks/miss_bench.py [--postgres] [--applicants 8] [--programs 5]
        [--profile]

The applicants are made as the load test makes them (``load_test.make_accounts``: the core
specialties, computed lists). The processes are warm (one applicant's pages are opened first,
not counted), as a server's workers are after their first requests; each measured view is the
first of its page for its applicant, so no page is in the cache. Server time is the time Django
takes to answer through the test client, database included. ``--profile``: print a pyinstrument
profile of one first view of each (``pip install pyinstrument``). Last line: "RESULT {json}".
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time

import _django

# The processor time this process spent on each view, beside the wall time: on a shared
# machine the wall time moves with the other processes' load, the processor time far less.
CPU: list[float] = []


# The queries each view ran, as CPU.
QUERIES: list[int] = []


def timed(client, url: str) -> float:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        start, cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        elapsed = time.perf_counter() - start
        CPU.append(time.process_time() - cpu)
    QUERIES.append(len(queries))
    assert response.status_code == 200, (url, response.status_code)
    return elapsed


def profiled(client, url: str) -> None:
    from pyinstrument import Profiler

    profiler = Profiler(interval=0.0005)
    profiler.start()
    client.get(url)
    profiler.stop()
    print(profiler.output_text(unicode=False, color=False, show_all=False))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--applicants", type=int, default=8)
    parser.add_argument("--programs", type=int, default=5)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    os.environ.setdefault("THROTTLE_CACHE_URL", "locmem://")
    url = _django.setup(postgres=args.postgres, name="rp_miss")

    from django.test import Client
    from load_test import make_accounts

    from applicants.models import User

    # Applicants with programs on their list (the load test's users open only those).
    accounts = [account for account in make_accounts(2 * args.applicants + 2)
                if account["explanation_urls"]][:args.applicants + 1]
    clients = []
    for account in accounts:
        client = Client()
        client.force_login(User.objects.get(email=account["email"]))
        clients.append(client)
    # Warm processes: the first applicant's pages, not counted.
    warm = clients[0], accounts[0]
    timed(warm[0], warm[1]["list_url"])
    for page in warm[1]["explanation_urls"][:3]:
        timed(warm[0], page)
    timed(warm[0], warm[1]["export_url"])

    if args.profile:
        profiled(clients[1], accounts[1]["explanation_urls"][-1])
        profiled(clients[1], accounts[1]["export_url"])
        profiled(clients[1], accounts[1]["list_url"])

    first, again, export_first, export_again, list_first = [], [], [], [], []
    cpu: dict[str, list[float]] = {"first": [], "again": [], "export_first": [],
                                   "export_again": [], "list_first": []}
    queries: dict[str, list[int]] = {kind: [] for kind in cpu}

    def measured(kind: str, times: list[float], client, url: str) -> None:
        times.append(timed(client, url))
        cpu[kind].append(CPU[-1])
        queries[kind].append(QUERIES[-1])

    for client, account in zip(clients[1:], accounts[1:], strict=True):
        pages = account["explanation_urls"][:args.programs]
        for page in pages:
            measured("first", first, client, page)
        for page in pages:
            measured("again", again, client, page)
        measured("export_first", export_first, client, account["export_url"])
        measured("export_again", export_again, client, account["export_url"])
        # The list page's first view (nothing of it is in the cache yet).
        measured("list_first", list_first, client, account["list_url"])

    def ms(values: list[float]) -> float:
        return round(statistics.median(values) * 1000, 1)

    figures = {
        "database": _django.database_label(url),
        "explanation_first_ms": ms(first), "explanation_again_ms": ms(again),
        "export_first_ms": ms(export_first), "export_again_ms": ms(export_again),
        "list_first_ms": ms(list_first),
        "explanation_views": len(first), "exports": len(export_first),
        "cpu_ms": {kind: ms(values) for kind, values in cpu.items()},
        "queries": {kind: max(values) for kind, values in queries.items()},
    }
    label = figures["database"]
    print(f"[{label}] program explanation, first view: median {figures['explanation_first_ms']}"
          f" ms; again: {figures['explanation_again_ms']} ms ({len(first)} pages)")
    print(f"[{label}] tracker export, first download: median {figures['export_first_ms']} ms; "
          f"again: {figures['export_again_ms']} ms ({len(export_first)} applicants)")
    print(f"[{label}] tiered list, first view: median {figures['list_first_ms']} ms")
    print(f"[{label}] processor time of this process, medians (ms): " + ", ".join(
        f"{kind} {value}" for kind, value in figures["cpu_ms"].items()))
    print(f"[{label}] queries per view, most: " + ", ".join(
        f"{kind} {value}" for kind, value in figures["queries"].items()))
    print("RESULT " + json.dumps(figures))


if __name__ == "__main__":
    main()
