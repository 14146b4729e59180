"""Stated preferences the applicant misses: the points they cost, and what to ask the program
when it does not say whether a stated condition is required."""

from __future__ import annotations

from tiering.scoring.context import _cite, _Context
from tiering.scoring.inputs import C_PREFERENCES, PREFERRED, STRICT, YES, ProgramFacts
from tiering.scoring.results import Reason
from tiering.scoring.text import Text, gettext_noop, ngettext
from tiering.scoring.weights import (
    PENALTY_PREFERRED_ATTEMPTS,
    PENALTY_PREFERRED_STEP2,
    PENALTY_PREFERRED_STEP3,
    PENALTY_PREFERRED_USCE,
    PENALTY_PREFERRED_YOG,
)


def _preferences(
    ctx: _Context, p: ProgramFacts, reasons: list[Reason], to_verify: list[str]
) -> tuple[float, bool]:
    """(penalty points, a stated attempts preference is missed)."""
    a = ctx.applicant
    penalties = 0.0
    attempts_missed = False
    if (
        p.max_years_since_graduation is not None
        and p.max_years_since_graduation_strictness != STRICT
        and ctx.years > p.max_years_since_graduation
    ):
        penalties += _penalty(
            reasons,
            to_verify,
            p,
            "max_years_since_graduation",
            p.max_years_since_graduation_strictness,
            PENALTY_PREFERRED_YOG,
            ngettext("graduation within %(n)s year", "graduation within %(n)s years",
                     p.max_years_since_graduation, n=p.max_years_since_graduation),
            gettext_noop("you graduated %(ago)s", ago=ctx.ago),
        )
    if p.min_step2_score is not None:
        if a.step2_score is None:
            to_verify.append(
                gettext_noop(
                    "States a Step 2 CK minimum of %(minimum)s (required): aim for it when you "
                    "sit the exam",
                    minimum=p.min_step2_score,
                )
                if p.min_step2_strictness == STRICT
                else gettext_noop(
                    "States a Step 2 CK minimum of %(minimum)s: aim for it when you sit the "
                    "exam",
                    minimum=p.min_step2_score,
                )
            )
        elif p.min_step2_strictness != STRICT and a.step2_score < p.min_step2_score:
            penalties += _penalty(
                reasons,
                to_verify,
                p,
                "min_step2_score",
                p.min_step2_strictness,
                PENALTY_PREFERRED_STEP2,
                gettext_noop("a Step 2 CK of at least %(minimum)s", minimum=p.min_step2_score),
                gettext_noop("yours is %(score)s", score=a.step2_score),
            )
    if (
        p.max_attempts_per_step is not None
        and p.max_attempts_per_step_strictness != STRICT
        and ctx.max_failures >= p.max_attempts_per_step
    ):
        attempts_missed = True
        limit = p.max_attempts_per_step
        what = (
            gettext_noop("every Step passed on the first attempt")
            if limit == 1
            else gettext_noop("each Step passed within %(limit)s attempts", limit=limit)
        )
        penalties += _penalty(
            reasons,
            to_verify,
            p,
            "max_attempts_per_step",
            p.max_attempts_per_step_strictness,
            PENALTY_PREFERRED_ATTEMPTS,
            what,
            ngettext("you have %(n)s failed attempt", "you have %(n)s failed attempts",
                     ctx.total_failures, n=ctx.total_failures),
        )
    if p.min_usce_months_strictness == STRICT and p.min_usce_months is None:
        to_verify.append(ngettext(
            "Requires hands-on US clinical experience but does not say how much: confirm "
            "that your %(n)s month are enough",
            "Requires hands-on US clinical experience but does not say how much: confirm "
            "that your %(n)s months are enough",
            a.usce_hands_on_months, n=a.usce_hands_on_months,
        ))
    elif p.min_usce_months_strictness != STRICT:
        needed = p.min_usce_months
        if needed is None and p.min_usce_months_strictness == PREFERRED:
            needed = 1  # "preferred, amount not stated": any hands-on month meets it
        if needed is not None and a.usce_hands_on_months < needed:
            what = (
                ngettext("%(n)s month of hands-on US clinical experience",
                         "%(n)s months of hands-on US clinical experience", needed, n=needed)
                if p.min_usce_months is not None
                else gettext_noop("hands-on US clinical experience")
            )
            penalties += _penalty(
                reasons,
                to_verify,
                p,
                "min_usce_months",
                p.min_usce_months_strictness,
                PENALTY_PREFERRED_USCE,
                what,
                gettext_noop("you have %(months)s", months=a.usce_hands_on_months),
            )
    if p.step3_required == YES and p.step3_strictness != STRICT and not a.step3_passed:
        penalties += _penalty(
            reasons,
            to_verify,
            p,
            "step3_required",
            p.step3_strictness,
            PENALTY_PREFERRED_STEP3,
            gettext_noop("Step 3 passed"),
            gettext_noop("you have not passed it"),
        )
    return penalties, attempts_missed


def _penalty(
    reasons: list[Reason],
    to_verify: list[Text],
    p: ProgramFacts,
    key: str,
    strictness: str,
    points: float,
    what: Text,
    yours: Text,
) -> float:
    """Record a missed stated preference (``what`` the program states, ``yours`` the
    applicant's side of it); returns the points to subtract."""
    if strictness == PREFERRED:
        text = gettext_noop("Prefers %(what)s; %(yours)s%(cite)s", what=what, yours=yours,
                            cite=_cite(p, key))
    else:
        text = gettext_noop("States %(what)s; %(yours)s%(cite)s", what=what, yours=yours,
                            cite=_cite(p, key))
        to_verify.append(gettext_noop(
            "The program states %(what)s but not whether it is required: ask", what=what
        ))
    reasons.append(Reason(component=C_PREFERENCES, points=-points, text=text))
    return points
