"""PostgreSQL restarts while the app serves: the next requests succeed on new connections
(``conn_health_checks``), and an upload whose transaction the restart cut applies nothing.

It restarts the local server, so it runs only when asked: ``RUN_PG_RESTART=1`` with a
``DATABASE_URL`` on this machine's PostgreSQL (``.ci/run`` does, after the suites)."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client

from tests.tracker.test_tracker import (  # noqa: F401 (profile is a fixture)
    download,
    edit,
    profile,
    tracker_ids,
    tracking_state,
    upload,
)
from tiering.models import EntryEvent

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(os.environ.get("RUN_PG_RESTART") != "1",
                       reason="restarts the local PostgreSQL server: set RUN_PG_RESTART=1"),
]


@pytest.fixture(autouse=True)
def _on_local_postgresql() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs DATABASE_URL on PostgreSQL")
    if shutil.which("pg_ctlcluster") is None or os.geteuid() != 0:
        pytest.skip("needs Debian's pg_ctlcluster, run as root, to restart the server")


def postgresql_restart() -> None:
    """Restart the cluster that serves the test database; returns once it accepts connections."""
    port = str(connection.settings_dict.get("PORT") or 5432)
    clusters = subprocess.run(["pg_lsclusters", "--no-header"], capture_output=True, text=True,
                              check=True, timeout=30).stdout.splitlines()
    version, name = next(line.split()[:2] for line in clusters if line.split()[2] == port)
    subprocess.run(["pg_ctlcluster", version, name, "restart"], check=True, timeout=120)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # a 302 is an answer here, not a hop
        return None


class Browser:
    """A user's browser against the live server: the session cookie and the CSRF token."""

    def __init__(self, base: str, session: str) -> None:
        self.base, self.cookies = base, {"sessionid": session}
        self.opener = urllib.request.build_opener(_NoRedirect)

    def _send(self, request: urllib.request.Request) -> tuple[int, str]:
        request.add_header("Cookie", "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        try:
            with self.opener.open(request, timeout=60) as response:
                status, body, headers = response.status, response.read(), response.headers
        except urllib.error.HTTPError as error:
            status, body, headers = error.code, error.read(), error.headers
        for cookie in headers.get_all("Set-Cookie") or []:
            key, value = cookie.split(";", 1)[0].split("=", 1)
            self.cookies[key] = value
        return status, body.decode(errors="replace")

    def get(self, path: str) -> tuple[int, str]:
        return self._send(urllib.request.Request(self.base + path))

    def post(self, path: str, form_page: str, data: dict[str, str]) -> tuple[int, str]:
        _, page = self.get(form_page)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": token}).encode()
        request = urllib.request.Request(self.base + path, data=body, method="POST")
        request.add_header("Referer", self.base + form_page)
        return self._send(request)


@pytest.fixture
def gunicorn_url() -> Iterator[str]:
    """The app under gunicorn's sync worker, as in production: one process whose database
    connection outlives a request (``DB_CONN_MAX_AGE``), so a restart leaves it dead."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings = connection.settings_dict
    env = {**os.environ, "DEBUG": "1", "DB_CONN_MAX_AGE": "600",
           "DATABASE_URL": f"postgres://{settings['USER']}@{settings['HOST'] or '127.0.0.1'}:"
                           f"{settings['PORT'] or 5432}/{settings['NAME']}"}
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "residency_planner.wsgi", "--workers", "1",
         "--bind", f"127.0.0.1:{port}", "--log-level", "warning"],
        cwd=Path(__file__).resolve().parent.parent, env=env)
    try:
        for _ in range(150):
            with socket.socket() as attempt:
                if attempt.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.1)
        else:
            pytest.fail("gunicorn did not start")
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_the_first_request_after_a_restart_succeeds(gunicorn_url, profile) -> None:  # noqa: F811
    client = Client()
    client.force_login(profile.user)
    browser = Browser(gunicorn_url, client.cookies["sessionid"].value)
    list_page = f"/applicants/{profile.pk}/list/"
    assert browser.get(list_page)[0] == 200  # the worker now holds a connection

    postgresql_restart()
    connection.close()  # this process's own connection died with the server too

    status, page = browser.get(list_page)
    assert status == 200, page[:500]


def test_an_upload_cut_by_a_restart_applies_nothing(
    live_server, profile, monkeypatch,  # noqa: F811
) -> None:
    client = Client()
    client.force_login(profile.user)
    browser = Browser(live_server.url, client.cookies["sessionid"].value)
    list_page = f"/applicants/{profile.pk}/list/"
    first, second = tracker_ids(profile)[:2]
    upload(client, profile, edit(download(client, profile), {
        first: {"Status": "Applied"}, second: {"Notes": "Called the coordinator"}}))
    token = client.session[f"tracker_upload_{profile.pk}"]["token"]
    before = tracking_state(profile)
    write_events = EntryEvent.objects.bulk_create

    def restart_then_write(*args, **kwargs):
        postgresql_restart()  # the entries are updated; their events are not yet written
        return write_events(*args, **kwargs)

    monkeypatch.setattr(EntryEvent.objects, "bulk_create", restart_then_write)
    confirm_page = f"/applicants/{profile.pk}/tracker/confirm/"
    status, _ = browser.post(confirm_page, confirm_page, {"token": token})
    monkeypatch.undo()

    assert status == 500
    assert browser.get(list_page)[0] == 200
    connection.close()
    assert tracking_state(profile) == before
    assert not EntryEvent.objects.filter(kind=EntryEvent.Kind.UPLOAD).exists()
