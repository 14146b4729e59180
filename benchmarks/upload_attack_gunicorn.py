"""The crafted workbook of the hardening issue sent to gunicorn, twice at once, while another
client keeps loading the home page: are both uploads refused fast, and does the site answer?

    .venv/bin/python benchmarks/upload_attack_gunicorn.py [--postgres] [--port 8170]

Production settings (DEBUG off) with two sync workers on 127.0.0.1, the shipped catalog and
one applicant with a list. Before the limits, the same two uploads held both workers until
gunicorn's WORKER TIMEOUT (about 61 s, one worker killed) and every other request timed out.
Prints each upload's status and time, and the home page's answers during the uploads.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import secrets
import statistics
import threading
import time

import _django
from ceiling_bench import core_profile
from load_test import logged_in_session
from upload_attack import ROWS, crafted

ROOT = _django.ROOT


def request(port: int, method: str, path: str, cookies: dict[str, str], body: bytes = b"",
            headers: dict[str, str] | None = None) -> tuple[int, bytes, list[str]]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    all_headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items()),
                   **(headers or {})}
    connection.request(method, path, body=body or None, headers=all_headers)
    response = connection.getresponse()
    content = response.read()
    set_cookies = response.headers.get_all("Set-Cookie") or []
    connection.close()
    return response.status, content, set_cookies


def upload(port: int, path: str, session: str, content: bytes) -> tuple[int, float, str]:
    cookies = {"sessionid": session}
    status, page, set_cookies = request(port, "GET", path, cookies)
    if status != 200:
        raise SystemExit(f"the upload page answered {status}: {page[:300]!r}")
    for cookie in set_cookies:
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
    started = time.perf_counter()
    status, answer, _ = request(port, "POST", path, cookies, body, {
        "Content-Type": f"multipart/form-data; boundary={boundary}",
        "Referer": f"http://127.0.0.1:{port}{path}"})
    seconds = time.perf_counter() - started
    said = re.search(rb'class="alert[^"]*"[^>]*>(.*?)</div>', answer, re.S)
    message = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", said.group(1).decode())).strip() \
        if said else ""
    return status, seconds, message


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--port", type=int, default=8170)
    args = parser.parse_args()
    # The session is made here and read by gunicorn: both sign with the same key.
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(40))
    url = _django.setup(postgres=args.postgres, name="rp_upload_attack")
    from tiering.lists import list_recompute

    profile = core_profile()
    list_recompute(profile)
    session = logged_in_session(profile.user)
    path = f"/applicants/{profile.pk}/tracker/upload/"
    with _django.production_server(url, args.port):
        request(args.port, "GET", "/", {})  # warm
        print(f"{_django.database_label(url)}, gunicorn with 2 sync workers, DEBUG off")
        # The attack, and the heaviest sheet of numbers that passes the size limits (it meets
        # the reading's time budget instead).
        for rows in (ROWS, 900):
            attack(args.port, path, session, crafted(rows), rows)


def attack(port: int, path: str, session: str, content: bytes, rows: int) -> None:
    uploads: list[tuple[int, float, str]] = []
    home: list[tuple[int, float]] = []
    done = threading.Event()

    def attacker() -> None:
        uploads.append(upload(port, path, session, content))

    def visitor() -> None:
        while not done.is_set():
            started = time.perf_counter()
            status, _, _ = request(port, "GET", "/", {})
            home.append((status, time.perf_counter() - started))
            time.sleep(0.05)

    attackers = [threading.Thread(target=attacker) for _ in range(2)]
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

    print(f"\ncrafted workbook: {len(content) / 1024:.0f} KB ({rows:,} rows), sent twice at once")
    for n, (status, seconds, message) in enumerate(uploads, 1):
        print(f"upload {n}: HTTP {status} in {seconds:.2f} s: {message[:150]}")
    times = sorted(seconds for _, seconds in home)
    errors = sum(1 for status, _ in home if status != 200)
    print(f"home page while the uploads ran ({elapsed:.2f} s): {len(home)} requests, "
          f"{errors} errors, p50 {statistics.median(times) * 1000:.0f} ms, "
          f"max {times[-1] * 1000:.0f} ms")


if __name__ == "__main__":
    main()
