"""Eight crafted workbooks uploaded at once to gunicorn, while another client keeps loading
the home page: does the site keep answering, and does each upload end with a clear message?

    .venv/bin/python benchmarks/upload_attack_gunicorn.py [--postgres] [--port 8170]

Production settings (DEBUG off) with two sync gunicorn workers on 127.0.0.1 and a task worker
beside them (`celery worker`, two processes, as `make serve` starts it) on the Redis at
CELERY_BROKER_URL; the shipped catalog and one applicant with a list. The crafted workbooks are
those of tests/tracker/crafted.py (600,000 shared strings, many fonts, many styles, many
defined names, one very wide row) and the sheets of numbers of benchmarks/upload_attack.py.
Each upload is followed as a browser does: the post, then the page that waits for the worker,
reloaded until it shows the result. Prints each upload's outcome and time, and the home page's
answers during the uploads.

Before the task queue, two such uploads at once made the home page wait 18 s, and four left it
without an answer for about 60 s: the workbooks were read inside the web workers.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import secrets
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from email.message import Message

import _django
from ceiling_bench import core_profile
from load_test import logged_in_session
from upload_attack import ROWS, crafted

ROOT = _django.ROOT


def request(port: int, method: str, path: str, cookies: dict[str, str], body: bytes = b"",
            headers: dict[str, str] | None = None) -> tuple[int, bytes, Message]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    all_headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items()),
                   **(headers or {})}
    connection.request(method, path, body=body or None, headers=all_headers)
    response = connection.getresponse()
    content = response.read()
    connection.close()
    return response.status, content, response.headers


def upload(port: int, path: str, session: str, content: bytes) -> tuple[int, str, str]:
    """The upload form's post: its status, its message if any, and where it sends."""
    cookies = {"sessionid": session}
    status, page, answer_headers = request(port, "GET", path, cookies)
    if status != 200:
        raise SystemExit(f"the upload page answered {status}: {page[:300]!r}")
    for cookie in answer_headers.get_all("Set-Cookie") or []:
        key, value = cookie.split(";", 1)[0].split("=", 1)
        cookies[key] = value
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1).decode()
    boundary = secrets.token_hex(12)
    body = (
        f"--{boundary}\r\nContent-Disposition: form-data; name=\"csrfmiddlewaretoken\"\r\n\r\n"
        f"{token}\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; "
        f"filename=\"tracker.xlsx\"\r\nContent-Type: application/vnd.openxmlformats-"
        f"officedocument.spreadsheetml.sheet\r\n\r\n").encode() + content + (
        f"\r\n--{boundary}--\r\n").encode()
    status, answer, answer_headers = request(port, "POST", path, cookies, body, {
        "Content-Type": f"multipart/form-data; boundary={boundary}",
        "Referer": f"http://127.0.0.1:{port}{path}"})
    return status, alert(answer), answer_headers.get("Location", "")


def crafted_uploads() -> list[tuple[str, bytes]]:
    from tests.tracker.crafted import ATTACKS, workbook

    uploads = [(name, workbook(**fields)) for name, fields in ATTACKS.items()]
    uploads += [("900 rows of numbers", crafted(900)),
                (f"{ROWS:,} rows of numbers", crafted(ROWS)),
                ("fonts and styles", workbook(fonts=30_000, styles=75_000))]
    return uploads


@contextmanager
def task_worker(url: str) -> Iterator[None]:
    """The task worker of `make serve`, with the server's settings."""
    import redis

    broker = os.environ["CELERY_BROKER_URL"]
    redis.Redis.from_url(broker).delete("celery", "uploads")
    env = {**os.environ, "DEBUG": "0", "ALLOWED_HOSTS": "127.0.0.1", "SITE_HTTPS": "0",
           "DATABASE_URL": url, "LOG_LEVEL": "WARNING"}
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "residency_planner", "worker",
         "-Q", "celery,uploads", "--concurrency", "2", "--loglevel", "WARNING"],
        cwd=ROOT, env=env)
    try:
        time.sleep(3)  # connected to the broker
        yield
    finally:
        worker.terminate()
        worker.wait(timeout=60)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--port", type=int, default=8170)
    args = parser.parse_args()
    # The session is made here and read by gunicorn: both sign with the same key.
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(40))
    os.environ.setdefault("CELERY_BROKER_URL", "redis://127.0.0.1:6379/1")
    url = _django.setup(postgres=args.postgres, name="rp_upload_attack")
    from tiering.lists import list_recompute

    profile = core_profile()
    list_recompute(profile)
    session = logged_in_session(profile.user)
    path = f"/applicants/{profile.pk}/tracker/upload/"
    uploads = crafted_uploads()
    with _django.production_server(url, args.port), task_worker(url):
        request(args.port, "GET", "/", {})  # warm
        print(f"{_django.database_label(url)}, gunicorn with 2 sync workers and a task worker "
              "of 2 processes, DEBUG off")
        attack(args.port, path, session, uploads)


def follow(port: int, path: str, session: str, content: bytes) -> tuple[str, float, str]:
    """Post, then reload the waiting page until it shows the outcome: "preview" (the changes
    to confirm), "refused" (the upload page with its message) or another status."""
    started = time.perf_counter()
    status, posted, location = upload(port, path, session, content)
    while status == 302 and "/tracker/upload/" in location:
        code, page, _ = request(port, "GET", location, {"sessionid": session})
        if code == 200 and b"Reading your tracker" in page:
            time.sleep(0.5)
            continue
        if code == 302:
            return "preview", time.perf_counter() - started, ""
        return ("refused" if code == 200 else f"HTTP {code}"), \
            time.perf_counter() - started, alert(page)
    return f"HTTP {status}", time.perf_counter() - started, posted


def alert(page: bytes) -> str:
    said = re.search(rb'class="alert[^"]*"[^>]*>(.*?)</div>', page, re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", said.group(1).decode())).strip() \
        if said else ""


def attack(port: int, path: str, session: str, uploads: list[tuple[str, bytes]]) -> None:
    outcomes: dict[str, tuple[str, float, str]] = {}
    home: list[tuple[int, float]] = []
    done = threading.Event()

    def attacker(name: str, content: bytes) -> None:
        outcomes[name] = follow(port, path, session, content)

    def visitor() -> None:
        while not done.is_set():
            started = time.perf_counter()
            status, _, _ = request(port, "GET", "/", {})
            home.append((status, time.perf_counter() - started))
            time.sleep(0.05)

    attackers = [threading.Thread(target=attacker, args=item) for item in uploads]
    watcher = threading.Thread(target=visitor)
    watcher.start()
    started = time.perf_counter()
    for thread in attackers:
        thread.start()
    for thread in attackers:
        thread.join()
    elapsed = time.perf_counter() - started
    done.set()
    watcher.join()

    print(f"\n{len(uploads)} crafted workbooks uploaded at once:")
    for name, content in uploads:
        outcome, seconds, message = outcomes[name]
        print(f"- {name} ({len(content) / 1024:.0f} KB): {outcome} after {seconds:.1f} s: "
              f"{message[:160]}")
    times = sorted(seconds for _, seconds in home)
    errors = sum(1 for status, _ in home if status != 200)
    print(f"home page while the uploads ran ({elapsed:.1f} s): {len(home)} requests, "
          f"{errors} errors, median {statistics.median(times) * 1000:.0f} ms, "
          f"p90 {times[int(len(times) * 0.9)] * 1000:.0f} ms, max {times[-1] * 1000:.0f} ms")


if __name__ == "__main__":
    main()
