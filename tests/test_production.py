"""Production settings: the deploy checklist is clean, headers are on, static files are
compressed and hashed. Each runs in a subprocess because settings are read at start-up."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def production_env(**extra: str) -> dict[str, str]:
    # DJANGO_ALLOW_ASYNC_UNSAFE belongs to the browser tests; check --deploy rightly flags it.
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY",
                                                             "ALLOWED_HOSTS",
                                                             "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    env.update(DEBUG="0", SECRET_KEY=secrets.token_urlsafe(50),
               ALLOWED_HOSTS="planner.example.org", **extra)
    return env


def run(args: list[str], **extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, *args], cwd=ROOT, env=production_env(**extra),
                          capture_output=True, text=True, timeout=300)


def test_check_deploy_reports_nothing_with_debug_off() -> None:
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"])

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


PROBE = """
import django, json, os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "residency_planner.settings")
django.setup()
from django.test import Client
from django.test.utils import setup_test_environment
setup_test_environment()
client = Client(HTTP_HOST="planner.example.org")
plain = client.get("/")
secure = client.get("/", secure=True)
print(json.dumps({"plain_status": plain.status_code, "plain_location": plain.get("Location"),
                  "status": secure.status_code, "headers": dict(secure.headers),
                  "cookies": {k: dict(v) for k, v in secure.cookies.items()}}))
"""


def test_production_responses_carry_the_security_headers(tmp_path: Path) -> None:
    static_root = tmp_path / "static"
    collect = run(["manage.py", "collectstatic", "--noinput", "-v0"],
                  STATIC_ROOT=str(static_root))
    assert collect.returncode == 0, collect.stderr

    result = run(["-c", PROBE], STATIC_ROOT=str(static_root))

    assert result.returncode == 0, result.stderr
    probe = json.loads(result.stdout.strip().splitlines()[-1])
    assert probe["plain_status"] == 301
    assert probe["plain_location"].startswith("https://")
    headers = probe["headers"]
    assert probe["status"] == 200
    assert headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert "default-src 'self'" in headers["Content-Security-Policy"]
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"


def test_static_files_are_hashed_and_compressed(tmp_path: Path) -> None:
    static_root = tmp_path / "static"

    result = run(["manage.py", "collectstatic", "--noinput", "-v0"],
                 STATIC_ROOT=str(static_root))

    assert result.returncode == 0, result.stderr
    manifest = json.loads((static_root / "staticfiles.json").read_text())
    hashed = manifest["paths"]["vendor/bootstrap/css/bootstrap.min.css"]
    assert hashed != "vendor/bootstrap/css/bootstrap.min.css"
    assert (static_root / hashed).exists()
    assert (static_root / (hashed + ".gz")).exists()
