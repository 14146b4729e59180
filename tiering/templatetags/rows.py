"""How a row of the list reads in one glance: its top reason, and the notices that many rows
of a tier share said once above the tier instead of once per row."""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Iterable

from django import template
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import gettext, gettext_noop

register = template.Library()

# A notice shared by at least this many rows of a tier is said once, above the tier.
SHARED_BY = 2


# Digits, which every converter of the rows' addresses takes, and no address holds by chance.
_MARK = "80935712640"
_PLAIN = re.compile(r"[A-Za-z0-9_.~-]+\Z")


@functools.lru_cache(maxsize=64)
def _address_parts(viewname: str, count: int, prefix: str, urlconf: object
                   ) -> tuple[str, ...] | None:
    """The view's address cut around its ``count`` arguments, or None when it cannot be."""
    marks = [f"{_MARK}{i}" for i in range(count)]
    rest = reverse(viewname, args=marks, urlconf=urlconf)
    parts = []
    for mark in marks:
        before, found, rest = rest.partition(mark)
        if not found:
            return None
        parts.append(before)
    parts.append(rest)
    if any(_MARK in part for part in parts):
        return None
    return tuple(parts)


@register.simple_tag
def row_url(viewname: str, *args: object) -> str:
    """``{% url %}`` for the rows of a long table: each view's address is reversed once per
    process and the row's ids filled in (reversing 800 links cost a fifth of the list page's
    rendering). Values an address would quote are reversed as ``{% url %}`` does."""
    values = [str(a) for a in args]
    parts = _address_parts(viewname, len(values), get_script_prefix(), get_urlconf())
    if parts is None or not all(_PLAIN.match(v) for v in values):
        return reverse(viewname, args=args)
    out = [parts[0]]
    for value, part in zip(values, parts[1:], strict=True):
        out += (value, part)
    return "".join(out)


@register.filter
def top_reason(explanation: dict) -> str:
    """The reason that gave the most points; the rest are on the program's page."""
    reasons = [r for r in explanation.get("reasons", []) if r.get("text")]
    if not reasons:
        return ""
    return max(reasons, key=lambda r: r.get("points") or 0)["text"]


@register.simple_tag
def shared_notices(rows: Iterable) -> list[tuple[str, int]]:
    """The "verify" notices several rows of a tier share, each with how many rows share it."""
    counts = Counter(item for entry in rows
                     for item in dict.fromkeys(entry.explanation.get("to_verify", [])))
    return [(item, n) for item, n in counts.most_common() if n >= SHARED_BY]


@register.simple_tag
def own_notices(entry, shared: list[tuple[str, int]]) -> list[str]:
    """The row's notices that are not said above its tier."""
    said = {item for item, _ in shared}
    return [item for item in entry.explanation.get("to_verify", []) if item not in said]


# Texts the product stores in English and shows later (a build's cause, a tracked field's old
# and new value): marked here so that the catalogue has them.
STORED_TEXTS = (
    gettext_noop("Your profile changed"),
    gettext_noop("The catalog or the scoring model changed"),
    gettext_noop("Rebuilt on request"),
    gettext_noop("Status"), gettext_noop("Signal"), gettext_noop("Notes"),
    gettext_noop("Date applied"), gettext_noop("Interview date"),
)


@register.filter
def stored(text: object) -> str:
    """A text stored in English (a status, a tier, a build's cause) in the reader's language;
    what has no translation (a date, a name, a user's note) stays as it is."""
    if not text:
        return text
    text = str(text)
    whole = gettext(text)
    if whole != text or not (", " in text or ": " in text):
        return whole
    # One tracking save that changed several fields is one event: its fields read
    # "Status, Signal" and its values "Status: Applied; Signal: -" (tracker.tracking._event).
    if ": " in text:
        return "; ".join(_label_and_value(part) for part in text.split("; "))
    return ", ".join(gettext(part) for part in text.split(", "))


def _label_and_value(part: str) -> str:
    label, colon, value = part.partition(": ")
    return gettext(label) + colon + (gettext(value) if value else "")
