"""What the tracker's template hooks need from Python: the status choices and the tracking
form, so that the list and explanation views need not know about the tracker."""

from __future__ import annotations

from django import template
from django.utils.html import format_html_join
from django.utils.safestring import SafeString

from tiering.models import ListEntry, Status
from tracker.forms import TrackingForm

register = template.Library()


@register.simple_tag
def status_options() -> SafeString:
    """The status menu's options, once per list page; tracker.js selects a row's own."""
    return format_html_join("", '<option value="{}">{}</option>', Status.choices)


@register.filter
def status_label(status: str) -> str:
    """A row's status in the reader's language, as ``get_status_display`` says it: that
    method hashes every choice's lazy label (a translation each) on every row."""
    try:
        return str(Status(status).label)
    except ValueError:
        return status


@register.simple_tag
def tracking_form(entry: ListEntry) -> TrackingForm:
    return TrackingForm(instance=entry, auto_id="tracking_%s")
