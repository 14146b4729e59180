"""ERAS geographic preferences: how many programs on the list each US Census division covers,
which divisions to name (up to 3; F3.9), and saving the choice on the profile, which the
scoring reads (a small bonus for programs in a chosen division: tiering/scoring/weights.py)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db.models import F
from django.utils import timezone

from applicants.models import Profile
from applicants.signals import profile_saved
from tiering.models import ListEntry, Tier
from tiering.scoring import fits_community
from tiering.scoring.divisions import (
    BORDER_DIVISIONS,
    DIVISION_NAMES,
    DIVISIONS,
    MAX_CHOSEN_DIVISIONS,
    division_of,
)


@dataclass(frozen=True)
class DivisionCoverage:
    division: str
    name: str
    programs: int  # on the list
    realistic: int  # Tier 1 and Tier 2 among them
    border: int  # in the border region among them
    chosen: bool
    proposed: bool
    # Among them, those whose community the applicant fits (a Spanish-speaking county for an
    # applicant with Spanish, a shortage area for one with underserved-care work).
    community: int = 0

    @property
    def in_border_region(self) -> bool:
        return self.division in BORDER_DIVISIONS


def coverage(entries: Iterable[ListEntry], chosen: Iterable[str] = (), *,
             states: Iterable[str] = (), border_first: bool = False,
             applicant: object = None) -> list[DivisionCoverage]:
    """Every division, with the programs of the list it covers, in the Census Bureau's order.

    The proposal: the (up to) 3 divisions to name. For an applicant who brings border fit
    (``border_first``: Spanish, border-region months or border work), the divisions holding the
    list's border-region programs come first, most border programs first: the list exists for
    them, and a preference is worth most where the applicant means to train. Then the divisions
    of the applicant's own states (``states``), then those holding the most programs whose
    community the applicant (a profile) fits (``tiering.scoring.community``: Yakima, Fresno,
    Miami, the Bronx...), then those holding the most realistic programs (Tier 1 and 2), more
    programs breaking ties; a division with no program is never proposed."""
    chosen = set(chosen)
    home = {division_of(state) for state in states} - {""}
    counts = {division: [0, 0, 0, 0] for division in DIVISIONS}
    for entry in entries:
        division = division_of(entry.program.state)
        if not division:
            continue
        counts[division][0] += 1
        counts[division][1] += entry.tier in (Tier.TIER_1, Tier.TIER_2)
        counts[division][2] += bool(entry.program.in_border_region)
        counts[division][3] += applicant is not None and fits_community(
            applicant, entry.program.county_spanish_share, entry.program.hpsa_primary_care)

    def weight(d: str) -> tuple:
        border = counts[d][2] if border_first else 0
        return (-border, d not in home, -counts[d][3], -counts[d][1], -counts[d][0],
                -counts[d][2])

    ranked = sorted((d for d in DIVISIONS if counts[d][0]), key=weight)
    proposed = set(ranked[:MAX_CHOSEN_DIVISIONS])
    return [DivisionCoverage(division=d, name=DIVISION_NAMES[d], programs=counts[d][0],
                             realistic=counts[d][1], border=counts[d][2], chosen=d in chosen,
                             proposed=d in proposed, community=counts[d][3])
            for d in DIVISIONS]


def covered_by(rows: Sequence[DivisionCoverage], divisions: Iterable[str]) -> int:
    """How many programs of the list the divisions cover together."""
    wanted = set(divisions)
    return sum(row.programs for row in rows if row.division in wanted)


def geography_save(profile: Profile, *, divisions: Sequence[str], setting: str) -> bool:
    """Save the geographic preferences on the profile (its version moves, as with any profile
    save) and let the list follow. False when nothing changed."""
    divisions = sorted(set(divisions))
    if len(divisions) > MAX_CHOSEN_DIVISIONS or not set(divisions) <= set(DIVISIONS):
        raise ValueError(f"Choose at most {MAX_CHOSEN_DIVISIONS} Census divisions.")
    if divisions == sorted(profile.geographic_divisions or []) \
            and setting == profile.geographic_setting:
        return False
    Profile.objects.filter(pk=profile.pk).update(
        geographic_divisions=divisions, geographic_setting=setting, version=F("version") + 1,
        updated_at=timezone.now())
    profile.refresh_from_db()
    profile_saved.send(sender=Profile, profile=profile)
    return True
