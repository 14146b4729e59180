"""How a list entry's ``choice`` (why the program is on the list, tiering.selection.Choice as
``{"code": ..., "params": {...}}``) is kept on disk.

As JSON with its long keys it was three quarters of a list entry's row (285 of 394 bytes), and
every applicant stores about a hundred entries. It is kept as one short line instead: the code,
then a ranked choice's values in a fixed order, e.g.
``ranked|1|400|7|11|30|81|0|79|Next Program Name`` (the next candidate's name last, so it may
hold any character). A list built since keeps the next candidate's ACGME id instead of its
name, marked by ``#``: ``ranked|1|400|7|11|30|81|0|79|#4000500123`` (the name, some fifty
characters repeated on every entry of a tier and specialty, is read from the catalog when the
list page says it, ``tiering.explain.next_candidates``). Such a line is now written shorter
still: without the code (a line that starts with a digit is a ranked choice, as a code never
does) and with the next candidate's ACGME id after its first three digits when they are the
specialty's code, as they are for every program of it (``=`` instead of ``#``):
``1|400|7|11|30|81|0|79|=0500123``, ten bytes fewer on each of some hundred entries per
applicant. Python code reads and writes the same dict as before: only the column changes. A
value that does not fit the line (another shape of params) is kept as compact JSON, and a line
is written only when reading it back gives the same dict, so nothing is lost.
"""

from __future__ import annotations

import json
from typing import Any

from django.db import models

SEPARATOR = "|"
# A ranked choice's params, in the order of the line; tiering.selection.Choice writes them.
RANKED = ("tier", "specialty", "rank", "taken", "available", "score", "border_first",
          "next_score", "next_name")
# The same with the next candidate's ACGME id (written with ID_MARK before it).
RANKED_BY_ID = (*RANKED[:-1], "next_id")
ID_MARK = "#"
# A ranked choice's part that every entry of its tier and specialty shares (how many the rule
# took of how many, the next candidate left out), kept once per list (ListGroups),
# and the part of the entry's own, which is all its line then holds: ``1|400|7|81|0``.
GROUP = ("taken", "available", "next_score", "next_id")
OWN = ("tier", "specialty", "rank", "score", "border_first")
# The next candidate's ACGME id after its specialty's code, in a line without the code.
SAME_SPECIALTY_MARK = "="


def encode(value: dict | None, *, short: bool = True) -> str:
    """The stored line for a choice (see the module's docstring); ``short=False``: a ranked
    choice's line with its code and the whole ACGME id, as written before the short form (the
    migration that introduced it writes them back)."""
    if not value:
        return ""
    line = _line(value, short=short)
    try:
        if line is not None and decode(line) == value:
            return line
    except ValueError:
        pass
    return json.dumps(value, separators=(",", ":"))


def _line(value: dict, *, short: bool = True) -> str | None:
    code, params = value.get("code"), value.get("params")
    if not isinstance(code, str) or not code or not code.isidentifier() \
            or set(value) != {"code", "params"} or not isinstance(params, dict):
        return None
    if not params:
        return code
    keys = next((keys for keys in (RANKED, RANKED_BY_ID, OWN) if set(params) == set(keys)),
                None)
    if keys is None:
        return None
    parts = [code]
    for key in keys:
        item = params[key]
        if key == "next_id":
            parts.append(ID_MARK + str(item or ""))
        elif key == "border_first":
            parts.append("1" if item else "0")
        elif item is None:
            parts.append("")
        else:
            parts.append(str(item))
    if any(SEPARATOR in part for part in parts[:-1]):
        return None
    if keys is OWN:
        return SEPARATOR.join(parts[1:]) if code == "ranked" else None
    if short and keys is RANKED_BY_ID and code == "ranked":
        # The short form (see the module's docstring); decode tells it by its first digit.
        specialty, following = str(params["specialty"]), parts[-1][len(ID_MARK):]
        if specialty and following.startswith(specialty):
            parts[-1] = SAME_SPECIALTY_MARK + following[len(specialty):]
        return SEPARATOR.join(parts[1:])
    return SEPARATOR.join(parts)


