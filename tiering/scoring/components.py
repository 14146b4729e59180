"""Scoring one eligible program: its components, stated preferences, tier and confidence."""

from __future__ import annotations

from tiering.scoring.context import (
    _SETTING_NAMES,
    _cite,
    _Context,
    _fact_age_penalty,
    _fmt_pct,
    _Spec,
)
from tiering.scoring.divisions import division_of
from tiering.scoring.gates import _gates
from tiering.scoring.inputs import (
    BORDER_REGION_KM,
    C_ATTEMPTS,
    C_BORDER,
    C_GEO,
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
from tiering.scoring.text import Text, gettext_noop, ngettext
from tiering.scoring.tiers import SCREENS_HIGHER_BAND_SD, TIER1_MIN_IMG_FRIENDLINESS, _tier
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
    J1_BOTH_YEARS,
    J1_CHANGED,
    J1_NO_IN_2021,
    J1_NO_TO_YES,
    NON_US_IMG_SHARE_FULL_CREDIT_PCT,
    PENALTY_PREFERRED_ATTEMPTS,
    PENALTY_PREFERRED_STEP2,
    PENALTY_PREFERRED_STEP3,
    PENALTY_PREFERRED_USCE,
    PENALTY_PREFERRED_YOG,
    SETTING_FRIENDLINESS,
    STALE_AFTER_SEASONS,
    UNKNOWN_FRIENDLINESS,
    VISA_UNKNOWN_CREDIT,
    WEIGHT_VISA,
)

# ---------------------------------------------------------------------------------------------
# Scoring one program
# ---------------------------------------------------------------------------------------------


def _img_figure(p: ProgramFacts) -> str:
    """Which IMG figure judges the program: "n" non-US share, "a" all-IMG share, "s" setting.

    One rule for the family (docs/scoring.md 3.2): figures of different years are never
    combined. Of two shares of one year, the one giving the higher credit decides (the non-US
    share counts visa-holding IMGs, the all-IMG share IMG credentials; each alone shows the
    program takes IMGs). When the total is newer, the total decides and the older non-US share
    is only mentioned. A year that is not stated counts as older than any stated year.
    """
    if p.non_us_img_share_pct is None:
        return "a" if p.img_share_pct is not None else "s"
    if p.img_share_pct is None:
        return "n"
    year_non_us = p.fact_years.get("non_us_img_share_pct") or 0
    year_all = p.fact_years.get("img_share_pct") or 0
    if year_all != year_non_us:
        return "a" if year_all > year_non_us else "n"
    non_us_credit = min(1.0, p.non_us_img_share_pct / NON_US_IMG_SHARE_FULL_CREDIT_PCT)
    all_credit = min(1.0, p.img_share_pct / IMG_SHARE_FULL_CREDIT_PCT)
    return "a" if all_credit > non_us_credit else "n"


def _img_component(
    ctx: _Context, p: ProgramFacts, weight: float
) -> tuple[float, bool, Reason, float, str]:
    """(friendliness 0-1, IMG share known, reason with the points, confidence penalty, the
    "not IMG-heavy" tier note citing the figure, or "").

    Cached per applicant on everything the answer depends on (value, year, source, weight).
    """
    years = p.fact_years
    kind = _img_figure(p)
    if kind == "n":
        key: tuple = (
            "n",
            p.non_us_img_share_pct,
            years.get("non_us_img_share_pct"),
            p.fact_sources.get("non_us_img_share_pct"),
            weight,
        )
    elif kind == "a":
        older = p.non_us_img_share_pct
        key = (
            "a",
            p.img_share_pct,
            years.get("img_share_pct"),
            p.fact_sources.get("img_share_pct"),
            weight,
            older,
            years.get("non_us_img_share_pct") if older is not None else None,
        )
    else:
        key = ("s", p.setting, years.get("setting"), weight)
    cached = ctx.img_cache.get(key)
    if cached is None:
        cached = ctx.img_cache[key] = _img_uncached(ctx, p, kind, weight)
    return cached


