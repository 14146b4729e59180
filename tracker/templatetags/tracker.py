"""What the tracker's template hooks need from Python: the status choices and the tracking
form, so that the list and explanation views need not know about the tracker."""

from __future__ import annotations

from django import template
from django.utils.html import format_html_join
from django.utils.safestring import SafeString

from tiering.models import ListEntry, Status
from tracker.forms import TrackingForm

register = template.Library()


STATUS_CHOICES: list[tuple[str, str]] = list(Status.choices)


# The <option> list of the status select for each current status, built once: the list page
# renders it on every row, and a template loop per row was the page's largest cost (pyinstrument).
STATUS_OPTIONS: dict[str, SafeString] = {
    current: format_html_join(
        "", '<option value="{}"{}>{}</option>',
        ((value, " selected" if value == current else "", label)
         for value, label in STATUS_CHOICES),
    )
    for current, _ in STATUS_CHOICES
}


@register.simple_tag
def status_options(current: str) -> SafeString:
    return STATUS_OPTIONS[current]


@register.simple_tag
def tracking_form(entry: ListEntry) -> TrackingForm:
    return TrackingForm(instance=entry, auto_id="tracking_%s")
