"""The IMG presence component: which IMG figure judges a program (a share of one year, or the
setting when no share is known), its points, its confidence and the "not IMG-heavy" note."""

from __future__ import annotations

from tiering.scoring.context import _SETTING_NAMES, _cite, _Context, _fact_age_penalty, _fmt_pct
from tiering.scoring.inputs import C_IMG, ProgramFacts
from tiering.scoring.results import Reason
from tiering.scoring.text import Text, gettext_noop
from tiering.scoring.tiers import TIER1_MIN_IMG_FRIENDLINESS
from tiering.scoring.weights import (
    CONF_IMG_ALL_IMG_ONLY,
    CONF_IMG_NOTHING,
    CONF_IMG_SETTING_ONLY,
    IMG_SHARE_FULL_CREDIT_PCT,
    NON_US_IMG_SHARE_FULL_CREDIT_PCT,
    SETTING_FRIENDLINESS,
    UNKNOWN_FRIENDLINESS,
)


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
