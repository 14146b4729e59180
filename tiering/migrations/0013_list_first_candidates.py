from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('tiering', '0012_list_budget_what_if'),
    ]

    operations = [
        migrations.AddField(
            model_name='applicantlist',
            name='first_candidates',
            field=models.JSONField(blank=True, null=True),
        ),
    ]
