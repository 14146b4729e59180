"""The strategy panel on the list page: what it needs from Python, so the list's view need not
know about the strategy."""

from __future__ import annotations

from django import template
from django.db.models import Count, Q
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext

from applicants.models import Profile
from strategy.season import SOAP_MAX_APPLICATIONS, allowance_for, season_name
from tiering.models import ListEntry
from tiering.scoring.divisions import DIVISION_NAMES
from tiering.templatetags import planner

register = template.Library()


@register.simple_tag
def strategy_summary(profile: Profile) -> dict:
    """Signals planned of those allowed per specialty on the list (one query), the chosen
    divisions and the SOAP limit."""
    rows = (ListEntry.objects.on_list().filter(profile=profile)
            .values("program__specialty__code", "program__specialty__name")
            .annotate(planned=Count("pk", filter=Q(signal=True)))
            .order_by("program__specialty__name"))
    signals = []
    for row in rows:
        allowance = allowance_for(row["program__specialty__code"])
        if allowance:
            signals.append({"name": row["program__specialty__name"], "planned": row["planned"],
                            "total": allowance.total, "figures": allowance.season})
    return {
        "season": season_name(),
        "signals": signals,
        "divisions": [DIVISION_NAMES[d] for d in DIVISION_NAMES
                      if d in (profile.geographic_divisions or [])],
        "soap_max": SOAP_MAX_APPLICATIONS,
    }


_OPTIONS: dict[tuple[str | None, bool, str], SafeString] = {}


@register.filter
def signal_options(kind: str, tiered: bool) -> SafeString:
    """The options of a row's signal select, with what is planned selected: the same few
    strings for every row, made once per language rather than by template nodes per row."""
    key = (get_language(), bool(tiered), kind)
    if key not in _OPTIONS:
        choices = [("", gettext("None"))] + (
            [("gold", gettext("Gold")), ("silver", gettext("Silver"))] if tiered
            else [("signal", gettext("Signal"))])
        # Without kinds, any planned signal is the one "signal" option (as the form reads it).
        chosen = kind if tiered else ("signal" if kind else "")
        _OPTIONS[key] = mark_safe("".join(
            f'<option value="{value}"{" selected" if value and value == chosen else ""}>'
            f"{escape(label)}</option>" for value, label in choices))
    return _OPTIONS[key]


# The same tag as the list page's (tiering/templatetags/planner.py), for the strategy and SOAP
# pages' content (strategy.page_cache.cached_page gives the key).
register.tag("cached_page", planner.cached_page)
