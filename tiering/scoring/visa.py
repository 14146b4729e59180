"""The visa component of an eligible program: the needed visa taken, unknown, disputed or
answered "no" too long ago to rely on."""

from __future__ import annotations

from tiering.scoring.context import _cite, _Context
from tiering.scoring.inputs import C_VISA, NO, YES, ProgramFacts
from tiering.scoring.results import Reason
from tiering.scoring.text import gettext_noop
from tiering.scoring.weights import VISA_UNKNOWN_CREDIT, WEIGHT_VISA


def _visa_component(ctx: _Context, p: ProgramFacts) -> tuple[bool, Reason]:
    """(the needed visa is known to be taken, reason). Called only for eligible programs, so a
    "no" here is a stale one (capped, not closed) and counts as unknown until checked."""
    if not ctx.needs_visa:
        key: tuple = ("none",)
        reason = ctx.visa_cache.get(key)
        if reason is None:
            reason = ctx.visa_cache[key] = Reason(
                component=C_VISA, points=WEIGHT_VISA, text=gettext_noop("You need no visa")
            )
        return True, reason
    fact = ctx.visa_key
    status = p.j1_accepted if ctx.visa == "j1" else p.h1b_sponsored
    if fact in p.conflicts:
        status = "conflict"
    key = (status, p.fact_years.get(fact), p.fact_sources.get(fact))
    reason = ctx.visa_cache.get(key)
    if reason is None:
        half = round(WEIGHT_VISA * VISA_UNKNOWN_CREDIT, 1)
        if status == YES:
            text = (
                gettext_noop("Takes J-1 visas%(cite)s", cite=_cite(p, fact)) if ctx.visa == "j1"
                else gettext_noop("Sponsors H-1B visas%(cite)s", cite=_cite(p, fact))
            )
            reason = Reason(component=C_VISA, points=WEIGHT_VISA, text=text)
        elif status == "conflict":
            reason = Reason(
                component=C_VISA,
                points=half,
                text=gettext_noop(
                    "The sources disagree on whether this program takes a %(visa)s visa: half "
                    "credit until checked",
                    visa=ctx.visa_name,
                ),
            )
        elif status == NO:
            reason = Reason(
                component=C_VISA,
                points=half,
                text=gettext_noop(
                    "The %(visa)s answer on file is \"no\"%(cite)s, too old to rely on: half "
                    "credit until checked",
                    visa=ctx.visa_name, cite=_cite(p, fact),
                ),
            )
        else:
            reason = Reason(
                component=C_VISA,
                points=half,
                text=gettext_noop(
                    "Whether this program takes a %(visa)s visa is unknown: half credit",
                    visa=ctx.visa_name,
                ),
            )
        ctx.visa_cache[key] = reason
    return status == YES, reason
