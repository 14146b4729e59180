"""The budget what-if a build keeps moved from the list's row to the row of its groups
(ListGroups), which only a build writes: the list's row gets a new version on every tracking
save (ApplicantList.touch), and copied the what-if each time. Carried both ways. On PostgreSQL
the list's table is then made again with its columns in the order that wastes no alignment
padding and without the dropped column, which every new version of a row would still count
(tiering.table_rebuild); the order does not matter on the way back."""

from django.db import migrations, models

from tiering.table_rebuild import rebuild

LIST_COLUMNS = ("id", "profile_id", "built_at", "revision", "profile_version", "content_stamp",
                "target", "budget_limited", "scoring_version", "budget_note")


def list_table_rebuilt(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            rebuild(cursor, "tiering_applicantlist", LIST_COLUMNS, {})


def to_groups(apps, schema_editor) -> None:
    ApplicantList = apps.get_model("tiering", "ApplicantList")
    ListGroups = apps.get_model("tiering", "ListGroups")
    kept = ApplicantList.objects.filter(budget_what_if__isnull=False)
    for profile_id, what_if in kept.values_list("profile_id", "budget_what_if"):
        ListGroups.objects.update_or_create(profile_id=profile_id,
                                            defaults={"budget_what_if": what_if})


def to_list(apps, schema_editor) -> None:
    ApplicantList = apps.get_model("tiering", "ApplicantList")
    ListGroups = apps.get_model("tiering", "ListGroups")
    kept = ListGroups.objects.filter(budget_what_if__isnull=False)
    for profile_id, what_if in kept.values_list("profile_id", "budget_what_if"):
        ApplicantList.objects.filter(profile_id=profile_id).update(budget_what_if=what_if)


class Migration(migrations.Migration):

    dependencies = [
        ('tiering', '0013_entries_rebuilt_smaller'),
    ]

    operations = [
        migrations.AddField(
            model_name='listgroups',
            name='budget_what_if',
            field=models.JSONField(blank=True, null=True),
        ),
        migrations.RunPython(to_groups, to_list),
        migrations.RemoveField(
            model_name='applicantlist',
            name='budget_what_if',
        ),
        migrations.RunPython(list_table_rebuilt, migrations.RunPython.noop),
    ]
