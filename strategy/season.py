"""The season's numbers for the application strategy, kept in one place to update each year.

Each figure names its FACTS id (the fact sheet the project was built from; the full citations
are in docs/strategy.md) and its source address. Update this module when AAMC, the specialty
societies or the NRMP publish the next season's rules; nothing else holds these numbers.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django.utils.translation import gettext, gettext_lazy, ngettext

# ---------------------------------------------------------------------------------------------
# The application season the product plans for
# ---------------------------------------------------------------------------------------------

# The one setting that names the season: every page, sheet and message takes the season's name
# from ``season_name()``. The figures below keep the season of their own source beside them
# ("3 gold and 12 silver signals (2025-26 cycle figures)"): a figure is never relabelled to a
# season it was not published for. Change these two numbers when the product plans for the
# next season, then check each figure below against its source.
# The AAMC names an ERAS season by the Match it leads to: its "Fees for 2026 ERAS Season"
# opened in June 2025 for the 2026 Match (FACTS F3.1). Applications sent from June 2026 are
# the 2027 ERAS season, for the 2027 Main Residency Match.
APPLICATION_SEASON_ERAS = 2027
APPLICATION_SEASON_MATCH = 2027


def season_name() -> str:
    """The season applicants plan for, as every page names it: "ERAS 2027 / Match 2027"."""
    return gettext("ERAS %(eras)s / Match %(match)s") % {
        "eras": APPLICATION_SEASON_ERAS, "match": APPLICATION_SEASON_MATCH}


# ---------------------------------------------------------------------------------------------
# ERAS program signals
# ---------------------------------------------------------------------------------------------

# The season of the signal figures' source (F3.7): the applications sent in 2024-25.
SIGNAL_SEASON = gettext_lazy("2025 ERAS season")
SIGNAL_SOURCE = "AAMC, Program Signaling for the 2025 MyERAS Application Season"
SIGNAL_SOURCE_URL = (
    "https://students-residents.aamc.org/applying-residencies-eras/"
    "program-signaling-2025-myeras-application-season"
)
IM_SIGNAL_SOURCE = "ACP/APDIM, Tiered signaling in Internal Medicine, 2025-26 cycle"
IM_SIGNAL_SOURCE_URL = "https://www.im.org/resources/tiered-signaling"


@dataclass(frozen=True, slots=True, kw_only=True)
class SignalAllowance:
    """How many program signals one specialty allows in the season."""

    specialty: str
    gold: int = 0  # the higher signal, where the specialty has two kinds
    silver: int = 0  # the lower one
    signals: int = 0  # one kind only
    facts: str = "F3.7"
    source: str = SIGNAL_SOURCE
    url: str = SIGNAL_SOURCE_URL
    season: str = SIGNAL_SEASON  # the season of the figures' source, not the one planned for
    note: str = ""

    @property
    def total(self) -> int:
        return self.gold + self.silver + self.signals

    @property
    def tiered(self) -> bool:
        return self.gold > 0

    def describe(self) -> str:
        """"3 gold and 12 silver signals" or "5 signals", in the reader's language."""
        if self.tiered:
            return gettext("%(gold)s gold and %(silver)s silver signals") % {
                "gold": self.gold, "silver": self.silver}
        return ngettext("%(n)s signal", "%(n)s signals", self.signals) % {"n": self.signals}


# Keyed by ACGME specialty code (the first three digits of a program id). F3.7 for every
# specialty; Internal Medicine confirmed for the 2025-26 cycle by F3.8.
SIGNALS: Mapping[str, SignalAllowance] = {
    "140": SignalAllowance(
        specialty="Internal Medicine", gold=3, silver=12, facts="F3.7, F3.8",
        source=IM_SIGNAL_SOURCE, url=IM_SIGNAL_SOURCE_URL,
        season=gettext_lazy("2025-26 cycle"),
        note=gettext_lazy("Signals go to the institution, not to one track (F3.8)."),
    ),
    "120": SignalAllowance(specialty="Family Medicine", signals=5),
    "320": SignalAllowance(specialty="Pediatrics", signals=5),
    "400": SignalAllowance(specialty="Psychiatry", signals=10),
    "180": SignalAllowance(specialty="Neurology", signals=8),
    "300": SignalAllowance(specialty="Pathology", signals=5),
    "440": SignalAllowance(specialty="General Surgery", signals=15),
    "999": SignalAllowance(specialty="Transitional Year", signals=12),
    "110": SignalAllowance(
        specialty="Emergency Medicine", signals=5,
        note=gettext_lazy("Do not signal your home or away rotation sites (F3.7)."),
    ),
    "040": SignalAllowance(specialty="Anesthesiology", gold=5, silver=10),
    "185": SignalAllowance(specialty="Child Neurology", signals=3),
    "340": SignalAllowance(specialty="Physical Medicine and Rehabilitation", signals=8),
}
# F3.7 also lists Internal Medicine-Psychiatry (2 signals); the catalog has no code for
# combined programs, so it is not keyed here.


def allowance_for(specialty_code: str) -> SignalAllowance | None:
    """The season's signals for a specialty; None when the figure is not on file."""
    return SIGNALS.get(specialty_code)


# Which programs take part. Only participating programs can receive signals (F3.7). The
# catalog records no participation in signalling; the one participation fact on file is
# Internal Medicine's default: every IM program is opted in unless it opted out by
# 20 Aug 2025 (F3.8).
PARTICIPATION_DEFAULT: Mapping[str, str] = {
    "140": gettext_lazy(
        "Opted in by default: every Internal Medicine program takes part unless it opted out "
        "by 20 Aug 2025 (ACP/APDIM, 2025-26 cycle; F3.8). Check that this one did not."
    ),
}
PARTICIPATION_NOT_STATED = gettext_lazy(
    "Participation not stated: our sources do not say whether this program takes part in "
    "signalling. Check ERAS's list of participating programs before you signal it."
)

# ---------------------------------------------------------------------------------------------
# ERAS geographic preferences
# ---------------------------------------------------------------------------------------------

GEO_SOURCE = "AAMC, MyERAS application: geographic information (2024 onwards)"
GEO_SOURCE_URL = (
    "https://students-residents.aamc.org/applying-residencies-eras/publication-chapters/"
    "biographical-information"
)  # F3.9
GEO_EVIDENCE = "Benjamin et al., J Gen Intern Med 2024;39(3):359-365 (2022 cycle)"  # F3.11
GEO_EVIDENCE_URL = "https://metajournal.com/articles/1656103"
CENSUS_DIVISIONS_URL = (
    "https://www2.census.gov/geo/pdfs/maps-data/maps/reference/us_regdiv.pdf"
)

# ---------------------------------------------------------------------------------------------
# SOAP (Supplemental Offer and Acceptance Program)
# ---------------------------------------------------------------------------------------------

# NRMP: an applicant eligible for SOAP may submit up to 45 applications in all, not per round;
# unused ones can go to programs still unfilled after each offer round. Not in the fact sheet.
SOAP_MAX_APPLICATIONS = 45
SOAP_SEASON = "2025 Main Residency Match"  # the limit's source: the NRMP's name, kept as is
SOAP_SOURCE = "NRMP, \"Do I need to reapply to programs after the first SOAP round?\" (2025)"
SOAP_SOURCE_URL = (
    "https://www.nrmp.org/help/item/do-i-need-to-reapply-to-programs-after-the-first-soap-round/"
)
# The specialties of the backup list: the broader, IMG-friendlier ones, as the advisors'
# guidance recommends (FM, IM, Pediatrics).
SOAP_SPECIALTIES: tuple[str, ...] = ("120", "140", "320")
