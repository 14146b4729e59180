"""Load test: 50 logged-in users against gunicorn (two workers) on 127.0.0.1, on PostgreSQL.

    .venv/bin/python benchmarks/load_test.py [--users 50] [--seconds 60] [--sqlite] [--port N]

Bounded: a fixed number of users for a fixed time, then it stops by itself. It creates a fresh
database (dropped afterwards), loads the shipped catalog, creates the accounts with computed
lists, starts gunicorn with production settings over plain HTTP on loopback, runs Locust
headless, and prints throughput, median/p95/p99 latency and errors. Last line: "RESULT {json}".
The server's cache is BENCH_CACHE_URL (e.g. redis://127.0.0.1:6379/6) or each worker's memory.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import _django

ROOT = _django.ROOT
PASSWORD = "load-test-password-8731"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def logged_in_session(user) -> str:
    """A session as django.contrib.auth.login leaves it, so the measured run holds only the
    pages under test and not 50 password hashings (PBKDF2 is slow on purpose)."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return session.session_key


def make_accounts(n: int) -> list[dict]:
    from django.urls import reverse
    from django.utils import timezone

    from applicants.models import Profile, User
    from programs.models import Specialty
    from tiering.lists import list_recompute
    from tiering.models import ListEntry

    core = list(Specialty.objects.filter(code__in=["140", "120", "320", "400"]))
    accounts = []
    for i in range(n):
        user = User.objects.create_user(email=f"load{i}@example.org", password=PASSWORD)
        profile = Profile.objects.create(
            user=user, step1_passed=True, step1_attempts=1 + i % 2, step2_score=215 + i % 30,
            step2_attempts=1, graduation_year=timezone.now().year - 1 - i % 8,
            visa_need=["j1", "h1b", "none"][i % 3], ecfmg_status="certified",
            spanish_level=["none", "basic", "intermediate", "advanced", "native"][i % 5],
            usce_hands_on_months=i % 7, usce_border_months=min(i % 3, i % 7),
            budget_usd=800 + 50 * i,
        )
        profile.target_specialties.set(core[: 1 + i % 4])
        list_recompute(profile)
        ids = list(ListEntry.objects.filter(profile=profile).order_by("?")
                   .values_list("program__acgme_id", flat=True)[:20])
        account = {
            "email": user.email, "session": logged_in_session(user),
            "list_url": reverse("tiering:list", kwargs={"pk": profile.pk}),
            "explanation_urls": [
                reverse("tiering:explanation", kwargs={"pk": profile.pk, "acgme_id": a})
                for a in ids
            ],
        }
        try:
            account["export_url"] = reverse("tracker:tracker_xlsx", kwargs={"pk": profile.pk})
        except Exception:  # the tracker export is not installed
            pass
        accounts.append(account)
    return accounts


def wait_for(port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"gunicorn did not start on port {port}")


def read_stats(prefix: str) -> dict[str, dict]:
    rows = {}
    with open(f"{prefix}_stats.csv", newline="") as handle:
        for row in csv.DictReader(handle):
            rows[row["Name"]] = row
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--sqlite", action="store_true", help="SQLite instead of PostgreSQL")
    parser.add_argument(
        "--think", default="2,8",
        help="seconds a user reads a page before the next click, as MIN,MAX (default 2,8)",
    )
    parser.add_argument("--port", type=int, default=0,
                        help="port for gunicorn on 127.0.0.1 (default: any free one)")
    args = parser.parse_args()

    # Sessions are signed and tied to the password hash with SECRET_KEY: the accounts are made
    # with the key the server will use.
    os.environ["SECRET_KEY"] = secrets.token_urlsafe(50)
    url = _django.setup(postgres=not args.sqlite, name="rp_load")
    accounts = make_accounts(args.users)
    work = Path(tempfile.mkdtemp(prefix="rp-load-"))
    users_file = work / "users.json"
    users_file.write_text(json.dumps(accounts))
    from django.db import connections

    connections.close_all()

    port = args.port or free_port()
    env = {**os.environ, "DEBUG": "0", "CACHE_URL": os.environ.get("BENCH_CACHE_URL", ""),
           "ALLOWED_HOSTS": "127.0.0.1", "SITE_HTTPS": "0", "DATABASE_URL": url,
           "STATIC_ROOT": str(work / "static"), "LOG_LEVEL": "WARNING",
           "BENCH_USERS_FILE": str(users_file), "BENCH_THINK": args.think}
    python = sys.executable
    subprocess.run([python, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT,
                   env=env, check=True)
    server = subprocess.Popen(
        [python, "-m", "gunicorn", "residency_planner.wsgi", "--workers", "2",
         "--bind", f"127.0.0.1:{port}", "--timeout", "120", "--log-level", "warning"],
        cwd=ROOT, env=env,
    )
    try:
        wait_for(port)
        prefix = str(work / "locust")
        subprocess.run(
            [python, "-m", "locust", "-f", str(ROOT / "benchmarks" / "locustfile.py"),
             "--headless", "--users", str(args.users), "--spawn-rate", "10",
             "--run-time", f"{args.seconds}s", "--stop-timeout", "10",
             "--host", f"http://127.0.0.1:{port}", "--csv", prefix, "--only-summary",
             "--loglevel", "WARNING"],
            cwd=ROOT, env=env, check=False, timeout=args.seconds + 120,
        )
    finally:
        server.terminate()
        server.wait(timeout=30)

    stats = read_stats(prefix)
    total = stats["Aggregated"]
    figures = {
        "database": _django.database_label(url),
        "users": args.users, "seconds": args.seconds, "think_seconds": args.think,
        "requests": int(total["Request Count"]), "errors": int(total["Failure Count"]),
        "throughput_rps": round(float(total["Requests/s"]), 1),
        "median_ms": float(total["50%"]), "p95_ms": float(total["95%"]),
        "p99_ms": float(total["99%"]),
        "endpoints": {
            name: {"requests": int(row["Request Count"]), "errors": int(row["Failure Count"]),
                   "median_ms": float(row["50%"]), "p95_ms": float(row["95%"]),
                   "p99_ms": float(row["99%"])}
            for name, row in stats.items() if name != "Aggregated"
        },
    }
    print(f"{args.users} users (reading {args.think.replace(',', '-')} s between clicks) for "
          f"{args.seconds} s against gunicorn (2 workers), "
          f"{figures['database']}: {figures['requests']} requests, {figures['errors']} errors, "
          f"{figures['throughput_rps']} requests/s, median {figures['median_ms']:.0f} ms, "
          f"p95 {figures['p95_ms']:.0f} ms, p99 {figures['p99_ms']:.0f} ms")
    for name, row in figures["endpoints"].items():
        print(f"  {name}: {row['requests']} requests, {row['errors']} errors, median "
              f"{row['median_ms']:.0f} ms, p95 {row['p95_ms']:.0f} ms, p99 {row['p99_ms']:.0f} ms")
    print("RESULT " + json.dumps(figures))


if __name__ == "__main__":
    main()
