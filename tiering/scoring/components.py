"""Scoring one eligible program: its components, tier and confidence. The IMG presence
(``img_share``), visa (``visa``) and stated-preference (``preferences``) parts each have their
own module."""

from __future__ import annotations

from tiering.scoring.community import MISSION_CAP, community_reasons
from tiering.scoring.context import _cite, _Context, _fact_age_penalty
from tiering.scoring.divisions import division_of
from tiering.scoring.gates import _gates
from tiering.scoring.img_share import _img_component
from tiering.scoring.inputs import (
    BORDER_REGION_KM,
    C_ATTEMPTS,
    C_BORDER,
    C_GEO,
    C_IMG,
    C_PREFERENCES,
    C_SHORTAGE,
    C_SPANISH,
    C_STEP2,
    C_USCE,
    C_VISA,
    C_YOG,
    NO,
    YES,
    ProgramFacts,
)
from tiering.scoring.preferences import _preferences
from tiering.scoring.results import ProgramResult, Tier, _result
from tiering.scoring.screens import _screens_higher
from tiering.scoring.text import Text, gettext_noop, ngettext
from tiering.scoring.tiers import _tier
from tiering.scoring.visa import _visa_component
from tiering.scoring.weights import (
    CONF_AGE_3_4,
    CONF_AGE_5_PLUS,
    CONF_BORDER_UNKNOWN,
    CONF_FLOOR,
    CONF_VISA_UNKNOWN,
    CONF_YEAR_UNKNOWN,
    FACT_AGE_VERIFY,
    J1_BOTH_YEARS,
    J1_CHANGED,
    J1_NO_IN_2021,
    J1_NO_TO_YES,
    STALE_AFTER_SEASONS,
)

# ---------------------------------------------------------------------------------------------
# Scoring one program
# ---------------------------------------------------------------------------------------------


def _is_stale(ctx: _Context, p: ProgramFacts, key: str) -> bool:
    """A program fact with a stated year STALE_AFTER_SEASONS or more seasons old. Law gates
    (key "") and undated facts are not stale: an undated program statement stays its word."""
    if not key:
        return False
    year = p.fact_years.get(key)
    return year is not None and ctx.applicant.as_of_year - year >= STALE_AFTER_SEASONS


# The specialty the J-1 change rate was measured in (weights.J1_CHANGED), and the tier note
# (tiers._tier_rules) that an old "no" must not carry.
INTERNAL_MEDICINE = "140"
VISA_UNKNOWN_TIER_NOTE = "Tier 2 at best: the program's visa policy is unknown"


def _check_first(ctx: _Context, p: ProgramFacts, text: Text, key: str) -> Text:
    """The "Check first" item for a stale closing answer, with the measured change rate."""
    year = p.fact_years.get(key)
    rate: Text | str = ""
    # The measured rate is about J-1 answers of Internal Medicine programs: quoted for a J-1
    # answer only, and outside IM it says that it is another specialty's figure.
    figures = dict(changed=J1_CHANGED, both=J1_BOTH_YEARS,
                   one_in=round(J1_BOTH_YEARS / J1_CHANGED), no_to_yes=J1_NO_TO_YES,
                   no_in_2021=J1_NO_IN_2021)
    if key == "j1_accepted" and (p.specialty_code or p.acgme_id[:3]) == INTERNAL_MEDICINE:
        rate = gettext_noop(
            "; %(changed)s of %(both)s Internal Medicine programs answering in both 2021 and "
            "2025 changed their J-1 answer (about 1 in %(one_in)s), and %(no_to_yes)s of the "
            "%(no_in_2021)s that said no in 2021 listed J-1 in 2025",
            **figures,
        )
    elif key == "j1_accepted":
        rate = gettext_noop(
            "; in Internal Medicine, the only specialty measured (not this one), %(changed)s "
            "of %(both)s programs answering in both 2021 and 2025 changed their J-1 answer "
            "(about 1 in %(one_in)s), and %(no_to_yes)s of the %(no_in_2021)s that said no in "
            "2021 listed J-1 in 2025",
            **figures,
        )
    age = ctx.applicant.as_of_year - year
    return ngettext(
        "Check first: %(answer)s; that answer is from %(year)s, %(n)s season old%(rate)s: "
        "verify before applying",
        "Check first: %(answer)s; that answer is from %(year)s, %(n)s seasons old%(rate)s: "
        "verify before applying",
        age, answer=text.lower_first(), year=year, n=age, rate=rate,
    )


_STALE_ANSWERS = {
    "j1_accepted": gettext_noop("J-1 'no'"),
    "h1b_sponsored": gettext_noop("H-1B 'no'"),
    "citizens_only": gettext_noop("'citizens only'"),
}


def _stale_note(p: ProgramFacts, text: Text, key: str) -> Text:
    """The row's reason for a Tier 3 cap by an old closing answer: "Tier 3: J-1 'no' in
    2021; verify" (the "Check first" item says the rest)."""
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
        C_SPANISH: 0.0,
        C_SHORTAGE: 0.0,
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

    # Underserved-community fit beyond the border band: the county's Spanish speakers and
    # shortage area, each on its own, border fit and these together within MISSION_CAP.
    if ctx.community_applies:
        for reason in community_reasons(ctx.applicant, p, ctx.spanish_name,
                                        MISSION_CAP - components[C_BORDER]):
            reasons.append(reason)
            total += reason.points
            components[reason.component] = reason.points

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
    if any(key == ctx.visa_key for _, key in stale):
        # The answer on file is an old "no", not an unknown one: "Check first" says so, and a
        # note calling the policy unknown would contradict the facts table beside it.
        notes = tuple(n for n in notes if getattr(n, "msgid", n) != VISA_UNKNOWN_TIER_NOTE)
    if stale and tier > Tier.TIER_3:
        tier = Tier.TIER_3
        notes = (_stale_note(p, *stale[0]), *notes)
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
