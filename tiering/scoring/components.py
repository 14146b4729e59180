"""Scoring one eligible program: its components, stated preferences, tier and confidence."""

from __future__ import annotations

from tiering.scoring.context import (
    _SETTING_NAMES,
    _cite,
    _Context,
    _fact_age_penalty,
    _fmt_pct,
    _plural,
)
from tiering.scoring.gates import _gates, stale_no
from tiering.scoring.inputs import (
    BORDER_REGION_KM,
    C_ATTEMPTS,
    C_BORDER,
    C_IMG,
    C_PREFERENCES,
    C_STEP2,
    C_USCE,
    C_VISA,
    C_YOG,
    NO,
    PREFERRED,
    STRICT,
    YES,
    ProgramFacts,
)
from tiering.scoring.results import ProgramResult, Reason, Tier, _result
from tiering.scoring.tiers import _tier
from tiering.scoring.weights import (
    CONF_AGE_3_4,
    CONF_AGE_5_PLUS,
    CONF_BORDER_UNKNOWN,
    CONF_FLOOR,
    CONF_IMG_ALL_IMG_ONLY,
    CONF_IMG_NOTHING,
    CONF_IMG_SETTING_ONLY,
    CONF_VISA_UNKNOWN,
    CONF_YEAR_UNKNOWN,
    FACT_AGE_VERIFY,
    IMG_SHARE_FULL_CREDIT_PCT,
    NON_US_IMG_SHARE_FULL_CREDIT_PCT,
    PENALTY_PREFERRED_ATTEMPTS,
    PENALTY_PREFERRED_STEP2,
    PENALTY_PREFERRED_STEP3,
    PENALTY_PREFERRED_USCE,
    PENALTY_PREFERRED_YOG,
    SETTING_FRIENDLINESS,
    STALE_NO_CHANGE_RATE,
    UNKNOWN_FRIENDLINESS,
    VISA_UNKNOWN_CREDIT,
    WEIGHT_VISA,
)

# ---------------------------------------------------------------------------------------------
# Scoring one program
# ---------------------------------------------------------------------------------------------


def _non_us_share_is_newest(p: ProgramFacts) -> bool:
    """One rule for IMG presence: the newest figure decides, and figures of different years are
    never combined. The non-US-citizen share is used when it is as new as the total IMG share
    (the same source and year: Residency Explorer gives both); a newer total (FREIDA 2025 for
    Internal Medicine) decides on its own, and the older non-US share is only mentioned."""
    if p.non_us_img_share_pct is None:
        return False
    if p.img_share_pct is None:
        return True
    total_year = p.fact_years.get("img_share_pct")
    non_us_year = p.fact_years.get("non_us_img_share_pct")
    return total_year is None or non_us_year is None or total_year <= non_us_year


def _img_component(
    ctx: _Context, p: ProgramFacts, weight: float
) -> tuple[float, bool, Reason, float]:
    """(friendliness 0-1, IMG share known, reason with the points, confidence penalty).

    Cached per applicant on everything the answer depends on (value, year, source, weight).
    """
    years = p.fact_years
    if _non_us_share_is_newest(p):
        key: tuple = (
            "n",
            p.non_us_img_share_pct,
            years.get("non_us_img_share_pct"),
            p.fact_sources.get("non_us_img_share_pct"),
            weight,
        )
    elif p.img_share_pct is not None:
        key = (
            "a",
            p.img_share_pct,
            years.get("img_share_pct"),
            p.fact_sources.get("img_share_pct"),
            weight,
            p.non_us_img_share_pct,
            years.get("non_us_img_share_pct"),
        )
    else:
        key = ("s", p.setting, years.get("setting"), weight)
    cached = ctx.img_cache.get(key)
    if cached is None:
        cached = ctx.img_cache[key] = _img_uncached(ctx, p, key[0], weight)
    return cached


