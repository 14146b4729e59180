"""Start Django for a benchmark script on its own database.

A benchmark never touches the development database: it uses BENCH_DATABASE_URL, or a fresh
SQLite file in a temporary folder, or (with --postgres) a fresh PostgreSQL database on the local
server that is dropped at the end.
"""

from __future__ import annotations

import atexit
import io
import os
import sys
import tempfile
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
