"""A history event's kind kept as its place in EventKind (a small integer) instead of its name
(tiering.status.EventKindField), both ways.

The column's type is changed in place (the names turned into places first, then the column
altered) rather than a new column added and the old one dropped: PostgreSQL keeps a dropped
column in every row written after as a null, and the null bitmap that needs made each row
eight bytes longer, more than the integer saves."""

from django.db import migrations

import tiering.status


def _rename_values(schema_editor, model, pairs: list[tuple[str, str]]) -> None:
    quote = schema_editor.quote_name
    column = quote(model._meta.get_field("kind").column)
    cases = " ".join("WHEN %s THEN %s" for _ in pairs)
    params = [value for pair in pairs for value in pair]
    schema_editor.execute(
        f"UPDATE {quote(model._meta.db_table)} SET {column} = CASE {column} {cases} "
        f"ELSE {column} END", params)


def _place_field(model):
    field = tiering.status.EventKindField()
    field.set_attributes_from_name("kind")
    field.model = model
    return field


def names_to_places(apps, schema_editor) -> None:
    EntryEvent = apps.get_model("tiering", "EntryEvent")
    names = tiering.status.EventKindField.NAMES
    _rename_values(schema_editor, EntryEvent,
                   [(name, str(place)) for place, name in enumerate(names)])
    schema_editor.alter_field(EntryEvent, EntryEvent._meta.get_field("kind"),
                              _place_field(EntryEvent))


def places_to_names(apps, schema_editor) -> None:
    EntryEvent = apps.get_model("tiering", "EntryEvent")
    schema_editor.alter_field(EntryEvent, _place_field(EntryEvent),
                              EntryEvent._meta.get_field("kind"))
    names = tiering.status.EventKindField.NAMES
    _rename_values(schema_editor, EntryEvent,
                   [(str(place), name) for place, name in enumerate(names)])


class Migration(migrations.Migration):

    dependencies = [
        ('tiering', '0007_status_as_small_integer'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='entryevent',
                    name='kind',
                    field=tiering.status.EventKindField(),
                ),
            ],
            database_operations=[
                migrations.RunPython(names_to_places, places_to_names),
            ],
        ),
    ]
