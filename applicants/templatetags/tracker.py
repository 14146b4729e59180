"""What the tracker's template hooks need from Python: the status choices and the tracking
form, so that the list and explanation views need not know about the tracker."""

from __future__ import annotations

from django import template

from applicants.forms_tracker import TrackingForm
from applicants.models import ListEntry, Status

register = template.Library()


@register.simple_tag
def status_choices() -> list[tuple[str, str]]:
    return list(Status.choices)


@register.simple_tag
def tracking_form(entry: ListEntry) -> TrackingForm:
    return TrackingForm(instance=entry, auto_id="tracking_%s")