def _img_uncached(
    ctx: _Context, p: ProgramFacts, kind: str, weight: float
) -> tuple[float, bool, Reason, float, str]:
    as_of = ctx.applicant.as_of_year
    note: Text | str = ""
    if kind == "n":
        value = p.non_us_img_share_pct or 0.0
        friend = min(1.0, value / NON_US_IMG_SHARE_FULL_CREDIT_PCT)
        figure = gettext_noop(
            "Non-US IMGs are %(share)s of residents here%(cite)s",
            share=_fmt_pct(value), cite=_cite(p, "non_us_img_share_pct"),
        )
        text = figure
        known = True
        penalty = _fact_age_penalty(p, "non_us_img_share_pct", as_of)
        heavy = NON_US_IMG_SHARE_FULL_CREDIT_PCT * TIER1_MIN_IMG_FRIENDLINESS
    elif kind == "a":
        value = p.img_share_pct or 0.0
        friend = min(1.0, value / IMG_SHARE_FULL_CREDIT_PCT)
        figure = gettext_noop(
            "IMGs are %(share)s of residents here%(cite)s",
            share=_fmt_pct(value), cite=_cite(p, "img_share_pct"),
        )
        same_year = p.fact_years.get("non_us_img_share_pct") == p.fact_years.get(
            "img_share_pct"
        )
        if p.non_us_img_share_pct is None:
            text = gettext_noop(
                "%(figure)s; how many are non-US citizens is not known", figure=figure
            )
        elif same_year:
            text = gettext_noop(
                "%(figure)s; non-US citizens are %(share)s",
                figure=figure, share=_fmt_pct(p.non_us_img_share_pct),
            )
        else:
            # An older non-US share is not combined with a newer total: say so, with its year.
            old_year = p.fact_years.get("non_us_img_share_pct")
            text = gettext_noop(
                "%(figure)s; the non-US-citizen share on file is from %(year)s, too old to "
                "combine with it",
                figure=figure,
                year=str(old_year) if old_year else gettext_noop("a year not stated"),
            )
        known = True
        # Only the all-IMG share of that year is known: a little less certain.
        only_all = p.non_us_img_share_pct is None or not same_year
        penalty = CONF_IMG_ALL_IMG_ONLY * only_all + _fact_age_penalty(p, "img_share_pct", as_of)
        heavy = IMG_SHARE_FULL_CREDIT_PCT * TIER1_MIN_IMG_FRIENDLINESS
    else:
        known = False
        friend = SETTING_FRIENDLINESS.get(p.setting, UNKNOWN_FRIENDLINESS)
        if p.setting in SETTING_FRIENDLINESS:
            text = gettext_noop(
                "IMG share unknown; estimated from the %(setting)s setting (community IM "
                "programs give 55-70%% of first-year posts to IMGs, university programs "
                "22-30%%: Reddy et al., JGIM 2021)",
                setting=_SETTING_NAMES[p.setting],
            )
            penalty = CONF_IMG_SETTING_ONLY + _fact_age_penalty(p, "setting", as_of)
        else:
            text = gettext_noop(
                "IMG share and program setting unknown: counted as low until known"
            )
            penalty = CONF_IMG_NOTHING
    if known and friend < TIER1_MIN_IMG_FRIENDLINESS:
        # The note cites the very figure the facts table shows, so they cannot disagree.
        figure = figure.lower_first(english=kind == "n")  # "IMGs" keeps its capitals
        note = gettext_noop(
            "Tier 2 at best: %(figure)s, below the %(heavy)s of an IMG-heavy program",
            figure=figure, heavy=f"{heavy:.0f}%",
        )
    reason = Reason(component=C_IMG, points=round(weight * friend, 1), text=text)
    return friend, known, reason, penalty, note


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


