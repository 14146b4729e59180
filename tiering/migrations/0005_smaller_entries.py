"""Smaller list entries and history: the entry's choice as one short line instead of JSON
(tiering.choice_field, existing rows rewritten both ways), no index that another index already
answers, and room left in each page of entries so that a tracking save rewrites its row in
place instead of moving it (PostgreSQL's fillfactor)."""

import json

import django.db.models.deletion
import tiering.choice_field
from django.conf import settings
from django.db import migrations, models

# Per cent of each page of list entries filled by new rows; the rest is kept for the row's
# next version when its tracking is saved (a "heap-only" update: no new index entries).
ENTRY_FILLFACTOR = 85


def _rewrite(schema_editor, convert) -> None:
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, choice FROM tiering_listentry")
        rows = [(convert(stored), pk) for pk, stored in cursor.fetchall()]
        changed = [(new, pk) for new, pk in rows if new is not None]
        cursor.executemany("UPDATE tiering_listentry SET choice = %s WHERE id = %s", changed)
        if connection.vendor == "postgresql":
            # The updates leave foreign-key checks pending, which would refuse the next
            # ALTER TABLE of the same transaction.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def choices_as_lines(apps, schema_editor) -> None:
    def convert(stored):
        value = json.loads(stored) if isinstance(stored, str) and stored.startswith("{") \
            else stored
        return tiering.choice_field.encode(value) if isinstance(value, dict) else None
    _rewrite(schema_editor, convert)


def choices_as_json(apps, schema_editor) -> None:
    def convert(stored):
        return json.dumps(tiering.choice_field.decode(stored or ""))
    _rewrite(schema_editor, convert)


def came_in_as_ids(apps, schema_editor) -> None:
    ListBuild = apps.get_model("tiering", "ListBuild")
    for build in ListBuild.objects.all().only("pk", "came_in"):
        ids = [item["acgme_id"] if isinstance(item, dict) else item for item in build.came_in]
        if ids != build.came_in:
            ListBuild.objects.filter(pk=build.pk).update(came_in=ids)


def came_in_with_names(apps, schema_editor) -> None:
    ListBuild = apps.get_model("tiering", "ListBuild")
    Program = apps.get_model("programs", "Program")
    for build in ListBuild.objects.all().only("pk", "came_in"):
        ids = [item for item in build.came_in if isinstance(item, str)]
        if ids:
            names = dict(Program.objects.filter(acgme_id__in=ids)
                         .values_list("acgme_id", "name"))
            ListBuild.objects.filter(pk=build.pk).update(came_in=[
                {"acgme_id": item, "name": names.get(item, item)} if isinstance(item, str)
                else item for item in build.came_in])


def set_fillfactor(apps, schema_editor, value: int = ENTRY_FILLFACTOR) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE tiering_listentry SET (fillfactor = {value})")


def reset_fillfactor(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE tiering_listentry RESET (fillfactor)")


class Migration(migrations.Migration):

    dependencies = [
        ('applicants', '0006_profile_geographic_divisions_and_more'),
        ('programs', '0006_program_imported_values'),
        ('tiering', '0004_applicantlist_content_stamp'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='listentry',
            name='tiering_lis_profile_63c489_idx',
        ),
        migrations.AlterField(
            model_name='entryevent',
            name='created_at',
            field=models.DateTimeField(auto_now_add=True),
        ),
        migrations.AlterField(
            model_name='listbuild',
            name='created_at',
            field=models.DateTimeField(auto_now_add=True),
        ),
        migrations.AlterField(
            model_name='listentry',
            name='choice',
            field=tiering.choice_field.ChoiceField(blank=True, default=dict),
        ),
        migrations.RunPython(choices_as_lines, choices_as_json),
        migrations.AlterField(
            model_name='listentry',
            name='override_by',
            field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AlterField(
            model_name='listentry',
            name='profile',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='entries', to='applicants.profile'),
        ),
        migrations.AddIndex(
            model_name='listentry',
            index=models.Index(condition=models.Q(('override_by__isnull', False)), fields=['override_by'], name='entry_override_by'),
        ),
        migrations.RunPython(set_fillfactor, reset_fillfactor),
        migrations.RunPython(came_in_as_ids, came_in_with_names),
    ]