def _img_uncached(
    ctx: _Context, p: ProgramFacts, kind: str, weight: float
) -> tuple[float, bool, Reason, float]:
    as_of = ctx.applicant.as_of_year
    if kind == "n":
        value = p.non_us_img_share_pct or 0.0
        friend = min(1.0, value / NON_US_IMG_SHARE_FULL_CREDIT_PCT)
        text = f"Non-US IMGs are {_fmt_pct(value)} of residents here" + _cite(
            p, "non_us_img_share_pct"
        )
        known = True
        penalty = _fact_age_penalty(p, "non_us_img_share_pct", as_of)
    elif kind == "a":
        value = p.img_share_pct or 0.0
        friend = min(1.0, value / IMG_SHARE_FULL_CREDIT_PCT)
        text = f"IMGs are {_fmt_pct(value)} of residents here" + _cite(p, "img_share_pct")
        older = p.fact_years.get("non_us_img_share_pct")
        if p.non_us_img_share_pct is not None and older is not None:
            # Mentioned with its year, never combined with the newer total.
            text += (f"; non-US-citizen IMGs were {_fmt_pct(p.non_us_img_share_pct)} in "
                     f"{older}, an older figure not used here")
        else:
            text += "; how many are non-US citizens is not known"
        known = True
        penalty = CONF_IMG_ALL_IMG_ONLY + _fact_age_penalty(p, "img_share_pct", as_of)
    else:
        known = False
        friend = SETTING_FRIENDLINESS.get(p.setting, UNKNOWN_FRIENDLINESS)
        if p.setting in SETTING_FRIENDLINESS:
            text = (
                f"IMG share unknown; estimated from the {_SETTING_NAMES[p.setting]} setting "
                "(community IM programs give 55-70% of first-year posts to IMGs, university "
                "programs 22-30%: Reddy et al., JGIM 2021)"
            )
            penalty = CONF_IMG_SETTING_ONLY + _fact_age_penalty(p, "setting", as_of)
        else:
            text = "IMG share and program setting unknown: counted as low until known"
            penalty = CONF_IMG_NOTHING
    reason = Reason(component=C_IMG, points=round(weight * friend, 1), text=text)
    return friend, known, reason, penalty


def _visa_component(ctx: _Context, p: ProgramFacts) -> tuple[bool, Reason]:
    """(the needed visa is known to be taken, reason). Called only for eligible programs."""
    if not ctx.needs_visa:
        key: tuple = ("none",)
        reason = ctx.visa_cache.get(key)
        if reason is None:
            reason = ctx.visa_cache[key] = Reason(
                component=C_VISA, points=WEIGHT_VISA, text="You need no visa"
            )
        return True, reason
    status = p.j1_accepted if ctx.visa == "j1" else p.h1b_sponsored
    fact = ctx.visa_key
    key = (status, p.fact_years.get(fact), p.fact_sources.get(fact))
    reason = ctx.visa_cache.get(key)
    if reason is None:
        if status == YES:
            verb = "Takes J-1 visas" if ctx.visa == "j1" else "Sponsors H-1B visas"
            reason = Reason(component=C_VISA, points=WEIGHT_VISA, text=verb + _cite(p, fact))
        elif status == NO:  # only a stale "no" reaches here: a current one is a gate
            reason = Reason(
                component=C_VISA, points=0.0,
                text=(f"Said no {ctx.visa_name} visa{_cite(p, fact)}; about "
                      f"{STALE_NO_CHANGE_RATE} such answers changed by 2025: check first"),
            )
        else:
            reason = Reason(
                component=C_VISA,
                points=round(WEIGHT_VISA * VISA_UNKNOWN_CREDIT, 1),
                text=f"Whether this program takes a {ctx.visa_name} visa is unknown: half credit",
            )
        ctx.visa_cache[key] = reason
    return status == YES, reason


