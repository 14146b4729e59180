"""The catalog ten times larger (52,160 programs, built from the shipped one), against 1x.

    BENCH_CACHE_URL=redis://127.0.0.1:6379/N .venv/bin/python benchmarks/catalog_10x_bench.py \
        [--scales 1 10] [--port 8164]

For each scale, in a process and a fresh PostgreSQL database of its own: the shipped catalog,
then ``scale - 1`` copies of every program under new ACGME ids (every fact kept, so the scoring
and the pages do the same work per program), and the core applicant's list (ceiling_bench.py's
persona) built. Then gunicorn with production settings and one sync worker (figures are per
worker; a server runs several), the shared Redis cache flushed:

- first request per worker: the applicant's list page as the worker's first request (it loads
  the catalog as the scoring reads it): its time, the worker's CPU time in it (on a busy
  machine, its own work without its wait for a core), and how much the worker's resident
  memory (VmRSS) grew from after boot to after that request;
- the list page after a cache flush: Redis emptied (the worker keeps what it holds in memory),
  then the list page; median of ``--repeat``.

Last line: "RESULT {json}" with one entry per scale.
"""

from __future__ import annotations

import argparse
import copy
import http.client
import json
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for {pid}")


def cpu_ms(pid: int) -> float:
    """The process's CPU time so far (user and system): on a busy machine, the part of a
    request's time that is the worker's own work, not its wait for a core."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) * 1000 / os.sysconf("SC_CLK_TCK")


def children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


def get_ms(port: int, path: str, session: str) -> float:
    # A slow first request is the figure measured, not a failure: long time-outs (here and
    # gunicorn's) let a loaded machine finish it.
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=900)
    start = time.perf_counter()
    conn.request("GET", path, headers={"Cookie": f"sessionid={session}"})
    response = conn.getresponse()
    response.read()
    elapsed = (time.perf_counter() - start) * 1000
    conn.close()
    assert response.status == 200, (path, response.status)
    return elapsed


def grow_catalog(scale: int) -> int:
    """Copies of every shipped program under ACGME ids of their specialty not taken yet."""
    from programs.models import Program
    from programs.versions import bump_catalog_version

    originals = list(Program.objects.all())
    taken = {p.acgme_id for p in originals}
    next_number: dict[str, int] = {}
    copies = []
    for _ in range(scale - 1):
        for program in originals:
            code = program.acgme_id[:3]
            number = next_number.get(code, 9_999_999)
            while f"{code}{number:07d}" in taken:
                number -= 1
            next_number[code] = number - 1
            twin = copy.copy(program)
            twin.pk = None
            twin.acgme_id = f"{code}{number:07d}"
            taken.add(twin.acgme_id)
            copies.append(twin)
    Program.objects.bulk_create(copies, batch_size=2000)
    bump_catalog_version()  # bulk_create sends no signal
    return Program.objects.count()


def one_scale(scale: int, port: int, repeat: int) -> dict:
    os.environ["SECRET_KEY"] = secrets.token_urlsafe(50)  # the server's, for the session
    cache_url = os.environ["BENCH_CACHE_URL"]
    os.environ["CACHE_URL"] = cache_url
    import _django

    url = _django.setup(postgres=True, name=f"rp_catalog_{scale}x")
    from ceiling_bench import core_profile
    from django.core.cache import cache
    from django.db import connections
    from django.urls import reverse
    from load_test import logged_in_session, wait_for

    from tiering.lists import list_recompute

    programs = grow_catalog(scale)
    profile = core_profile()
    list_recompute(profile)
    session = logged_in_session(profile.user)
    list_url = reverse("tiering:list", kwargs={"pk": profile.pk})
    connections.close_all()
    cache.clear()

    work = Path(tempfile.mkdtemp(prefix="rp-10x-"))
    env = {**os.environ, "DEBUG": "0", "ALLOWED_HOSTS": "127.0.0.1", "SITE_HTTPS": "0",
           "DATABASE_URL": url, "STATIC_ROOT": str(work / "static"), "LOG_LEVEL": "WARNING",
           "CACHE_URL": cache_url}
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
                   cwd=_django.ROOT, env=env, check=True)
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "residency_planner.wsgi", "--workers", "1",
         "--bind", f"127.0.0.1:{port}", "--timeout", "900", "--log-level", "warning"],
        cwd=_django.ROOT, env=env)
    try:
        wait_for(port)
        time.sleep(2)  # the worker has loaded Django (gunicorn loads the app in the worker)
        [worker] = children(server.pid)
        booted, cpu_before = rss_kb(worker), cpu_ms(worker)
        first_ms = get_ms(port, list_url, session)
        first_cpu_ms = cpu_ms(worker) - cpu_before
        first_mb = (rss_kb(worker) - booted) / 1024
        flushed = []
        for _ in range(repeat):
            cache.clear()
            flushed.append(get_ms(port, list_url, session))
        warm_ms = statistics.median(get_ms(port, list_url, session) for _ in range(repeat))
    finally:
        server.terminate()
        server.wait(timeout=30)
    return {"scale": scale, "programs": programs, "first_request_ms": round(first_ms),
            "first_request_cpu_ms": round(first_cpu_ms),
            "first_request_mb": round(first_mb, 1),
            "after_flush_ms": round(statistics.median(flushed)),
            "warm_ms": round(warm_ms, 1)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 10])
    parser.add_argument("--port", type=int, default=8164)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--one", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if not os.environ.get("BENCH_CACHE_URL", "").startswith("redis://"):
        raise SystemExit("BENCH_CACHE_URL=redis://127.0.0.1:6379/N (a database of its own, "
                         "emptied here): the servers share one cache, as in production")
    if args.one:
        print("RESULT " + json.dumps(one_scale(args.scales[0], args.port, args.repeat)))
        return
    figures = {}
    for scale in args.scales:  # one process each: Django is set up once per process
        done = subprocess.run([sys.executable, __file__, "--one", "--scales", str(scale),
                               "--port", str(args.port), "--repeat", str(args.repeat)],
                              cwd=HERE, capture_output=True, text=True,
                              env={**os.environ, "PYTHONPATH": str(HERE)})
        lines = [ln for ln in done.stdout.splitlines() if ln.startswith("RESULT ")]
        if not lines:
            print(done.stderr[-3000:])
            raise SystemExit(f"scale {scale} failed ({done.returncode})")
        f = figures[str(scale)] = json.loads(lines[-1][len("RESULT "):])
        print(f"{scale}x ({f['programs']:,} programs): first request per worker "
              f"{f['first_request_ms']} ms ({f['first_request_cpu_ms']} ms of the worker's CPU), "
              f"+{f['first_request_mb']} MB; list page after a "
              f"cache flush {f['after_flush_ms']} ms; warm {f['warm_ms']} ms")
    print("RESULT " + json.dumps(figures))


if __name__ == "__main__":
    main()
