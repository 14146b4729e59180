"""The model's inputs: the vocabulary shared with the catalog and the profile, the applicant
and the program facts it reads."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from tiering.scoring.divisions import DIVISIONS, MAX_CHOSEN_DIVISIONS

# ---------------------------------------------------------------------------------------------
# Vocabulary (the same values as the catalog and the applicant profile)
# ---------------------------------------------------------------------------------------------

YES, NO, UNKNOWN = "yes", "no", "unknown"
TRI_STATES = frozenset({YES, NO, UNKNOWN})
STRICT, PREFERRED = "strict", "preferred"
STRICTNESS_VALUES = frozenset({STRICT, PREFERRED, ""})
SETTINGS = frozenset(
    {"", "university", "university_affiliated_community", "community", "military", "other"}
)
VISA_NEEDS = frozenset({"j1", "h1b", "none"})
US_CITIZEN, PERMANENT_RESIDENT, NEEDS_VISA = "us_citizen", "permanent_resident", "needs_visa"
CITIZENSHIPS = frozenset({US_CITIZEN, PERMANENT_RESIDENT, NEEDS_VISA})
SPANISH_LEVELS: tuple[str, ...] = ("none", "basic", "intermediate", "advanced", "native")

USMLE_MAX_ATTEMPTS = 4  # USMLE attempt limit, 4 per Step (usmle.org "Attempt limit", 2021; F2.6)
BORDER_REGION_KM = 100.0  # La Paz Agreement 1983: 100 km either side of the line (HHS OGA; F5.1)
STEP2_PASSING_SCORE = 218  # USMLE Step 2 CK passing score from 1 Jul 2025 (secondary; F2.4)

STEP_NAMES: tuple[str, ...] = ("Step 1", "Step 2 CK", "Step 3")

# Component keys, in display order.
C_IMG = "img_friendliness"
C_STEP2 = "step2"
C_ATTEMPTS = "attempts"
C_VISA = "visa"
C_YOG = "years_since_graduation"
C_USCE = "usce"
C_BORDER = "border_mission_fit"
# Underserved-community fit beyond the border band (tiering/scoring/community.py).
C_SPANISH = "spanish_community"
C_SHORTAGE = "shortage_area"
C_GEO = "geographic_preference"
C_PREFERENCES = "preferences"
COMPONENTS: tuple[str, ...] = (
    C_IMG,
    C_STEP2,
    C_ATTEMPTS,
    C_VISA,
    C_YOG,
    C_USCE,
    C_BORDER,
    C_SPANISH,
    C_SHORTAGE,
    C_GEO,
    C_PREFERENCES,
)


# ---------------------------------------------------------------------------------------------
# Inputs
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class Applicant:
    step1_passed: bool
    step1_attempts: int  # sittings so far, 0-4, a passing one included
    step2_score: int | None  # the passing Step 2 CK score; None = not passed yet
    step2_attempts: int  # sittings so far, 0-4
    step3_passed: bool
    step3_attempts: int  # sittings so far, 0-4
    graduation_year: int
    visa_need: str  # "j1" | "h1b" | "none" (none = no visa needed)
    ecfmg_certified: bool
    usce_hands_on_months: int  # hands-on US clinical experience (externship, sub-internship)
    usce_observership_months: int
    usce_border_months: int  # part of the above done in the US-Mexico border region
    us_letters: int  # letters of recommendation from US clinicians
    research_experiences: int
    border_or_underserved_projects: bool
    spanish_level: str  # "none" | "basic" | "intermediate" | "advanced" | "native"
    as_of_year: int  # the application season's year, passed in (keeps the module pure)
    # Rules that need US citizenship (armed-forces programs) read this; visa_need stays the
    # visa rules' input. A citizen or permanent resident needs no visa.
    citizenship: str = NEEDS_VISA
    # The US Census divisions named in ERAS's geographic preferences (up to 3; F3.9), as
    # tiering.scoring.divisions keys, sorted. A program in one of them gets a small bonus.
    preferred_divisions: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if len(self.preferred_divisions) > MAX_CHOSEN_DIVISIONS or not set(
            self.preferred_divisions
        ) <= set(DIVISIONS):
            raise ValueError(f"preferred_divisions: at most {MAX_CHOSEN_DIVISIONS} of {DIVISIONS}")
        if self.visa_need not in VISA_NEEDS:
            raise ValueError(f"visa_need must be one of {sorted(VISA_NEEDS)}")
        if self.citizenship not in CITIZENSHIPS:
            raise ValueError(f"citizenship must be one of {sorted(CITIZENSHIPS)}")
        if self.citizenship != NEEDS_VISA and self.visa_need != "none":
            raise ValueError("a US citizen or permanent resident needs no visa")
        if self.spanish_level not in SPANISH_LEVELS:
            raise ValueError(f"spanish_level must be one of {SPANISH_LEVELS}")
        for name in ("step1_attempts", "step2_attempts", "step3_attempts"):
            if not 0 <= getattr(self, name) <= USMLE_MAX_ATTEMPTS:
                raise ValueError(f"{name} must be between 0 and {USMLE_MAX_ATTEMPTS}")
        for name in (
            "usce_hands_on_months",
            "usce_observership_months",
            "usce_border_months",
            "us_letters",
            "research_experiences",
        ):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} cannot be negative")
        if self.step2_score is not None and not 1 <= self.step2_score <= 300:
            raise ValueError("step2_score must be between 1 and 300")


@dataclass(frozen=True, slots=True, kw_only=True)
class ProgramFacts:
    acgme_id: str
    name: str
    specialty_code: str  # ACGME 3-digit code; empty = the first three digits of acgme_id
    state: str  # two letters
    in_border_region: bool | None
    border_distance_km: float | None
    setting: str  # "" (unknown) | "university" | "university_affiliated_community" | ...
    j1_accepted: str  # "yes" | "no" | "unknown"
    h1b_sponsored: str
    citizens_only: str
    img_share_pct: float | None  # all IMGs, % of residents
    non_us_img_share_pct: float | None  # non-US-citizen IMGs, % of residents
    min_step2_score: int | None
    min_step2_strictness: str  # "strict" | "preferred" | ""
    max_years_since_graduation: int | None
    max_years_since_graduation_strictness: str
    max_attempts_per_step: int | None  # 1 = first attempt only
    max_attempts_per_step_strictness: str
    min_usce_months: int | None  # strictness set and None: "required, amount not stated"
    min_usce_months_strictness: str
    step3_required: str  # "yes" | "no" | "unknown"
    step3_strictness: str
    # "yes" when the program belongs to the armed forces (its residents are commissioned
    # officers); the catalog's rule is in docs/data-sources.md.
    armed_forces: str = "unknown"
    # Stated conditions the profile cannot check (it records no dates): hands-on USCE within
    # the last N years; every Step passed within N years. They go on the to-verify list.
    usce_within_years: int | None = None
    steps_within_years: int | None = None
    # The residents' average USMLE Step 1 band (AAMC Residency Explorer; programs.ScoreBand
    # values, "" unknown): evidence that the program screens higher than the applicant's score.
    step_score_band: str = ""
    # Facts on which two current sources disagree: key -> the values, each with its source,
    # e.g. {"j1_accepted": ("yes (the program's website)", "no (the program's website)")}.
    # The scoring treats such a fact as unknown, to verify.
    conflicts: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # Provenance year per fact key, e.g. {"j1_accepted": 2025}; missing/None = year unknown.
    fact_years: Mapping[str, int | None] = field(default_factory=dict)
    # Optional: a readable source name per fact key, e.g. {"img_share_pct": "AAMC Residency
    # Explorer"}; used only in the texts shown to the applicant.
    fact_sources: Mapping[str, str] = field(default_factory=dict)
    # The program's county (docs/data-sources.md, "The program's county"): who lives there, not
    # the program. Spanish spoken at home, % of people aged 5 and over (ACS 5-year, the period
    # as published, e.g. "2019-2023"); whether the county holds a designated geographic
    # primary-care shortage area, with its highest HPSA score (0-25). None/"unknown": unknown.
    county_fips: str = ""
    county_name: str = ""  # e.g. "Hidalgo, TX"; "" when no name is on file
    county_spanish_share: float | None = None
    county_spanish_share_period: str = ""
    hpsa_primary_care: str = UNKNOWN
    hpsa_primary_care_score: int | None = None

    def __post_init__(self) -> None:
        for name in (
            "j1_accepted", "h1b_sponsored", "citizens_only", "step3_required", "armed_forces",
            "hpsa_primary_care",
        ):
            if getattr(self, name) not in TRI_STATES:
                raise ValueError(f"{name} must be one of {sorted(TRI_STATES)}")
        for name in (
            "min_step2_strictness",
            "max_years_since_graduation_strictness",
            "max_attempts_per_step_strictness",
            "min_usce_months_strictness",
            "step3_strictness",
        ):
            if getattr(self, name) not in STRICTNESS_VALUES:
                raise ValueError(f"{name} must be 'strict', 'preferred' or ''")
        if self.setting not in SETTINGS:
            raise ValueError(f"setting must be one of {sorted(SETTINGS)}")


def brings_border_fit(who: object) -> bool:
    """True when the applicant brings what border-region programs state as their mission:
    Spanish, clinical months in the region, or border or underserved-care work (the three parts
    of border mission fit, docs/scoring.md 3.7). Reads the same fields from an ``Applicant`` or
    a saved profile, so the list and the strategy decide it alike."""
    return (getattr(who, "spanish_level", "none") not in ("", "none")
            or getattr(who, "usce_border_months", 0) > 0
            or bool(getattr(who, "border_or_underserved_projects", False)))
