"""What a page prints beside a program's fact: its date when verified, its year when old
(programs.current decides both, for every reader)."""

from __future__ import annotations

from django import template

from programs import current
from programs.models import Program

register = template.Library()


@register.filter
def as_of(program: Program, key: str) -> str:
    """"verified on DATE" for a verified fact, the year of a stale one, else ""."""
    fact = current.fact(program, key)
    return fact.when if fact.known and (fact.verified or fact.stale) else ""


@register.filter
def when(program: Program, key: str) -> str:
    """"verified on DATE", the year, or "year not stated" (always: for figures)."""
    return current.fact(program, key).when


@register.filter
def whole(value: float) -> str:
    """A share as a whole number, rounded as the scoring's reasons round it (64.5 -> 64)."""
    return f"{value:.0f}"
