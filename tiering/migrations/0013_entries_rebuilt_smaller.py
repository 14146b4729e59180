"""Smaller list entries and history events on disk, with nothing read differently:

- a list entry's score and confidence kept as two-byte integers (the score, the confidence in
  hundredths: tiering.scaled_field) instead of eight-byte floats; a value that could not be
  kept exactly stops the migration rather than being rounded;
- on PostgreSQL, the two tables' columns in the order that wastes no alignment padding (the
  eight-byte ones first, then four, two and one, the texts last), which PostgreSQL fixes when
  a table is created: each table is made again under its name, with its rows, constraints,
  indexes, storage options and id sequence, and the foreign keys that point at it. Columns
  dropped by earlier migrations (which each row still counts) go with the old table.

SQLite stores rows without alignment: there Django changes the two columns' types. Both ways,
with the rows carried."""

from django.db import migrations

import tiering.scaled_field
from tiering.table_rebuild import rebuild as _rebuild

ENTRIES = "tiering_listentry"
EVENTS = "tiering_entryevent"
# Eight bytes, four, two, one, then variable length (texts, the fee's numeric).
ENTRY_COLUMNS = (
    "id", "profile_id", "program_id", "override_by_id", "override_at", "tracking_updated_at",
    "date_applied", "interview_date",
    "computed_tier", "score", "confidence", "override_tier", "override_computed_tier",
    "letters_sent", "status",
    "in_scope", "pinned", "added", "excluded", "signal",
    "choice", "notes", "fee", "override_reason", "excluded_reason",
)
EVENT_COLUMNS = ("id", "entry_id", "actor_id", "created_at", "kind",
                 "before", "after", "text", "changes")
# column: (type, expression reading the old column), both ways.
SMALLER = {"score": ("smallint", "round(score)::smallint"),
           "confidence": ("smallint", "round(confidence * 100)::smallint")}
FLOATS = {"score": ("double precision", "score::double precision"),
          "confidence": ("double precision", "confidence::double precision / 100")}


def _check_exact(cursor) -> None:
    """Refuse to go on when a stored score or confidence would not read back the same."""
    for column, scale in (("score", 1), ("confidence", 100)):
        cursor.execute(f"SELECT DISTINCT {column} FROM {ENTRIES}")
        for (value,) in cursor.fetchall():
            tiering.scaled_field.stored(value, scale)


def forwards(apps, schema_editor) -> None:
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        _check_exact(cursor)
        if connection.vendor == "postgresql":
            _rebuild(cursor, ENTRIES, ENTRY_COLUMNS, SMALLER)
            _rebuild(cursor, EVENTS, EVENT_COLUMNS, {})
        else:  # hundredths in the float column, which AlterFieldElsewhere then makes integer
            cursor.execute(f"UPDATE {ENTRIES} SET confidence = ROUND(confidence * 100)")


def backwards(apps, schema_editor) -> None:
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            _rebuild(cursor, ENTRIES, ENTRY_COLUMNS, FLOATS)
        else:  # AlterFieldElsewhere made the column a float again
            cursor.execute(f"UPDATE {ENTRIES} SET confidence = confidence / 100.0")


class AlterFieldElsewhere(migrations.AlterField):
    """The column's type changed by Django on SQLite; on PostgreSQL ``forwards`` and
    ``backwards`` have made the whole table again already."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state) -> None:
        if schema_editor.connection.vendor != "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state) -> None:
        if schema_editor.connection.vendor != "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class Migration(migrations.Migration):

    dependencies = [
        ('tiering', '0012_list_budget_what_if'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='listentry',
                    name='score',
                    field=tiering.scaled_field.ScaledFloatField(),
                ),
                migrations.AlterField(
                    model_name='listentry',
                    name='confidence',
                    field=tiering.scaled_field.ScaledFloatField(scale=100),
                ),
            ],
            database_operations=[
                migrations.RunPython(forwards, backwards),
                AlterFieldElsewhere(
                    model_name='listentry',
                    name='score',
                    field=tiering.scaled_field.ScaledFloatField(),
                ),
                AlterFieldElsewhere(
                    model_name='listentry',
                    name='confidence',
                    field=tiering.scaled_field.ScaledFloatField(scale=100),
                ),
            ],
        ),
    ]