def _is_stale(ctx: _Context, p: ProgramFacts, key: str) -> bool:
    """A program fact with a stated year STALE_AFTER_SEASONS or more seasons old. Law gates
    (key "") and undated facts are not stale: an undated program statement stays its word."""
    if not key:
        return False
    year = p.fact_years.get(key)
    return year is not None and ctx.applicant.as_of_year - year >= STALE_AFTER_SEASONS


def _check_first(ctx: _Context, p: ProgramFacts, text: Text, key: str) -> Text:
    """The "Check first" item for a stale closing answer, with the measured change rate."""
    year = p.fact_years.get(key)
    rate: Text | str = ""
    if key in ("j1_accepted", "h1b_sponsored", "citizens_only"):
        rate = gettext_noop(
            "; %(changed)s of %(both)s Internal Medicine programs answering in both 2021 and "
            "2025 changed their J-1 answer (about 1 in %(one_in)s), and %(no_to_yes)s of the "
            "%(no_in_2021)s that said no in 2021 listed J-1 in 2025",
            changed=J1_CHANGED, both=J1_BOTH_YEARS, one_in=round(J1_BOTH_YEARS / J1_CHANGED),
            no_to_yes=J1_NO_TO_YES, no_in_2021=J1_NO_IN_2021,
        )
    age = ctx.applicant.as_of_year - year
    return ngettext(
        "Check first: %(answer)s; that answer is from %(year)s, %(n)s season old%(rate)s: "
        "verify before applying",
        "Check first: %(answer)s; that answer is from %(year)s, %(n)s seasons old%(rate)s: "
        "verify before applying",
        age, answer=text.lower_first(), year=year, n=age, rate=rate,
    )


# The lower edge of each AAMC Residency Explorer score band (programs.models.ScoreBand).
_BAND_LOWER = {"210_225": 210, "226_235": 226, "236_245": 236, "above_245": 246}
_BAND_NAMES = {"210_225": "210-225", "226_235": "226-235", "236_245": "236-245",
               "above_245": gettext_noop("more than 245")}


def _screens_higher(ctx: _Context, p: ProgramFacts, spec: _Spec) -> Text | str:
    """The program's own evidence that it screens higher than the applicant's Step 2 CK (a
    stated minimum above it, or residents' scores a full SD above it), as the tier note; ""
    when the program states none (docs/scoring.md 5, "The Step 2 CK gap")."""
    score = ctx.applicant.step2_score
    if score is None or spec.tier1_z_ok:
        return ""
    if p.min_step2_score is not None and p.min_step2_strictness != STRICT \
            and score < p.min_step2_score:
        return gettext_noop(
            "Tier 2 at best: the program states a Step 2 CK of %(min)s%(cite)s; yours is "
            "%(score)s", min=p.min_step2_score, cite=_cite(p, "min_step2_score"), score=score)
    lower = _BAND_LOWER.get(p.step_score_band)
    if lower is not None and lower >= score + SCREENS_HIGHER_BAND_SD * spec.bench.sd:
        return gettext_noop(
            "Tier 2 at best: residents here averaged %(band)s on USMLE Step 1%(cite)s, more "
            "than %(sds)s SD above your Step 2 CK %(score)s",
            band=_BAND_NAMES[p.step_score_band], cite=_cite(p, "step_score_band"),
            sds=f"{SCREENS_HIGHER_BAND_SD:g}", score=score)
    return ""


_STALE_ANSWERS = {
    "j1_accepted": gettext_noop("J-1 'no'"),
    "h1b_sponsored": gettext_noop("H-1B 'no'"),
    "citizens_only": gettext_noop("'citizens only'"),
}


def _stale_note(ctx: _Context, p: ProgramFacts, text: Text, key: str) -> Text:
    """The row's reason for a Tier 3 cap by an old closing answer: "Tier 3: J-1 'no' in
    2021; verify"."""
    answer = _STALE_ANSWERS.get(key) or text.lower_first()
    return gettext_noop("Tier 3: %(answer)s in %(year)s; verify", answer=answer,
                        year=p.fact_years.get(key))


