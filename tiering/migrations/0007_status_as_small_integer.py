"""A list entry's tracking status kept as its place in Status (a small integer) instead of its
name (tiering.status.StatusField): a new column filled from the old one, both ways."""

from django.db import migrations

import tiering.status


def names_to_places(apps, schema_editor) -> None:
    ListEntry = apps.get_model("tiering", "ListEntry")
    for place, name in enumerate(tiering.status.StatusField.NAMES):
        ListEntry.objects.filter(status=name).update(status_place=place)


def places_to_names(apps, schema_editor) -> None:
    ListEntry = apps.get_model("tiering", "ListEntry")
    for name in tiering.status.StatusField.NAMES:
        # The field reads and writes names: this filter is on the place, kept as an integer.
        ListEntry.objects.filter(status_place=name).update(status=name)


class Migration(migrations.Migration):

    dependencies = [
        ('tiering', '0006_compact_tracking_events'),
    ]

    operations = [
        migrations.AddField(
            model_name='listentry',
            name='status_place',
            field=tiering.status.StatusField(),
        ),
        migrations.RunPython(names_to_places, places_to_names),
        migrations.RemoveField(
            model_name='listentry',
            name='status',
        ),
        migrations.RenameField(
            model_name='listentry',
            old_name='status_place',
            new_name='status',
        ),
    ]