def decode(stored: str | dict | None) -> dict:
    """The choice as the readers use it, from a stored line or JSON (rows written before the
    line was introduced, and values that do not fit it)."""
    if isinstance(stored, dict):
        return stored
    if not stored:
        return {}
    if stored.startswith("{"):
        return json.loads(stored)
    if stored[0].isdigit():
        code, rest = "ranked", stored
    else:
        code, _, rest = stored.partition(SEPARATOR)
    if not rest:
        return {"code": code, "params": {}}
    values = rest.split(SEPARATOR, len(RANKED) - 1)
    if code == "ranked" and len(values) == len(OWN):
        keys = OWN
    else:
        keys = RANKED_BY_ID if values[-1][:1] in (ID_MARK, SAME_SPECIALTY_MARK) else RANKED
    params: dict[str, Any] = {}
    for key, text in zip(keys, values, strict=True):
        if key == "next_id":
            params[key] = text[len(ID_MARK):] if text.startswith(ID_MARK) \
                else values[1] + text[len(SAME_SPECIALTY_MARK):]
        elif key in ("specialty", "next_name"):
            params[key] = text
        elif key == "border_first":
            params[key] = text == "1"
        elif text == "":
            params[key] = None
        else:
            params[key] = int(text) if text.lstrip("-").isdigit() else float(text)
    return {"code": code, "params": params}


def split(value: dict) -> tuple[dict, tuple[tuple[int, str], dict] | None]:
    """A ranked choice (by id) as the entry's own part and its group's: ((tier, specialty),
    {taken, available, next_score, next_id}). Any other choice is its own, with no group."""
    params = value.get("params") or {}
    if value.get("code") != "ranked" or set(params) != set(RANKED_BY_ID):
        return value, None
    return ({"code": "ranked", "params": {key: params[key] for key in OWN}},
            ((params["tier"], params["specialty"]), {key: params[key] for key in GROUP}))


def joined(value: dict, groups: dict[tuple[int, str], dict]) -> dict:
    """The whole choice from the entry's own part and its list's groups (``split`` undone); a
    choice that holds its group's part already (written before the groups) is as it is."""
    params = value.get("params") or {}
    if value.get("code") != "ranked" or set(params) != set(OWN):
        return value
    group = groups.get((params["tier"], params["specialty"]))
    if group is None:
        return value
    return {"code": "ranked", "params": {**params, **group}}


def keep_group(value: dict, old: dict[tuple[int, str], dict],
               new: dict[tuple[int, str], dict]) -> dict | None:
    """For an entry a rebuild keeps without choosing it (removed by hand): its group's part
    from the list's ``old`` groups goes on into the ``new`` ones; if the new build gave the
    group other figures, the entry's whole choice is returned, to be written on the entry."""
    params = value.get("params") or {}
    if value.get("code") != "ranked" or set(params) != set(OWN):
        return None
    key = (params["tier"], params["specialty"])
    group = old.get(key)
    if group is None:
        return None
    if new.setdefault(key, group) == group:
        return None
    return joined(value, old)


def encode_groups(groups: dict[tuple[int, str], dict]) -> str:
    """The groups of a list, one line each: ``tier|specialty|taken|available|next_score|next_id``
    (as JSON if a value does not fit the line: reading it back must give the same groups)."""
    lines = []
    for (tier, specialty), group in sorted(groups.items(), key=lambda kv: (kv[0][0], kv[0][1])):
        values = [tier, specialty, *(group[key] for key in GROUP)]
        lines.append(SEPARATOR.join("" if v is None else str(v) for v in values))
    text = "\n".join(lines)
    if decode_groups(text) == groups:
        return text
    return json.dumps([[tier, specialty, group] for (tier, specialty), group in groups.items()],
                      separators=(",", ":"))


def decode_groups(stored: str) -> dict[tuple[int, str], dict]:
    if not stored:
        return {}
    if stored.startswith("["):
        return {(tier, specialty): group for tier, specialty, group in json.loads(stored)}
    groups = {}
    for line in stored.split("\n"):
        values = line.split(SEPARATOR)
        if len(values) != 2 + len(GROUP):
            return {}  # not a line of ours: encode_groups then keeps JSON
        tier, specialty, *rest = values
        group: dict[str, Any] = {}
        for key, text in zip(GROUP, rest, strict=True):
            if key == "next_id":
                group[key] = text
            elif text == "":
                group[key] = None
            else:
                group[key] = _number(text)
        groups[(_number(tier), specialty)] = group
    return groups


def _number(text: str) -> int | float:
    return int(text) if text.lstrip("-").isdigit() else float(text)


def attach_groups(entries, stored_groups: str) -> None:
    """Give the entries read from a list their whole choice (``joined``), from the list's
    stored groups (ListGroups)."""
    groups = decode_groups(stored_groups)
    if groups:
        for entry in entries:
            entry.choice = joined(entry.choice, groups)


class ChoiceField(models.TextField):
    """A text column that reads and writes the choice dict (encode/decode above)."""

    def from_db_value(self, value, expression, connection):
        return decode(value)

    def to_python(self, value):
        return decode(value)

    def get_prep_value(self, value):
        # A dict is encoded; a string is already what the column holds (a line or JSON).
        if isinstance(value, dict):
            return encode(value)
        return value

    def value_to_string(self, obj):
        return encode(self.value_from_object(obj))
