"""The catalog's version: what caches of catalog pages and of the scoring's inputs are keyed by.

It is read from the database (one indexed aggregate), not kept in a counter, so an import run
by a command in another process, an edit in the admin or a deletion changes it everywhere at
once, and no cache can outlive the catalog it was made from.
"""

from __future__ import annotations

from django.db.models import Count, Max

from programs.models import Program


def catalog_version() -> str:
    # Count and highest id see additions and deletions; the latest change sees edits (the
    # import sets updated_at itself, since bulk_update skips auto_now). A new specialty comes
    # with its programs.
    programs = Program.objects.aggregate(n=Count("pk"), top=Max("pk"), latest=Max("updated_at"))
    latest = programs["latest"].timestamp() if programs["latest"] else 0
    return f"{programs['n']}-{programs['top']}-{latest:.6f}"
