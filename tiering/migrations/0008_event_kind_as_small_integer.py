"""A history event's kind kept as its place in EventKind (a small integer) instead of its name
(tiering.status.EventKindField): a new column filled from the old one, both ways."""

from django.db import migrations, models

import tiering.status


def names_to_places(apps, schema_editor) -> None:
    EntryEvent = apps.get_model("tiering", "EntryEvent")
    for name in tiering.status.EventKindField.NAMES:
        # The new field takes the name and writes its place.
        EntryEvent.objects.filter(kind=name).update(kind_place=name)


def places_to_names(apps, schema_editor) -> None:
    EntryEvent = apps.get_model("tiering", "EntryEvent")
    for name in tiering.status.EventKindField.NAMES:
        # The field reads and writes names: this filter is on the place, kept as an integer.
        EntryEvent.objects.filter(kind_place=name).update(kind=name)


class Migration(migrations.Migration):

    dependencies = [
        ('tiering', '0007_status_as_small_integer'),
    ]

    operations = [
        migrations.AddField(
            model_name='entryevent',
            name='kind_place',
            field=tiering.status.EventKindField(null=True),
        ),
        # Nullable for the moment of the change, so that the way back can add the old column
        # empty before filling it.
        migrations.AlterField(
            model_name='entryevent',
            name='kind',
            field=models.CharField(max_length=20, null=True),
        ),
        migrations.RunPython(names_to_places, places_to_names),
        migrations.AlterField(
            model_name='entryevent',
            name='kind_place',
            field=tiering.status.EventKindField(),
        ),
        migrations.RemoveField(
            model_name='entryevent',
            name='kind',
        ),
        migrations.RenameField(
            model_name='entryevent',
            old_name='kind_place',
            new_name='kind',
        ),
    ]
