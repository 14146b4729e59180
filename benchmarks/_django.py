"""Start Django for a benchmark script on its own database.

A benchmark never touches the development database: it uses BENCH_DATABASE_URL, or a fresh
SQLite file in a temporary folder, or (with --postgres) a fresh PostgreSQL database on the local
server that is dropped at the end.
"""

from __future__ import annotations

import atexit
import io
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PG_ADMIN_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")
# Prefixed to every database a script creates, e.g. BENCH_DB_PREFIX=rp_h16_ on a shared server.
DB_PREFIX = os.environ.get("BENCH_DB_PREFIX", "")


def database_url(postgres: bool, name: str) -> str:
    if os.environ.get("BENCH_DATABASE_URL"):
        return os.environ["BENCH_DATABASE_URL"]
    if postgres:
        name = DB_PREFIX + name
        _recreate_pg_database(name)
        atexit.register(_drop_pg_database, name)
        return f"{PG_ADMIN_URL}/{name}"
    folder = tempfile.mkdtemp(prefix="rp-bench-")
    return f"sqlite:///{folder}/bench.sqlite3"


def _pg(sql: str) -> None:
    import psycopg

    with psycopg.connect(f"{PG_ADMIN_URL}/postgres", autocommit=True) as conn:
        conn.execute(sql)


def _recreate_pg_database(name: str) -> None:
    _pg(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    _pg(f'CREATE DATABASE "{name}"')


def _drop_pg_database(name: str) -> None:
    from django.db import connections

    connections.close_all()
    _pg(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def setup(*, postgres: bool = False, name: str = "rp_bench", load_catalog: bool = True) -> str:
    """Configure settings, migrate, and import the shipped catalog. Returns the database URL."""
    url = database_url(postgres, name)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DEBUG", "1")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "residency_planner.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    if load_catalog:
        call_command("import_catalog", str(ROOT / "fixtures" / "catalog.csv"),
                     stdout=io.StringIO())
    return url


def database_label(url: str) -> str:
    return "PostgreSQL" if url.startswith("postgres") else "SQLite"


@contextmanager
def production_server(url: str, port: int, *, workers: int = 2,
                      env: dict[str, str] | None = None) -> Iterator[Path]:
    """gunicorn with production settings (DEBUG off, whitenoise's compressed static files) on
    127.0.0.1:``port`` and the database at ``url``, stopped on leaving. Yields its scratch
    folder. SECRET_KEY comes from the environment: set it before ``setup`` when the script
    makes sessions for the server to read."""
    from django.db import connections

    connections.close_all()  # the server's workers must not inherit this process's connection
    work = Path(tempfile.mkdtemp(prefix="rp-serve-"))
    env = {**os.environ, "DEBUG": "0", "ALLOWED_HOSTS": "127.0.0.1", "SITE_HTTPS": "0",
           "DATABASE_URL": url, "STATIC_ROOT": str(work / "static"), "LOG_LEVEL": "WARNING",
           **(env or {})}
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
                   cwd=ROOT, env=env, check=True)
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "residency_planner.wsgi", "--workers", str(workers),
         "--bind", f"127.0.0.1:{port}", "--timeout", "60", "--log-level", "warning"],
        cwd=ROOT, env=env)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise SystemExit(f"gunicorn did not start on port {port}") from None
                time.sleep(0.3)
        yield work
    finally:
        server.terminate()
        server.wait(timeout=30)
