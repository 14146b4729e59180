from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('tiering', '0003_applicantlist_profile_version'),
    ]

    operations = [
        migrations.AddField(
            model_name='applicantlist',
            name='content_stamp',
            field=models.PositiveIntegerField(default=0),
        ),
    ]
