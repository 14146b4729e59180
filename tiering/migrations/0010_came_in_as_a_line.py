"""A list build's ``came_in`` as one line of ACGME ids instead of a JSON array
(tiering.ids_field), existing rows rewritten both ways. The column becomes text first, holding
each array as JSON text (which the field reads), and is rewritten after; on the way back it is
rewritten as JSON first, so that the column can become JSON again."""

import json

import tiering.ids_field
from django.db import migrations


def _rewrite(schema_editor, convert) -> None:
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, came_in FROM tiering_listbuild")
        changed = [(new, pk) for pk, stored in cursor.fetchall()
                   if (new := convert(stored)) != stored]
        cursor.executemany("UPDATE tiering_listbuild SET came_in = %s WHERE id = %s", changed)
        if connection.vendor == "postgresql":
            # The updates may leave foreign-key checks pending, which would refuse the
            # ALTER TABLE of the same table later in the transaction.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def came_in_as_lines(apps, schema_editor) -> None:
    _rewrite(schema_editor, lambda stored: tiering.ids_field.encode(
        tiering.ids_field.decode(stored)))


def came_in_as_json(apps, schema_editor) -> None:
    _rewrite(schema_editor, lambda stored: json.dumps(tiering.ids_field.decode(stored)))


class Migration(migrations.Migration):

    dependencies = [
        ('tiering', '0009_unindexed_program_and_actor'),
    ]

    operations = [
        migrations.AlterField(
            model_name='listbuild',
            name='came_in',
            field=tiering.ids_field.IdsField(blank=True, default=list),
        ),
        migrations.RunPython(came_in_as_lines, came_in_as_json),
    ]