def _score(ctx: _Context, p: ProgramFacts) -> ProgramResult:
    hard = _gates(ctx, p)
    if hard:
        return _not_eligible(ctx, p, hard)
    code = p.specialty_code or p.acgme_id[:3]
    spec = ctx.specs.get(code) or ctx.spec(code)
    friend, share_known, img_reason, conf_penalty = _img_component(ctx, p, spec.weight_img)
    visa_known, visa_reason = _visa_component(ctx, p)
    img_points = img_reason.points
    visa_points = visa_reason.points
    total = img_points + spec.step2_points + visa_points + ctx.base_points
    reasons = [
        img_reason,
        spec.step2_reason,
        ctx.attempts_reason,
        visa_reason,
        ctx.yog_reason,
        ctx.usce_reason,
    ]
    components = {
        C_IMG: img_points,
        C_STEP2: spec.step2_points,
        C_ATTEMPTS: ctx.attempts_reason.points,
        C_VISA: visa_points,
        C_YOG: ctx.yog_reason.points,
        C_USCE: ctx.usce_reason.points,
        C_BORDER: 0.0,
        C_PREFERENCES: 0.0,
    }
    to_verify = [] if share_known else [ctx.verify_img_unknown]
    confidence = 1.0 - conf_penalty - spec.conf_penalty

    # The needed visa: known, unknown or old.
    if ctx.needs_visa:
        if visa_known:
            year = p.fact_years.get(ctx.visa_key)
            if year is None:
                confidence -= CONF_YEAR_UNKNOWN
            elif ctx.applicant.as_of_year - year >= 3:
                age = ctx.applicant.as_of_year - year
                confidence -= CONF_AGE_5_PLUS if age >= 5 else CONF_AGE_3_4
                if age >= FACT_AGE_VERIFY:
                    to_verify.append(
                        f"The {ctx.visa_name} policy on file is from {year}: "
                        "confirm it for this season"
                    )
        else:
            confidence -= CONF_VISA_UNKNOWN
            old_no = stale_no(ctx, p)
            if old_no is not None:
                to_verify.insert(0, (
                    f"Check first: no {ctx.visa_name} in {old_no}; about {STALE_NO_CHANGE_RATE} "
                    "such answers changed by 2025. Ask the program before you apply"))
            else:
                to_verify.append(ctx.verify_visa_unknown)

    # Border mission fit.
    in_border = p.in_border_region
    if in_border is None and p.border_distance_km is not None:
        in_border = p.border_distance_km <= BORDER_REGION_KM
    if in_border:
        reasons.append(ctx.border_reason)
        total += ctx.border_reason.points
        components[C_BORDER] = ctx.border_reason.points
    elif in_border is None:
        confidence -= CONF_BORDER_UNKNOWN

    # Stated preferences the applicant misses, and requirement notes.
    first_attempt_pref_missed = False
    if (
        p.max_years_since_graduation is not None
        or p.min_step2_score is not None
        or p.max_attempts_per_step is not None
        or p.min_usce_months_strictness
        or p.step3_required == YES
    ):
        penalties, first_attempt_pref_missed = _preferences(ctx, p, reasons, to_verify)
        if penalties:
            total -= penalties
            components[C_PREFERENCES] = round(-penalties, 1)

    score = round(total)
    score = 100 if score > 100 else 0 if score < 0 else score
    tier, notes = _tier(
        ctx, score, friend, share_known, visa_known, spec, p.setting, first_attempt_pref_missed
    )
    old_no = stale_no(ctx, p)
    if old_no is not None and tier > Tier.TIER_3:
        # An old "no" is not a closed door, but not a realistic program either until checked.
        tier = Tier.TIER_3
        notes = (f"Tier 3 at best until checked: the program said no {ctx.visa_name} in "
                 f"{old_no}", *notes)
    confidence = CONF_FLOOR if confidence < CONF_FLOOR else round(confidence, 2)
    return _result(
        p.acgme_id,
        True,
        tier,
        score,
        confidence,
        (),
        tuple(reasons),
        notes,
        tuple(to_verify),
        components,
    )


