"""The strategy panel on the list page: what it needs from Python, so the list's view need not
know about the strategy."""

from __future__ import annotations

from django import template
from django.db.models import Count, Q

from applicants.models import Profile
from strategy.season import SOAP_MAX_APPLICATIONS, allowance_for, season_name
from tiering.models import ListEntry
from tiering.scoring.divisions import DIVISION_NAMES

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
