"""How a list build's ``came_in`` (the ACGME ids of the programs a build brought in, in the
order it chose them) is kept on disk.

As a JSON array each id cost some fifteen bytes (a first build brings in about a hundred), as
a line of ids eleven; and ids of one specialty share their first three digits, written once
for a run of them: ``1404800001 +4800002 +4800003 1202500749 +2500750``. Python code reads and
writes the same list as before, and a backup holds the list too. A list the line cannot hold
(an id with a space or a leading ``+``, or the {"acgme_id", "name"} items of an earlier
version) is kept as compact JSON, and the line is written only when reading it back gives the
same list.
"""

from __future__ import annotations

import json

from django.db import models

SEPARATOR = " "
SAME_PREFIX = "+"
PREFIX = 3  # an ACGME id's specialty code


def encode(ids: list | None) -> str:
    if not ids:
        return ""
    line = _line(ids)
    if line is not None and decode(line) == ids:
        return line
    return json.dumps(ids, separators=(",", ":"))


def _line(ids: list) -> str | None:
    parts, previous = [], ""
    for item in ids:
        if not isinstance(item, str) or not item or SEPARATOR in item \
                or item[0] in (SAME_PREFIX, "["):
            return None
        if len(item) > PREFIX and len(previous) > PREFIX and item[:PREFIX] == previous[:PREFIX]:
            parts.append(SAME_PREFIX + item[PREFIX:])
        else:
            parts.append(item)
        previous = item
    return SEPARATOR.join(parts)


def decode(stored: str | list | None) -> list:
    if isinstance(stored, list):
        return stored
    if not stored:
        return []
    if stored.startswith("["):
        return json.loads(stored)
    ids, previous = [], ""
    for part in stored.split(SEPARATOR):
        item = previous[:PREFIX] + part[len(SAME_PREFIX):] if part.startswith(SAME_PREFIX) \
            else part
        ids.append(item)
        previous = item
    return ids


class IdsField(models.TextField):
    """A text column that reads and writes a list of ACGME ids (encode/decode above)."""

    def from_db_value(self, value, expression, connection):
        return decode(value)

    def to_python(self, value):
        return decode(value)

    def get_prep_value(self, value):
        if isinstance(value, list):
            return encode(value)
        return value

    def value_to_string(self, obj):
        # A backup keeps the list, as it did when the column was JSON.
        return self.value_from_object(obj)
