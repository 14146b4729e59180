"""Less stored per applicant: no index on a list entry's program nor on a history event's actor
(only deleting a program or a user looks rows up by them, and a scan finds them as surely), and
a ranked choice's line in its short form (tiering.choice_field: no code, the next candidate's
ACGME id after its specialty's code), existing rows rewritten both ways."""

import django.db.models.deletion
import tiering.choice_field
from django.conf import settings
from django.db import migrations, models


def _rewrite(schema_editor, short: bool) -> None:
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, choice FROM tiering_listentry")
        changed = []
        for pk, stored in cursor.fetchall():
            if not stored or stored.startswith("{"):
                continue  # JSON (a value no line holds) stays as it is
            line = tiering.choice_field.encode(tiering.choice_field.decode(stored), short=short)
            if line != stored:
                changed.append((line, pk))
        cursor.executemany("UPDATE tiering_listentry SET choice = %s WHERE id = %s", changed)
        if connection.vendor == "postgresql":
            # The updates may leave foreign-key checks pending, which would refuse an index
            # made or dropped on the same table later in the transaction.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def choices_short(apps, schema_editor) -> None:
    _rewrite(schema_editor, short=True)


def choices_long(apps, schema_editor) -> None:
    _rewrite(schema_editor, short=False)


class Migration(migrations.Migration):

    dependencies = [
        ('programs', '0006_program_imported_values'),
        ('tiering', '0008_event_kind_as_small_integer'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name='entryevent',
            name='actor',
            field=models.ForeignKey(db_index=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AlterField(
            model_name='listentry',
            name='program',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='programs.program'),
        ),
        migrations.RunPython(choices_short, choices_long),
    ]
