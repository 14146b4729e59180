"""How a row of the list reads in one glance: its top reason, and the notices that many rows
of a tier share said once above the tier instead of once per row."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from django import template
from django.utils.translation import gettext, gettext_noop

register = template.Library()

# A notice shared by at least this many rows of a tier is said once, above the tier.
SHARED_BY = 2


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
