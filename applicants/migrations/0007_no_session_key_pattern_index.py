"""No pattern index on the session key (PostgreSQL). Django makes one for every indexed text
column, for LIKE queries; sessions are only ever looked up by their whole key, which the
primary key answers. Each log-in writes two versions of a session row, each with an entry in
every index of the table. Made again on the way back."""

from django.db import migrations

INDEX = "django_session_session_key_c0390e0f_like"


def drop_index(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


def make_index(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {INDEX} ON django_session "
                              "USING btree (session_key varchar_pattern_ops)")


class Migration(migrations.Migration):

    dependencies = [
        ('applicants', '0006_profile_geographic_divisions_and_more'),
        ('sessions', '0001_initial'),
    ]

    operations = [migrations.RunPython(drop_index, make_index)]
