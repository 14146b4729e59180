"""Two app servers on one PostgreSQL database and one Redis cache: a change made through one
(a verified fact approved on a page, a catalog import run by a command) shows on the other's
next catalog and program pages.

The catalog's version (``programs.versions``) keys every cached catalog page and the scoring's
inputs; were it kept in one process's memory, server B would go on serving its cached pages.
Runs on its own database (``<DATABASE_URL's name>_two_servers``, or ``TWO_SERVERS_DATABASE_URL``)
and needs a Redis database of its own: ``TWO_SERVERS_CACHE_URL=redis://127.0.0.1:6379/N`` (or
a redis ``CACHE_URL``). Skipped, with the reason, when either is missing.
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import http.client
import os
import re
import secrets
import socket
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SERVER_START_SECONDS = 90


def _database_url() -> str:
    if os.environ.get("TWO_SERVERS_DATABASE_URL"):
        return os.environ["TWO_SERVERS_DATABASE_URL"]
    base = os.environ.get("DATABASE_URL", "")
    if not base.startswith(("postgres://", "postgresql://")):
        base = "postgres://postgres@127.0.0.1:5432/rp"
    parts = urllib.parse.urlsplit(base)
    return urllib.parse.urlunsplit(parts._replace(path=parts.path + "_two_servers"))


def _cache_url() -> str:
    for name in ("TWO_SERVERS_CACHE_URL", "CACHE_URL"):
        if os.environ.get(name, "").startswith("redis://"):
            return os.environ[name]
    pytest.skip("needs a Redis of its own: TWO_SERVERS_CACHE_URL=redis://127.0.0.1:6379/N")


def _reachable(url: str, default_port: int) -> bool:
    parts = urllib.parse.urlsplit(url)
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or default_port),
                                      timeout=3):
            return True
    except OSError:
        return False


def _fresh_database(url: str) -> None:
    psycopg = pytest.importorskip("psycopg")
    parts = urllib.parse.urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urllib.parse.urlunsplit(parts._replace(path="/postgres"))
    try:
        with psycopg.connect(admin, autocommit=True, connect_timeout=5) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError as exc:
        pytest.skip(f"needs PostgreSQL at {parts.hostname}:{parts.port or 5432}: {exc}")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _manage(env: dict, *args: str, stdin: str | None = None) -> str:
    done = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, input=stdin,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def _catalog_rows(n: int) -> tuple[list[str], list[dict]]:
    with (ROOT / "fixtures" / "catalog.csv").open(newline="") as f:
        reader = csv.DictReader(f)
        rows = [row for _, row in zip(range(n), reader, strict=False)]
        return list(reader.fieldnames or []), rows


def _write_csv(path: Path, header: list[str], rows: list[dict]) -> Path:
    with path.open("w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=header)
        writer.writeheader()
        writer.writerows(rows)
    return path


class Server:
    """``manage.py runserver --noreload`` on a port of its own, with a browser's cookie jar."""

    def __init__(self, env: dict) -> None:
        self.port = _free_port()
        self.process = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", "--noreload", "--nothreading",
             f"127.0.0.1:{self.port}"], cwd=ROOT, env=env,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.cookies: dict[str, str] = {}

    def wait(self) -> None:
        deadline = time.monotonic() + SERVER_START_SECONDS
        while time.monotonic() < deadline:
            assert self.process.poll() is None, "the server stopped"
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                time.sleep(0.3)
        raise AssertionError(f"no server on port {self.port} after {SERVER_START_SECONDS} s")

    def request(self, method: str, path: str, form: dict | None = None) -> tuple[int, str]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
                   "Referer": f"http://127.0.0.1:{self.port}{path}"}
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        text = response.read().decode()
        for cookie in response.headers.get_all("Set-Cookie") or []:
            key, value = cookie.split(";", 1)[0].split("=", 1)
            self.cookies[key] = value
        conn.close()
        return response.status, text

    def get(self, path: str) -> str:
        status, text = self.request("GET", path)
        assert status == 200, (path, status)
        return text

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


@pytest.fixture
def two_servers(tmp_path) -> Iterator[tuple[Server, Server, dict, list[str], list[dict]]]:
    cache_url = _cache_url()
    url = _database_url()
    if not _reachable(cache_url, 6379):
        pytest.skip(f"no Redis answers at {cache_url}")
    _fresh_database(url)
    env = {**os.environ, "DEBUG": "1", "SECRET_KEY": secrets.token_urlsafe(50),
           "DATABASE_URL": url, "CACHE_URL": cache_url, "LOG_LEVEL": "WARNING"}
    _manage(env, "migrate", "--noinput", "-v0")
    header, rows = _catalog_rows(3)
    _manage(env, "import_catalog", str(_write_csv(tmp_path / "catalog.csv", header, rows)))
    # A staff member's session, shared by both servers as sessions live in the database.
    session = _manage(env, "shell", stdin=(
        "from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY\n"
        "from django.contrib.sessions.backends.db import SessionStore\n"
        "from applicants.models import User\n"
        "u = User.objects.create_user(email='staff@example.org', password='x' * 20,"
        " role='staff')\n"
        "s = SessionStore()\n"
        "s[SESSION_KEY] = str(u.pk)\n"
        "s[BACKEND_SESSION_KEY] = 'django.contrib.auth.backends.ModelBackend'\n"
        "s[HASH_SESSION_KEY] = u.get_session_auth_hash()\n"
        "s.create()\n"
        "print('SESSION', s.session_key)\n")).split("SESSION ", 1)[1].split()[0]
    servers = [Server(env), Server(env)]
    try:
        for server in servers:
            server.cookies["sessionid"] = session
            server.wait()
        yield servers[0], servers[1], env, header, rows
    finally:
        for server in servers:
            server.stop()


def test_a_change_through_one_server_shows_on_the_others_next_page(two_servers, tmp_path):
    a, b, env, header, rows = two_servers
    program = rows[0]["acgme_id"]
    page = f"/programs/{program}/"
    today = dt.date.today().isoformat()

    # Server B has both pages in the shared cache, made from the catalog as imported.
    assert f"verified on {today}" not in b.get(page)
    catalog = b.get("/programs/?q=")
    assert html.escape(rows[1]["name"]) in catalog

    # Staff approve a fact through server A (a staff entry is approved as it is saved).
    form_page = a.get(page)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form_page).group(1)
    status, _ = a.request("POST", f"{page}verify/", {
        "csrfmiddlewaretoken": token, "key": "pgy1_positions", "value": "7", "method": "phone",
        "url": "", "note": "Coordinator, by phone", "verified_on": today})
    assert status == 302
    assert f"verified on {today}" in b.get(page)

    # A catalog import from a third process renames a program: B's catalog page follows.
    renamed = {**rows[1], "name": "Renamed Through The Import Program"}
    _manage(env, "import_catalog",
            str(_write_csv(tmp_path / "renamed.csv", header, [rows[0], renamed, rows[2]])))
    catalog = b.get("/programs/?q=")
    assert "Renamed Through The Import Program" in catalog
    assert html.escape(rows[1]["name"]) not in catalog
