"""Project-wide checks: migrations match the models, and the settings refuse bad values."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.django_db
def test_there_are_no_pending_migrations() -> None:
    out = io.StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)


def _settings_import(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY",
                                                               "ALLOWED_HOSTS"}}
    return subprocess.run(
        [sys.executable, "-c", "import residency_planner.settings"],
        cwd=ROOT, env={**clean, **env}, capture_output=True, text=True,
    )


def test_production_without_a_secret_key_fails_at_start() -> None:
    result = _settings_import({"DEBUG": "0", "ALLOWED_HOSTS": "example.org"})
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_a_bad_boolean_is_refused_loudly() -> None:
    result = _settings_import({"DEBUG": "perhaps"})
    assert result.returncode != 0
    assert "DEBUG must be a boolean" in result.stderr


def test_production_settings_load_with_secret_and_hosts() -> None:
    result = _settings_import(
        {"DEBUG": "0", "SECRET_KEY": "x" * 50, "ALLOWED_HOSTS": "example.org"}
    )
    assert result.returncode == 0, result.stderr


def test_robots_txt_opens_the_catalog_and_closes_the_account_pages(client) -> None:
    response = client.get("/robots.txt")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    rules = response.content.decode().splitlines()
    assert "Disallow: /accounts/" in rules and "Disallow: /admin/" in rules
    assert not any(rule.startswith("Disallow: /programs") for rule in rules)
