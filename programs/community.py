"""How the county facts (issue 28) and the facts no source covers read on a program's page.

The facts themselves are fields of ``Program`` (docs/catalog-format.md): ``county_spanish_share``
with ``county_spanish_share_period``, ``hpsa_primary_care`` with its score, and
``hpsa_mental_health`` with its score. They describe the program's county, not the program.
"""

from __future__ import annotations

from django.utils.translation import gettext

from programs.models import Program, TriState

COMMUNITY_KEYS = ("county_spanish_share", "hpsa_primary_care", "hpsa_mental_health")
VISA_AND_MIX_KEYS = ("j1_accepted", "h1b_sponsored", "img_share_pct", "non_us_img_share_pct")


def unknown_reason(program: Program, key: str) -> str:
    """Why a county fact is unknown, in the reader's language; "" when it is known."""
    if key == "hpsa_mental_health":
        if program.hpsa_mental_health != TriState.UNKNOWN:
            return ""
        return gettext("Unknown: no public copy of HRSA's mental-health shortage-area list "
                       "was found.")
    known = (program.county_spanish_share is not None if key == "county_spanish_share"
             else program.hpsa_primary_care != TriState.UNKNOWN)
    if known:
        return ""
    if not program.county_fips:
        return gettext("Unknown: the program's county is not known (its city was not located, "
                       "or the city spans several counties).")
    return gettext("Unknown: the source has no figure for county %(fips)s.") % {
        "fips": program.county_fips}


def spanish_share_text(program: Program) -> str:
    if program.county_spanish_share is None:
        return ""
    return gettext("%(pct)s%% of people aged 5 and over speak Spanish at home (%(period)s)") % {
        "pct": f"{program.county_spanish_share:g}",
        "period": program.county_spanish_share_period,
    }


def hpsa_text(choice: str, score: int | None) -> str:
    if choice == TriState.YES:
        if score is None:
            return gettext("Yes: a designated geographic shortage area")
        return gettext("Yes: a designated geographic shortage area, HPSA score %(score)s") % {
            "score": score}
    if choice == TriState.NO:
        return gettext("None listed for the county")
    return ""


def hpsa_caveat() -> str:
    return gettext("Geographic HPSAs only, and one may cover just part of the county; "
                   "population and facility shortage areas (low-income groups, health centers) "
                   "are not in this source.")


def community_rows(program: Program) -> list[tuple[str, str, str, str]]:
    """(label, value or "", provenance key, note) for the facts table; "" value is unknown."""
    pc_value = hpsa_text(program.hpsa_primary_care, program.hpsa_primary_care_score)
    mh_value = hpsa_text(program.hpsa_mental_health, program.hpsa_mental_health_score)
    return [
        (gettext("County: Spanish spoken at home"), spanish_share_text(program),
         "county_spanish_share", unknown_reason(program, "county_spanish_share")),
        (gettext("County: primary-care shortage area (HPSA)"), pc_value, "hpsa_primary_care",
         unknown_reason(program, "hpsa_primary_care") or hpsa_caveat()),
        (gettext("County: mental-health shortage area (HPSA)"), mh_value, "hpsa_mental_health",
         unknown_reason(program, "hpsa_mental_health") or hpsa_caveat()),
    ]


def specialty_without_visa_source(specialty_id: int) -> bool:
    """True when no program of the specialty has a visa answer or an IMG share from any source
    (e.g. Urology: Residency Explorer 2021 does not cover it, FREIDA 2025 is Internal Medicine
    only)."""
    return not (
        Program.objects.filter(specialty_id=specialty_id)
        .exclude(j1_accepted=TriState.UNKNOWN, h1b_sponsored=TriState.UNKNOWN,
                 img_share_pct__isnull=True)
        .exists()
    )


def no_source_note(specialty: str) -> str:
    return gettext("No source in the catalog covers %(specialty)s's visa policy or resident "
                   "mix: ask the program.") % {"specialty": specialty}
