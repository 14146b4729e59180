"""Writing what a rebuild computed for many list entries in one statement.

Django's bulk_update builds a CASE expression per field and row, which costs more in Python
than the rest of a rebuild when a score edit changes every row (120 rows, five fields). An
UPDATE ... FROM (VALUES ...) does the same in one statement; PostgreSQL and SQLite (3.33 or
newer) both name a VALUES list's columns column1, column2, ...
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connection

from tiering.choice_field import encode
from tiering.models import ListEntry

BATCH = 500


def update_computed(entries: Sequence[ListEntry]) -> None:
    """Store in_scope, computed_tier, score, confidence and choice of saved entries."""
    table = connection.ops.quote_name(ListEntry._meta.db_table)
    row = "(%s, %s, %s, %s, %s, %s)"
    # Kept as integers (tiering.scaled_field): the VALUES carry what the column holds.
    score, confidence = ListEntry._meta.get_field("score"), ListEntry._meta.get_field("confidence")
    with connection.cursor() as cursor:
        for start in range(0, len(entries), BATCH):
            batch = entries[start:start + BATCH]
            params: list = []
            for e in batch:
                params += [e.pk, e.computed_tier, score.get_prep_value(e.score),
                           confidence.get_prep_value(e.confidence), encode(e.choice),
                           e.in_scope]
            cursor.execute(
                f"UPDATE {table} SET computed_tier = v.column2, score = v.column3, "
                f"confidence = v.column4, choice = v.column5, in_scope = v.column6 "
                f"FROM (VALUES {', '.join([row] * len(batch))}) AS v "
                f"WHERE {table}.id = v.column1", params)
