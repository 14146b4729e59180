"""What the tracker's template hooks need from Python: the status choices and the tracking
form's fields, so that the list and explanation views need not know about the tracker."""

from __future__ import annotations

from django import template
from django.utils import translation
from django.utils.html import format_html_join
from django.utils.safestring import SafeString

from programs.page_cache import part_rendered
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


# The tracking fields' HTML (seven crispy fields, about a third of the explanation page's
# rendering) depends only on the entry's tracked values, the language and the release: most
# entries are not tracked yet and share one rendering. It is kept in the shared cache under
# those, so a page's first view does not render the form again.
FIELDS_SECONDS = 24 * 3600


@register.simple_tag
def tracking_fields(entry: ListEntry) -> SafeString:
    """The tracking form's fields for this entry, with its values."""
    values = tuple(getattr(entry, name) for name in TrackingForm.Meta.fields)
    return part_rendered(
        "tracking-fields", (translation.get_language(), values), "tracker/_tracking_fields.html",
        lambda: {"form": TrackingForm(instance=entry, auto_id="tracking_%s")}, FIELDS_SECONDS)