def _not_eligible(ctx: _Context, p: ProgramFacts, hard: list[str]) -> ProgramResult:
    """A gated program. Confidence falls when the refusing visa fact is undated; an old "no"
    never gates (it is a "check first", see ``stale_no``), so none is left to verify here."""
    conf = 1.0
    if ctx.needs_visa:
        status = p.j1_accepted if ctx.visa == "j1" else p.h1b_sponsored
        if status == NO:
            conf -= _fact_age_penalty(p, ctx.visa_key, ctx.applicant.as_of_year)
    conf = round(max(CONF_FLOOR, conf), 2)
    return _result(
        p.acgme_id, False, Tier.NOT_ELIGIBLE, 0, conf, tuple(hard), (), (), (), {}
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
            f"graduation within {_plural(p.max_years_since_graduation, 'year')}"
            f"; you graduated {ctx.ago}",
        )
    if p.min_step2_score is not None:
        if a.step2_score is None:
            to_verify.append(
                f"States a Step 2 CK minimum of {p.min_step2_score}"
                f"{' (required)' if p.min_step2_strictness == STRICT else ''}: aim "
                "for it when you sit the exam"
            )
        elif p.min_step2_strictness != STRICT and a.step2_score < p.min_step2_score:
            penalties += _penalty(
                reasons,
                to_verify,
                p,
                "min_step2_score",
                p.min_step2_strictness,
                PENALTY_PREFERRED_STEP2,
                f"a Step 2 CK of at least {p.min_step2_score}; yours is {a.step2_score}",
            )
    if (
        p.max_attempts_per_step is not None
        and p.max_attempts_per_step_strictness != STRICT
        and ctx.max_failures >= p.max_attempts_per_step
    ):
        attempts_missed = True
        limit = p.max_attempts_per_step
        what = (
            "every Step passed on the first attempt"
            if limit == 1
            else f"each Step passed within {limit} attempts"
        )
        penalties += _penalty(
            reasons,
            to_verify,
            p,
            "max_attempts_per_step",
            p.max_attempts_per_step_strictness,
            PENALTY_PREFERRED_ATTEMPTS,
            f"{what}; you have {_plural(ctx.total_failures, 'failed attempt')}",
        )
    if p.min_usce_months_strictness == STRICT and p.min_usce_months is None:
        to_verify.append(
            "Requires hands-on US clinical experience but does not say how much: "
            f"confirm that your {_plural(a.usce_hands_on_months, 'month')} are "
            "enough"
        )
    elif p.min_usce_months_strictness != STRICT:
        needed = p.min_usce_months
        if needed is None and p.min_usce_months_strictness == PREFERRED:
            needed = 1  # "preferred, amount not stated": any hands-on month meets it
        if needed is not None and a.usce_hands_on_months < needed:
            what = (
                f"{_plural(needed, 'month')} of hands-on US clinical experience"
                if p.min_usce_months is not None
                else "hands-on US clinical experience"
            )
            penalties += _penalty(
                reasons,
                to_verify,
                p,
                "min_usce_months",
                p.min_usce_months_strictness,
                PENALTY_PREFERRED_USCE,
                f"{what}; you have {a.usce_hands_on_months}",
            )
    if p.step3_required == YES and p.step3_strictness != STRICT and not a.step3_passed:
        penalties += _penalty(
            reasons,
            to_verify,
            p,
            "step3_required",
            p.step3_strictness,
            PENALTY_PREFERRED_STEP3,
            "Step 3 passed; you have not passed it",
        )
    return penalties, attempts_missed


def _penalty(
    reasons: list[Reason],
    to_verify: list[str],
    p: ProgramFacts,
    key: str,
    strictness: str,
    points: float,
    what: str,
) -> float:
    """Record a missed stated preference; returns the points to subtract."""
    if strictness == PREFERRED:
        text = f"Prefers {what}" + _cite(p, key)
    else:
        text = f"States {what}" + _cite(p, key)
        to_verify.append(
            f"The program states {what.split(';')[0]} but not whether it is required: ask"
        )
    reasons.append(Reason(component=C_PREFERENCES, points=-points, text=text))
    return points