def _score(ctx: _Context, p: ProgramFacts) -> ProgramResult:
    gates = _gates(ctx, p)
    stale = [(text, key) for text, key in gates if _is_stale(ctx, p, key)]
    if len(stale) < len(gates):
        current = [text for text, key in gates if not _is_stale(ctx, p, key)]
        return _not_eligible(ctx, p, current, [_check_first(ctx, p, *g) for g in stale])
    code = p.specialty_code or p.acgme_id[:3]
    spec = ctx.specs.get(code) or ctx.spec(code)
    friend, share_known, img_reason, conf_penalty, img_note = _img_component(
        ctx, p, spec.weight_img
    )
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
        C_GEO: 0.0,
        C_PREFERENCES: 0.0,
    }
    # A stale closing answer is checked first, so its item leads the list.
    to_verify = [_check_first(ctx, p, *g) for g in stale]
    if not share_known:
        to_verify.append(ctx.verify_img_unknown)
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
                    to_verify.append(gettext_noop(
                        "The %(visa)s policy on file is from %(year)s: confirm it for this "
                        "season",
                        visa=ctx.visa_name, year=year,
                    ))
        else:
            confidence -= CONF_VISA_UNKNOWN
            if ctx.visa_key in p.conflicts:
                to_verify.append(gettext_noop(
                    "The sources disagree on the %(visa)s policy: %(conflicts)s. Ask the "
                    "program which holds",
                    visa=ctx.visa_name, conflicts="; ".join(p.conflicts[ctx.visa_key]),
                ))
            elif not stale:
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

    # Geographic preference: the program is in a division the applicant names in ERAS.
    if ctx.geo_reasons:
        geo = ctx.geo_reasons.get(division_of(p.state))
        if geo is not None:
            reasons.append(geo)
            total += geo.points
            components[C_GEO] = geo.points

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

    # Stated conditions the profile cannot check: it records no dates.
    if p.usce_within_years is not None:
        to_verify.append(ngettext(
            "Requires your hands-on US clinical experience within the last %(n)s year, not "
            "observerships%(cite)s: confirm yours is that recent",
            "Requires your hands-on US clinical experience within the last %(n)s years, not "
            "observerships%(cite)s: confirm yours is that recent",
            p.usce_within_years, n=p.usce_within_years, cite=_cite(p, "usce_within_years"),
        ))
    if p.steps_within_years is not None:
        to_verify.append(ngettext(
            "Requires every USMLE Step passed within %(n)s year%(cite)s: check the dates of "
            "your passes",
            "Requires every USMLE Step passed within %(n)s years%(cite)s: check the dates of "
            "your passes",
            p.steps_within_years, n=p.steps_within_years, cite=_cite(p, "steps_within_years"),
        ))

    score = round(total)
    score = 100 if score > 100 else 0 if score < 0 else score
    tier, notes = _tier(
        ctx, score, friend, share_known, visa_known, spec, p.setting, first_attempt_pref_missed,
        img_note, _screens_higher(ctx, p, spec),
    )
    if stale and tier > Tier.TIER_3:
        tier = Tier.TIER_3
        notes = (_stale_note(ctx, p, *stale[0]), *notes)
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


def _not_eligible(
    ctx: _Context, p: ProgramFacts, hard: list[str], to_verify: list[str]
) -> ProgramResult:
    """A gated program (by law or a current statement). Confidence falls when the refusing
    visa fact is undated; stale closing answers come as "Check first" items."""
    conf = 1.0
    if ctx.needs_visa:
        status = p.j1_accepted if ctx.visa == "j1" else p.h1b_sponsored
        if status == NO:
            conf -= _fact_age_penalty(p, ctx.visa_key, ctx.applicant.as_of_year)
    conf = round(max(CONF_FLOOR, conf), 2)
    return _result(
        p.acgme_id, False, Tier.NOT_ELIGIBLE, 0, conf, tuple(hard), (), (), tuple(to_verify), {}
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
