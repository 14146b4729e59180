"""What the tracker's template hooks need from Python: the status choices and the tracking
form, so that the list and explanation views need not know about the tracker."""

from __future__ import annotations

from functools import cache

from django import template
from django.utils.html import format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from tiering.models import ListEntry, Status
from tracker.forms import TrackingForm

register = template.Library()


# The <option> list of the status select for each current status, built once per language:
# the list page renders it on every row, and a template loop per row was the page's largest cost
# (pyinstrument).
@cache
def _status_options(language: str | None) -> dict[str, SafeString]:
    choices = [(value, str(label)) for value, label in Status.choices]
    return {
        current: format_html_join(
            "", '<option value="{}"{}>{}</option>',
            ((value, " selected" if value == current else "", label)
             for value, label in choices),
        )
        for current, _ in choices
    }


@register.simple_tag
def status_options(current: str) -> SafeString:
    return _status_options(get_language())[current]


@register.simple_tag
def tracking_form(entry: ListEntry) -> TrackingForm:
    return TrackingForm(instance=entry, auto_id="tracking_%s")
