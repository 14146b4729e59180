"""What every ranked entry of a tier and specialty shares (how many the rule took of how many,
the next candidate left out) kept once per list, in a row of its own (ListGroups, written only
by a build that changes them), instead of on each entry (tiering.choice_field.split); existing
rows carried both ways. A group whose entries disagree (none should) keeps its entries' whole
lines, which read as before."""

from collections import defaultdict

import django.db.models.deletion
import tiering.choice_field as choice_field
from django.db import migrations, models


def _entries(cursor) -> dict[int, list[tuple[int, dict]]]:
    cursor.execute("SELECT id, profile_id, choice FROM tiering_listentry")
    by_profile = defaultdict(list)
    for pk, profile_id, stored in cursor.fetchall():
        by_profile[profile_id].append((pk, choice_field.decode(stored)))
    return by_profile


def _write(schema_editor, entries: list[tuple[str, int]],
           lists: list[tuple[int, str]]) -> None:
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        cursor.executemany("UPDATE tiering_listentry SET choice = %s WHERE id = %s", entries)
        cursor.executemany("INSERT INTO tiering_listgroups (profile_id, groups) VALUES (%s, %s)",
                           lists)
        if connection.vendor == "postgresql":
            # The updates may leave foreign-key checks pending, which would refuse an
            # ALTER TABLE of the same tables later in the transaction.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def groups_to_their_rows(apps, schema_editor) -> None:
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT profile_id FROM tiering_applicantlist")
        with_list = {row[0] for row in cursor.fetchall()}
        by_profile = _entries(cursor)
    entries, lists = [], []
    for profile_id, rows in by_profile.items():
        if profile_id not in with_list:
            continue
        split = [(pk, *choice_field.split(value)) for pk, value in rows]
        seen: dict = {}
        for _pk, _own, group in split:
            if group is not None:
                seen.setdefault(group[0], []).append(group[1])
        groups = {key: values[0] for key, values in seen.items()
                  if all(v == values[0] for v in values)}
        entries += [(choice_field.encode(own), pk) for pk, own, group in split
                    if group is not None and group[0] in groups]
        if groups:
            lists.append((profile_id, choice_field.encode_groups(groups)))
    _write(schema_editor, entries, lists)


def groups_to_entries(apps, schema_editor) -> None:
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT profile_id, groups FROM tiering_listgroups WHERE groups <> ''")
        groups = {pk: choice_field.decode_groups(stored) for pk, stored in cursor.fetchall()}
        by_profile = _entries(cursor)
    entries = []
    for profile_id, rows in by_profile.items():
        for pk, value in rows:
            whole = choice_field.joined(value, groups.get(profile_id, {}))
            if whole is not value:
                entries.append((choice_field.encode(whole), pk))
    _write(schema_editor, entries, [])


class Migration(migrations.Migration):

    dependencies = [
        ('applicants', '0001_initial'),
        ('tiering', '0010_came_in_as_a_line'),
    ]

    operations = [
        migrations.CreateModel(
            name='ListGroups',
            fields=[
                ('profile', models.OneToOneField(
                    on_delete=django.db.models.deletion.CASCADE, primary_key=True,
                    related_name='choice_groups', serialize=False, to='applicants.profile')),
                ('groups', models.TextField(blank=True, default='')),
            ],
        ),
        migrations.RunPython(groups_to_their_rows, groups_to_entries),
    ]
