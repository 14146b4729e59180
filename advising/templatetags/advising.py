"""What the list and program pages need from the advisor feature, without changing their views:
whether the viewer is the client's advisor, the advisor's notes, an entry's history, the forms."""

from __future__ import annotations

from typing import Any

from django import template

from advising.forms import ExcludeForm, NoteForm, OverrideForm, RestoreForm
from advising.models import AdvisorNote
from applicants.access import is_linked_advisor
from applicants.models import Profile
from tiering.models import EntryEvent, ListEntry

register = template.Library()


@register.simple_tag(takes_context=True)
def viewer_is_advisor(context: template.Context, profile: Profile) -> bool:
    request = context.get("request")
    return request is not None and is_linked_advisor(request.user, profile)


def _notes_of(context: template.Context, profile_id: int) -> list[AdvisorNote]:
    """All the advisor notes of one list, read once per request: the list page asks for them
    in every row, and one query must serve them all."""
    request = context.get("request")
    memo: dict[int, list[AdvisorNote]] = getattr(request, "_advisor_notes", None) or {}
    if profile_id not in memo:
        memo[profile_id] = list(
            AdvisorNote.objects.filter(profile_id=profile_id)
            .select_related("author", "entry__program")
        )
        if request is not None:
            request._advisor_notes = memo
    return memo[profile_id]


@register.simple_tag(takes_context=True)
def advisor_notes(context: template.Context, profile: Profile) -> list[AdvisorNote]:
    return _notes_of(context, profile.pk)


@register.simple_tag(takes_context=True)
def general_notes(context: template.Context, profile: Profile) -> list[AdvisorNote]:
    """The advisor's notes on the list as a whole, newest first."""
    return [note for note in _notes_of(context, profile.pk) if note.entry_id is None]


@register.simple_tag(takes_context=True)
def program_notes(context: template.Context, profile: Profile) -> list[AdvisorNote]:
    """The advisor's notes on single programs of the list, newest first."""
    return [note for note in _notes_of(context, profile.pk) if note.entry_id is not None]


@register.simple_tag(takes_context=True)
def entry_notes(context: template.Context, entry: ListEntry) -> list[AdvisorNote]:
    return [note for note in _notes_of(context, entry.profile_id) if note.entry_id == entry.pk]


@register.simple_tag
def entry_history(entry: ListEntry) -> list[EntryEvent]:
    return list(entry.events.select_related("actor"))


@register.simple_tag
def advisor_forms(entry: ListEntry) -> dict[str, Any]:
    # Distinct ids: the four forms share one page, and two of them have a "reason" field.
    return {
        "override": OverrideForm(initial={"tier": entry.tier}, auto_id="id_override_%s"),
        "exclude": ExcludeForm(auto_id="id_exclude_%s"),
        "restore": RestoreForm(auto_id="id_restore_%s"),
        "note": NoteForm(initial={"entry": entry.pk}, auto_id="id_note_%s"),
    }
