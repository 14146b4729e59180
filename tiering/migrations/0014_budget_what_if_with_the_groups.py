"""The budget what-if a build keeps moved from the list's row to the row of its groups
(ListGroups), which only a build writes: the list's row gets a new version on every tracking
save (ApplicantList.touch), and copied the what-if each time. Carried both ways."""

from django.db import migrations, models


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
    ]
