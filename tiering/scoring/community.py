"""Underserved-community fit: the two parts of mission fit that reach beyond the border band
(docs/scoring.md 3.7a). A program's county may be one where many people speak Spanish at home
(Census ACS table C16001, 2019-2023) or that holds a primary-care shortage area (HRSA HPSA,
2020). Each part counts only with what the applicant brings to it: Spanish for the first,
border or underserved-care work for the second.

Like border mission fit, this says how the applicant fits a program's community, not that the
program is easier to match: no source links either figure to matching. Every number here is a
judgement except the national share, and each is labelled so.

Unknown stays unknown: a county fact the catalog does not have gives no points and a reason that
says it is unknown (never "no"). A known "no" (or a share below the national one) gives nothing
and says nothing, as a program outside the border band says nothing about the border.
"""

from __future__ import annotations

from tiering.scoring.inputs import C_SHORTAGE, C_SPANISH, UNKNOWN, YES, Applicant, ProgramFacts
from tiering.scoring.results import Reason
from tiering.scoring.text import Text, gettext_noop
from tiering.scoring.weights import SPANISH_CREDIT

# Judgement: the most points the Spanish-speaking community part gives (a native speaker in a
# county at or above SPANISH_SHARE_FULL). Smaller than border mission fit (10): border programs
# state the mission (F6.1-F6.9); a county's language says who lives there, not what the
# program asks for.
WEIGHT_SPANISH_COMMUNITY = 6.0
# Judgement: the most points the shortage-area part gives (border or underserved-care work, a
# county with a shortage area scored SHORTAGE_FULL_SCORE or more).
WEIGHT_SHORTAGE_AREA = 4.0
# Judgement: border fit and community fit together add at most this on top of the 100, so a
# border program in a Spanish-speaking shortage county (up to 10 + 5) still comes before a
# non-border one (up to 10) for an applicant who brings both, and community fit alone never
# outweighs the border band.
MISSION_CAP = 15.0

# The share of people aged 5 and over who speak Spanish at home in the 50 states and DC,
# 2019-2023: 42,064,953 of 313,447,641 = 13.4% (our sum over the counties of the same ACS
# table C16001 file the catalog reads; Puerto Rico left out). A county at or below the
# national share gets no credit: it is not a Spanish-speaking community by this measure.
SPANISH_SHARE_NATIONAL = 13.4
# Judgement: full credit at 40% (three times the national share; Yakima WA 40.9%, the Bronx
# 45.3%, Monterey CA 49.2%), rising linearly from the national share.
SPANISH_SHARE_FULL = 40.0
# Judgement: HRSA scores a shortage area from 0 to 25 (higher = greater need); full credit at
# 18 or more, linear below. A "yes" without a score on file gets half credit.
SHORTAGE_FULL_SCORE = 18
SHORTAGE_NO_SCORE_CREDIT = 0.5

_FIT_NOTE = gettext_noop("This shows fit with the program's community, not a better chance of "
                         "matching")


def spanish_share_credit(share: float | None) -> float:
    """0-1 for a county share (None: unknown, 0)."""
    if share is None or share <= SPANISH_SHARE_NATIONAL:
        return 0.0
    return min(1.0, (share - SPANISH_SHARE_NATIONAL)
               / (SPANISH_SHARE_FULL - SPANISH_SHARE_NATIONAL))


def shortage_credit(hpsa: str, score: int | None) -> float:
    if hpsa != YES:
        return 0.0
    if score is None:
        return SHORTAGE_NO_SCORE_CREDIT
    return min(1.0, score / SHORTAGE_FULL_SCORE)


def fits_community(applicant: object, spanish_share: float | None, hpsa: str) -> bool:
    """True when the applicant gets community points at a program in such a county: reads an
    ``Applicant`` or a saved profile alike (the strategy page counts such programs)."""
    level = getattr(applicant, "spanish_level", "none") or "none"
    speaks = SPANISH_CREDIT.get(level, 0.0) > 0 and spanish_share_credit(spanish_share) > 0
    works = bool(getattr(applicant, "border_or_underserved_projects", False)) and hpsa == YES
    return speaks or works


def _where(p: ProgramFacts) -> Text:
    if p.county_name:
        return gettext_noop("the program's county (%(county)s)", county=p.county_name)
    return gettext_noop("the program's county")


def _unknown_why(p: ProgramFacts) -> Text:
    if not p.county_fips:
        return gettext_noop("the program's county is not known")
    return gettext_noop("the source has no figure for its county")


def _source(p: ProgramFacts, key: str, fallback: str) -> str:
    return p.fact_sources.get(key) or fallback


def community_reasons(applicant: Applicant, p: ProgramFacts, level_name: Text | None,
                      room: float) -> list[Reason]:
    """The Spanish-speaking community and shortage-area reasons for one program, their points
    within ``room`` (what MISSION_CAP leaves after border fit). ``level_name``: the applicant's
    Spanish as the border reason says it (None: no Spanish)."""
    reasons: list[Reason] = []
    if level_name is not None:
        credit = SPANISH_CREDIT[applicant.spanish_level]
        share = p.county_spanish_share
        if share is None:
            reasons.append(Reason(component=C_SPANISH, points=0.0, text=gettext_noop(
                "Spanish-speaking community: unknown, %(why)s; no points",
                why=_unknown_why(p))))
        elif spanish_share_credit(share) > 0:
            points = round(min(room, WEIGHT_SPANISH_COMMUNITY * credit
                               * spanish_share_credit(share)), 1)
            room -= points
            reasons.append(Reason(component=C_SPANISH, points=points, text=gettext_noop(
                "Spanish-speaking community: in %(where)s %(pct)s%% of people aged 5 and over "
                "speak Spanish at home (%(source)s %(period)s; the national share is "
                "%(national)s%%); you bring %(level)s. %(note)s",
                where=_where(p), pct=f"{share:.0f}",
                source=_source(p, "county_spanish_share", "Census ACS"),
                period=p.county_spanish_share_period or p.fact_years.get(
                    "county_spanish_share") or "",
                national=f"{SPANISH_SHARE_NATIONAL:g}", level=level_name, note=_FIT_NOTE)))
    if applicant.border_or_underserved_projects:
        if p.hpsa_primary_care == UNKNOWN:
            reasons.append(Reason(component=C_SHORTAGE, points=0.0, text=gettext_noop(
                "Primary-care shortage area: unknown, %(why)s; no points",
                why=_unknown_why(p))))
        elif p.hpsa_primary_care == YES:
            points = round(max(0.0, min(room, WEIGHT_SHORTAGE_AREA * shortage_credit(
                p.hpsa_primary_care, p.hpsa_primary_care_score))), 1)
            year = p.fact_years.get("hpsa_primary_care") or ""
            source = _source(p, "hpsa_primary_care", "HRSA")
            if p.hpsa_primary_care_score is None:
                figure = gettext_noop("(%(source)s, %(year)s)", source=source, year=year)
            else:
                figure = gettext_noop("HPSA score %(score)s of 25 (%(source)s, %(year)s)",
                                      score=p.hpsa_primary_care_score, source=source,
                                      year=year)
            reasons.append(Reason(component=C_SHORTAGE, points=points, text=gettext_noop(
                "Underserved community: %(where)s holds a primary-care shortage area, "
                "%(figure)s; you bring border or underserved-care work. %(note)s",
                where=_where(p), figure=figure, note=_FIT_NOTE)))
    return reasons
