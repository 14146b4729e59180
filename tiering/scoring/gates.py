"""Hard gates: only a strict program statement or the law makes a program Not eligible."""

from __future__ import annotations

from tiering.scoring.context import _cite, _Context
from tiering.scoring.inputs import NO, STRICT, US_CITIZEN, USMLE_MAX_ATTEMPTS, YES, ProgramFacts
from tiering.scoring.text import Text, gettext_noop, ngettext
from tiering.scoring.weights import ARMED_FORCES_LAW

# ---------------------------------------------------------------------------------------------
# Gates
# ---------------------------------------------------------------------------------------------

# A gate is (text, the program fact it rests on); law gates rest on no program fact (""), so
# they never age. A program fact's age decides whether its gate closes the program or only
# caps it (components._is_stale, components._score).
Gate = tuple[Text, str]


def _gates(ctx: _Context, p: ProgramFacts) -> list[Gate]:
    """Hard reasons, each from a strict program statement or from the law."""
    a = ctx.applicant
    out: list[Gate] = []
    # USMLE: 4 failed attempts on any Step end eligibility (usmle.org attempt limit; F2.6).
    if ctx.max_failures >= USMLE_MAX_ATTEMPTS:
        steps = ", ".join(step for step, n in ctx.failed_steps if n >= USMLE_MAX_ATTEMPTS)
        out.append((
            gettext_noop(
                "%(n)s failed attempts on %(steps)s: the USMLE attempt limit ends eligibility "
                "for residency (USMLE, Attempt limit, 2021)",
                n=USMLE_MAX_ATTEMPTS, steps=steps,
            ),
            "",
        ))
    # Texas: each Step passed within 3 attempts (Tex. Occ. Code §155.056(a); F6.12).
    if ctx.max_failures >= 3 and p.state.upper() == "TX":
        steps = ", ".join(step for step, n in ctx.failed_steps if n >= 3)
        out.append((
            gettext_noop(
                "Texas law requires each Step passed within 3 attempts (Texas Occupations "
                "Code §155.056); you have 3 or more failed attempts on %(steps)s",
                steps=steps,
            ),
            "",
        ))
    # Armed forces: residents are commissioned officers; a commission needs US citizenship.
    if p.armed_forces == YES and a.citizenship != US_CITIZEN:
        out.append((
            gettext_noop(
                "An armed-forces program: its residents are commissioned officers, and a "
                "commission requires US citizenship (%(law)s)",
                law=ARMED_FORCES_LAW,
            ),
            "",
        ))
    # Visa (program policy) and H-1B law. A fact on which sources disagree is not a gate.
    if ctx.needs_visa:
        if p.citizens_only == YES and "citizens_only" not in p.conflicts:
            out.append((
                gettext_noop(
                    "Takes only US citizens and permanent residents%(cite)s; you need a "
                    "%(visa)s visa",
                    cite=_cite(p, "citizens_only"), visa=ctx.visa_name,
                ),
                "citizens_only",
            ))
        if ctx.visa == "j1" and p.j1_accepted == NO and "j1_accepted" not in p.conflicts:
            out.append((
                gettext_noop("Does not take J-1 visas%(cite)s", cite=_cite(p, "j1_accepted")),
                "j1_accepted",
            ))
        if ctx.visa == "h1b":
            if p.h1b_sponsored == NO and "h1b_sponsored" not in p.conflicts:
                out.append((
                    gettext_noop(
                        "Does not sponsor H-1B visas%(cite)s", cite=_cite(p, "h1b_sponsored")
                    ),
                    "h1b_sponsored",
                ))
            if not a.step3_passed:
                out.append((
                    gettext_noop(
                        "An H-1B for residency requires USMLE Step 3 passed (HHS 1992 "
                        "FLEX-equivalence); you have not passed Step 3"
                    ),
                    "",
                ))
    # Program-stated strict limits.
    if (
        p.max_years_since_graduation_strictness == STRICT
        and p.max_years_since_graduation is not None
        and ctx.years > p.max_years_since_graduation
    ):
        out.append((
            ngettext(
                "Requires graduation within %(n)s year; you graduated %(ago)s%(cite)s",
                "Requires graduation within %(n)s years; you graduated %(ago)s%(cite)s",
                p.max_years_since_graduation, n=p.max_years_since_graduation, ago=ctx.ago,
                cite=_cite(p, "max_years_since_graduation"),
            ),
            "max_years_since_graduation",
        ))
    if (
        p.min_step2_strictness == STRICT
        and p.min_step2_score is not None
        and a.step2_score is not None
        and a.step2_score < p.min_step2_score
    ):
        out.append((
            gettext_noop(
                "Requires a Step 2 CK of at least %(minimum)s; yours is %(score)s%(cite)s",
                minimum=p.min_step2_score, score=a.step2_score, cite=_cite(p, "min_step2_score"),
            ),
            "min_step2_score",
        ))
    if p.min_usce_months_strictness == STRICT:
        if p.min_usce_months is None:
            if a.usce_hands_on_months == 0:
                out.append((
                    gettext_noop(
                        "Requires hands-on US clinical experience; you have none%(cite)s",
                        cite=_cite(p, "min_usce_months"),
                    ),
                    "min_usce_months",
                ))
        elif a.usce_hands_on_months < p.min_usce_months:
            out.append((
                ngettext(
                    "Requires %(n)s month of hands-on US clinical experience; you have "
                    "%(yours)s%(cite)s",
                    "Requires %(n)s months of hands-on US clinical experience; you have "
                    "%(yours)s%(cite)s",
                    p.min_usce_months, n=p.min_usce_months, yours=a.usce_hands_on_months,
                    cite=_cite(p, "min_usce_months"),
                ),
                "min_usce_months",
            ))
    if (
        p.max_attempts_per_step_strictness == STRICT
        and p.max_attempts_per_step is not None
        and ctx.max_failures >= p.max_attempts_per_step
    ):
        out.append((
            _attempts_text(p.max_attempts_per_step, ctx, _cite(p, "max_attempts_per_step")),
            "max_attempts_per_step",
        ))
    if p.step3_required == YES and p.step3_strictness == STRICT and not a.step3_passed:
        out.append((
            gettext_noop(
                "Requires USMLE Step 3 passed; you have not passed it%(cite)s",
                cite=_cite(p, "step3_required"),
            ),
            "step3_required",
        ))
    return out


def _attempts_text(limit: int, ctx: _Context, cite: Text) -> Text:
    steps = ", ".join(step for step, n in ctx.failed_steps if n >= limit)
    if limit == 1:
        return gettext_noop(
            "Requires every Step passed on the first attempt; you have a failed attempt on "
            "%(steps)s%(cite)s",
            steps=steps, cite=cite,
        )
    return gettext_noop(
        "Requires each Step passed within %(limit)s attempts; you have %(limit)s or more "
        "failed attempts on %(steps)s%(cite)s",
        limit=limit, steps=steps, cite=cite,
    )
