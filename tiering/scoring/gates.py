"""Hard gates: only a strict program statement or the law makes a program Not eligible."""

from __future__ import annotations

from tiering.scoring.context import _cite, _Context, _plural
from tiering.scoring.inputs import NO, STRICT, USMLE_MAX_ATTEMPTS, YES, ProgramFacts
from tiering.scoring.weights import STALE_ANSWER_SEASONS

# ---------------------------------------------------------------------------------------------
# Gates
# ---------------------------------------------------------------------------------------------


def stale_no(ctx: _Context, p: ProgramFacts) -> int | None:
    """The year of a "no" to the needed visa old enough to be checked rather than believed
    (weights.STALE_ANSWER_SEASONS); None when the answer is not such a "no"."""
    if not ctx.needs_visa or ctx.visa_key == "":
        return None
    status = p.j1_accepted if ctx.visa == "j1" else p.h1b_sponsored
    year = p.fact_years.get(ctx.visa_key)
    if status != NO or year is None:
        return None
    return year if ctx.applicant.as_of_year - year >= STALE_ANSWER_SEASONS else None


def _gates(ctx: _Context, p: ProgramFacts) -> list[str]:
    """Hard reasons, each from a strict program statement or from the law."""
    a = ctx.applicant
    out: list[str] = []
    # USMLE: 4 failed attempts on any Step end eligibility (usmle.org attempt limit; F2.6).
    if ctx.max_failures >= USMLE_MAX_ATTEMPTS:
        steps = ", ".join(step for step, n in ctx.failed_steps if n >= USMLE_MAX_ATTEMPTS)
        out.append(
            f"{USMLE_MAX_ATTEMPTS} failed attempts on {steps}: the USMLE attempt limit "
            "ends eligibility for residency (USMLE, Attempt limit, 2021)"
        )
    # Texas: each Step passed within 3 attempts (Tex. Occ. Code §155.056(a); F6.12).
    if ctx.max_failures >= 3 and p.state.upper() == "TX":
        steps = ", ".join(step for step, n in ctx.failed_steps if n >= 3)
        out.append(
            f"Texas law requires each Step passed within 3 attempts (Texas Occupations "
            f"Code §155.056); you have 3 or more failed attempts on {steps}"
        )
    # Armed forces: residents of Army, Navy and Air Force programs are commissioned officers,
    # and an original commission requires US citizenship (10 U.S.C. 532(a)(1)).
    if p.armed_forces and not a.us_citizen:
        out.append("An armed-forces program: its residents are commissioned officers, and a "
                   "commission requires US citizenship (10 U.S.C. 532)")
    # Visa (program policy) and H-1B law.
    if ctx.needs_visa:
        if p.citizens_only == YES:
            out.append(
                "Takes only US citizens and permanent residents"
                + _cite(p, "citizens_only")
                + f"; you need a {ctx.visa_name} visa"
            )
        if ctx.visa == "j1" and p.j1_accepted == NO and not stale_no(ctx, p):
            out.append("Does not take J-1 visas" + _cite(p, "j1_accepted"))
        if ctx.visa == "h1b":
            if p.h1b_sponsored == NO and not stale_no(ctx, p):
                out.append("Does not sponsor H-1B visas" + _cite(p, "h1b_sponsored"))
            if not a.step3_passed:
                out.append(
                    "An H-1B for residency requires USMLE Step 3 passed (HHS 1992 "
                    "FLEX-equivalence); you have not passed Step 3"
                )
    # Program-stated strict limits.
    if (
        p.max_years_since_graduation_strictness == STRICT
        and p.max_years_since_graduation is not None
        and ctx.years > p.max_years_since_graduation
    ):
        out.append(
            f"Requires graduation within {_plural(p.max_years_since_graduation, 'year')}; "
            f"you graduated {ctx.ago}" + _cite(p, "max_years_since_graduation")
        )
    if (
        p.min_step2_strictness == STRICT
        and p.min_step2_score is not None
        and a.step2_score is not None
        and a.step2_score < p.min_step2_score
    ):
        out.append(
            f"Requires a Step 2 CK of at least {p.min_step2_score}; yours is "
            f"{a.step2_score}" + _cite(p, "min_step2_score")
        )
    if p.min_usce_months_strictness == STRICT:
        if p.min_usce_months is None:
            if a.usce_hands_on_months == 0:
                out.append(
                    "Requires hands-on US clinical experience; you have none"
                    + _cite(p, "min_usce_months")
                )
        elif a.usce_hands_on_months < p.min_usce_months:
            out.append(
                f"Requires {_plural(p.min_usce_months, 'month')} of hands-on US "
                f"clinical experience; you have {a.usce_hands_on_months}"
                + _cite(p, "min_usce_months")
            )
    if (
        p.max_attempts_per_step_strictness == STRICT
        and p.max_attempts_per_step is not None
        and ctx.max_failures >= p.max_attempts_per_step
    ):
        out.append(
            _attempts_text("Requires", p.max_attempts_per_step, ctx)
            + _cite(p, "max_attempts_per_step")
        )
    if p.step3_required == YES and p.step3_strictness == STRICT and not a.step3_passed:
        out.append(
            "Requires USMLE Step 3 passed; you have not passed it" + _cite(p, "step3_required")
        )
    return out


def _attempts_text(verb: str, limit: int, ctx: _Context) -> str:
    steps = ", ".join(step for step, n in ctx.failed_steps if n >= limit)
    if limit == 1:
        return (
            f"{verb} every Step passed on the first attempt; you have a failed attempt on {steps}"
        )
    return (
        f"{verb} each Step passed within {limit} attempts; you have {limit} or more failed "
        f"attempts on {steps}"
    )
