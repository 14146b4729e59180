from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('tiering', '0014_budget_what_if_with_the_groups'),
    ]

    operations = [
        migrations.AddField(
            model_name='listgroups',
            name='first_candidates',
            field=models.JSONField(blank=True, null=True),
        ),
    ]
