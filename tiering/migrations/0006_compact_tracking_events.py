"""A tracking save kept in the history as one short line of raw values (tiering.event_changes)
instead of its words. Rows written before keep their words, which read the same; going back
writes the words of every line into the columns the earlier code reads."""

from django.db import migrations, models

from tiering import event_changes


def lines_as_words(apps, schema_editor) -> None:
    EntryEvent = apps.get_model("tiering", "EntryEvent")
    for event in EntryEvent.objects.exclude(changes="").only("pk", "changes").iterator():
        text, before, after = event_changes.shown(event.changes)
        EntryEvent.objects.filter(pk=event.pk).update(text=text, before=before, after=after,
                                                      changes="")


class Migration(migrations.Migration):

    dependencies = [
        ('tiering', '0005_smaller_entries'),
    ]

    operations = [
        migrations.AddField(
            model_name='entryevent',
            name='changes',
            field=models.TextField(blank=True),
        ),
        migrations.RunPython(migrations.RunPython.noop, lines_as_words),
    ]
