"""What the list's modules share: the scoring model's version, the applicant built from a
profile (and the key of everything the list is built from), a program scored for it, and the
stored tier of each scoring tier.

Loading, scoring, explaining and building the list all read these; each imports them from
here, so none has to import another to get them."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.utils import timezone

from applicants.models import EcfmgStatus, Profile
from programs.models import Program
from tiering import scoring
from tiering.models import Tier

# Bump when the scoring model changes, so stored lists are recomputed on their next view.
SCORING_VERSION = "2026.12-8"  # issue 28: underserved-community fit beyond the border

# How long what a list was built from (and the answers built from it: the what-ifs) is kept
# in the cache; a forgotten record only costs one rebuild.
INPUTS_TTL_SECONDS = 30 * 24 * 3600

# The stored tier of each scoring tier, and back.
STORED_TIER = {
    scoring.Tier.TIER_1: Tier.TIER_1,
    scoring.Tier.TIER_2: Tier.TIER_2,
    scoring.Tier.TIER_3: Tier.TIER_3,
    scoring.Tier.NOT_ELIGIBLE: Tier.NOT_ELIGIBLE,
}
SCORING_TIER = {stored: scored for scored, stored in STORED_TIER.items()}


@dataclass(frozen=True, slots=True)
class Scored:
    program: Program
    facts: scoring.ProgramFacts
    result: scoring.ProgramResult


def season_year() -> int:
    return timezone.now().year


def applicant_of(profile: Profile, *, as_of_year: int | None = None) -> scoring.Applicant:
    return scoring.Applicant(
        step1_passed=profile.step1_passed,
        step1_attempts=profile.step1_attempts,
        step2_score=profile.step2_score,
        step2_attempts=profile.step2_attempts,
        step3_passed=profile.step3_passed,
        step3_attempts=profile.step3_attempts,
        graduation_year=_required(profile.graduation_year, "graduation year"),
        visa_need=profile.visa_need,
        # Plain text: a profile made in memory holds the choice itself, one read back holds
        # its value, and the keys built from this applicant must be the same for both.
        citizenship=str(profile.citizenship),
        ecfmg_certified=profile.ecfmg_status == EcfmgStatus.CERTIFIED,
        usce_hands_on_months=profile.usce_hands_on_months,
        usce_observership_months=profile.usce_observership_months,
        usce_border_months=profile.usce_border_months,
        us_letters=profile.us_letters,
        research_experiences=profile.research_experiences,
        border_or_underserved_projects=profile.border_or_underserved_projects,
        spanish_level=profile.spanish_level,
        as_of_year=as_of_year or season_year(),
        preferred_divisions=tuple(sorted(profile.geographic_divisions or ())),
    )


def _required(value: int | None, what: str) -> int:
    # An unknown graduation year must not score as a recent one: a list needs it.
    if value is None:
        raise ValueError(f"The profile has no {what}; it cannot be scored.")
    return value


def list_inputs(profile: Profile, *, applicant: scoring.Applicant | None = None) -> str:
    """Everything of the profile that the scoring and the list are built from, as one key.
    ``applicant``: the profile's, when the caller has built it already."""
    inputs = (applicant or applicant_of(profile),
              sorted(s.pk for s in profile.specialties()),
              sorted(profile.target_states or []), profile.budget_usd)
    return hashlib.sha256(repr(inputs).encode()).hexdigest()
