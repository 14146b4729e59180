"""How realistic is each residency program for one applicant?

Pure module: no Django, no database, no I/O. Frozen dataclasses in, frozen dataclasses out.

The model runs in three steps (explained for advisors in ``docs/scoring.md``):

1. **Hard gates.** Only what a program states as *required*, or what the law says, can make a
   program "Not eligible". A stated preference costs points; an unknown fact never excludes.
2. **Score (0-100).** Weighted components, each with its evidence, plus *border mission fit*
   for programs in the US-Mexico border region.
3. **Tier.** Thresholds on the score, then caps: an unknown visa policy or IMG share can be at
   best Tier 2 ("unknown is not yes"), and the Step 2 CK evidence from NRMP Charting Outcomes
   2026 limits what a low score can reach in specialties where the score matters.

Every number below names its source. Labels such as ``(F9.5)`` are the IDs of the figures in
the fact sheet the model was built from, and "FACTS §8B/§8C" is that sheet's proposed starting
model; the full citations (publisher, title, year, URL) are in ``docs/scoring.md``.
"""

from __future__ import annotations

import enum
import gc
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

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
C_PREFERENCES = "preferences"
COMPONENTS: tuple[str, ...] = (C_IMG, C_STEP2, C_ATTEMPTS, C_VISA, C_YOG, C_USCE, C_BORDER,
                               C_PREFERENCES)

# ---------------------------------------------------------------------------------------------
# Weights (points out of 100). Start: FACTS §8B; changes are explained next to each value.
# ---------------------------------------------------------------------------------------------

# Program IMG-friendliness: community programs give about 3x the IMG share of university
# programs (45% vs 15% of interview slots; Reddy et al., JGIM 2021; F7.5). FACTS §8B: 30.
WEIGHT_IMG = 30.0
# Step 2 CK against the specialty benchmark: PD surveys rank scores highly and higher USMLE
# scores were associated with matching (IMG survey, BMC Med Educ 2024; F1.21). FACTS §8B: 25.
WEIGHT_STEP2 = 25.0
# Where Step 2 CK does not separate matched from unmatched non-US IMGs (Family Medicine: 231 vs
# 232, NRMP Charting Outcomes non-US IMG 2026; F9.6) it counts less (recommendation F9.29) and
# the points move to IMG-friendliness ("lean on program IMG-friendliness", F9.29).
WEIGHT_STEP2_NON_SEPARATING = 10.0
WEIGHT_IMG_NON_SEPARATING = WEIGHT_IMG + (WEIGHT_STEP2 - WEIGHT_STEP2_NON_SEPARATING)
# Exam attempts: "any failed USMLE attempt" cited by 74.1% of program directors, importance
# 4.4/5 (NRMP Program Director Survey 2021; F7.4); fewer attempts associated with matching
# (F1.21). FACTS §8B: 15.
WEIGHT_ATTEMPTS = 15.0
# Visa fit: 63.7% of IM programs take J-1 (Tiako et al., JGME 2022; F4.7); 47% of FM program
# directors weigh visa-free work authorization (NRMP PD Survey 2024; F4.8). FACTS §8B: 10.
WEIGHT_VISA = 10.0
# Years since graduation: stated cut-offs cluster at 3, 5 and 10 years (program pages; F7.2);
# younger age associated with matching (F1.21). FACTS §8B: 8, +2 (see note below).
WEIGHT_YOG = 10.0
# US clinical experience and US letters: program minimums and preferences (F7.3; Three Crosses
# IM prefers "3 months of USCE with a US letter", F6.5). FACTS §8B: 7, +3 (see note below).
WEIGHT_USCE = 10.0
# Note: FACTS §8B gives 5 points to program signals / geographic preference (F3.11). The
# profile does not record signals or ERAS geographic preferences, so those 5 points go to
# years since graduation (+2) and US clinical experience with letters (+3). Sum = 100.
# Research is not scored: matched and unmatched non-US IMGs report the same median number of
# research experiences (3 vs 3; NRMP Charting Outcomes non-US IMG 2026, Table 2; F9.4).

# Border mission fit, border-region programs only, added on top of the 100 and capped at 100.
# Border programs state Southwest ties (Three Crosses IM, F6.5), border health (Southern New
# Mexico FM, F6.6) and border-community and underserved care with outreach in Tijuana (Scripps
# Mercy Chula Vista FM, San Ysidro Health IM, F6.9); TTUHSC El Paso takes graduates of Mexican
# schools (SEP stamp, F6.1). There is no evidence that border programs are easier to match
# (FACTS §8B), so this is a separate, visible component; its size (the "+10" of FACTS §8B) and
# split are judgements.
WEIGHT_BORDER = 10.0
# Judgement: none of the gathered program statements names Spanish; it is weighted for the
# cross-border work above (verify with each program).
BORDER_SHARE_SPANISH = 0.4
BORDER_SHARE_CLINICAL = 0.35  # clinical experience in the region: "ties to the Southwest" (F6.5)
BORDER_SHARE_PROJECTS = 0.25  # border-health or underserved-care work (F6.6, F6.9)
BORDER_FULL_CLINICAL_MONTHS = 3  # same full-credit point as USCE (FACTS §8B, F7.3)
SPANISH_CREDIT: Mapping[str, float] = {  # judgement, monotone in the level
    "none": 0.0, "basic": 0.25, "intermediate": 0.5, "advanced": 0.85, "native": 1.0,
}

# Penalties for stated *preferences* the applicant misses (a preference is never a gate:
# FACTS §8A.3). Sizes are judgements to be calibrated against outcomes.
PENALTY_PREFERRED_STEP2 = 5.0
PENALTY_PREFERRED_YOG = 5.0
PENALTY_PREFERRED_ATTEMPTS = 5.0
PENALTY_PREFERRED_USCE = 3.0
PENALTY_PREFERRED_STEP3 = 3.0

# ---------------------------------------------------------------------------------------------
# Component scales
# ---------------------------------------------------------------------------------------------

# IMG-friendliness, first choice: the non-US-citizen IMG share of residents. Full credit at 40%:
# about the 60% IMG share of community IM programs' PGY-1 positions (55-70%, F7.5) times 0.65,
# the non-US share of IMGs matched to PGY-1 in 2024 (5,864 of 9,045; ECFMG 2024; F1.4). [derived]
NON_US_IMG_SHARE_FULL_CREDIT_PCT = 40.0
# Next fallback: the all-IMG share. Full credit at 60% (community IM programs 55-70%, F7.5).
IMG_SHARE_FULL_CREDIT_PCT = 60.0
# Last fallback: program setting (FACTS §8B proxy from F7.5: community 1.0, university-affiliated
# community 0.7, university 0.33). Military, other and unknown settings get the lowest proxy,
# so an unknown program is never treated as IMG-friendly.
SETTING_FRIENDLINESS: Mapping[str, float] = {
    "community": 1.0,
    "university_affiliated_community": 0.7,
    "university": 0.33,
}
UNKNOWN_FRIENDLINESS = 0.33

# Step 2 CK: z = (score - benchmark) / SD. Credit rises linearly from 0 at z = -2 to full at
# z = +1 (judgement: z = 0, the matched mean, earns two thirds).
STEP2_Z_NO_CREDIT = -2.0
STEP2_Z_FULL_CREDIT = 1.0

# Attempts (FACTS §8B): no failed attempt = full; 1 = 40%; 2 or more = 0.
ATTEMPTS_CREDIT: tuple[float, ...] = (1.0, 0.4, 0.0)

# Visa (FACTS §8B): the visa you need is taken = full; unknown = 50%; no visa needed = full.
VISA_UNKNOWN_CREDIT = 0.5

# Years since graduation (FACTS §8B, from the cut-offs at 3, 5 and 10 years in F7.2).
def _yog_credit(years: int) -> float:
    if years <= 3:
        return 1.0
    if years <= 5:
        return 0.7
    if years <= 10:
        return 0.3
    return 0.0


# US clinical experience (FACTS §8B): 3+ hands-on months full, 2 months 70%, observerships only
# 30%, none 0; 1 hands-on month 50% (interpolated). Within the component, months weigh 80% and
# a letter from a US clinician 20% (Three Crosses IM prefers "USCE with a US letter", F6.5).
USCE_LETTER_SHARE = 0.2


def _usce_months_credit(hands_on: int, observership: int) -> float:
    if hands_on >= 3:
        return 1.0
    if hands_on == 2:
        return 0.7
    if hands_on == 1:
        return 0.5
    return 0.3 if observership > 0 else 0.0


# ---------------------------------------------------------------------------------------------
# Step 2 CK benchmarks per specialty (FACTS F9.29)
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class Step2Benchmark:
    """What a Step 2 CK is compared with in one specialty."""

    specialty: str
    mean: float  # matched non-US IMG mean (the benchmark)
    sd: float
    n_matched: int | None  # matched non-US IMGs with a score; None for placeholders
    unmatched_mean: float | None
    source: str

    @property
    def separates(self) -> bool:
        """Does Step 2 CK separate matched from unmatched applicants in this specialty?

        True when the matched mean is at least ``STEP2_SEPARATION_MIN_SD`` SDs above the
        unmatched mean, or when no unmatched figure exists (the cautious assumption).
        """
        if self.unmatched_mean is None:
            return True
        return (self.mean - self.unmatched_mean) / self.sd >= STEP2_SEPARATION_MIN_SD

    @property
    def small_cohort(self) -> bool:
        return self.n_matched is None or self.n_matched < SMALL_COHORT_N


_CO = "NRMP Charting Outcomes, non-US IMGs, 2026"
_B1 = "AAMC Report on Residents Table B1, 2019-20 (placeholder)"

# Keyed by ACGME specialty code (the first three digits of a program id).
STEP2_BENCHMARKS: Mapping[str, Step2Benchmark] = {
    # NRMP Charting Outcomes non-US IMG 2026, matched mean, SD, n, unmatched mean (F9.5-F9.15)
    "140": Step2Benchmark(specialty="Internal Medicine", mean=249, sd=14, n_matched=2649,
                          unmatched_mean=242, source=_CO),  # F9.5
    "120": Step2Benchmark(specialty="Family Medicine", mean=231, sd=12, n_matched=446,
                          unmatched_mean=232, source=_CO),  # F9.6
    "320": Step2Benchmark(specialty="Pediatrics", mean=241, sd=13, n_matched=422,
                          unmatched_mean=234, source=_CO),  # F9.7
    "400": Step2Benchmark(specialty="Psychiatry", mean=242, sd=16, n_matched=171,
                          unmatched_mean=237, source=_CO),  # F9.8
    "180": Step2Benchmark(specialty="Neurology", mean=250, sd=14, n_matched=166,
                          unmatched_mean=243, source=_CO),  # F9.9
    "300": Step2Benchmark(specialty="Pathology", mean=243, sd=13, n_matched=128,
                          unmatched_mean=236, source=_CO),  # F9.10
    "440": Step2Benchmark(specialty="General Surgery", mean=253, sd=13, n_matched=102,
                          unmatched_mean=246, source=_CO),  # F9.11
    "110": Step2Benchmark(specialty="Emergency Medicine", mean=244, sd=14, n_matched=60,
                          unmatched_mean=236, source=_CO),  # F9.12
    "220": Step2Benchmark(specialty="Obstetrics and Gynecology", mean=245, sd=12, n_matched=38,
                          unmatched_mean=238, source=_CO),  # F9.13
    "040": Step2Benchmark(specialty="Anesthesiology", mean=252, sd=14, n_matched=76,
                          unmatched_mean=246, source=_CO),  # F9.14
    "420": Step2Benchmark(specialty="Diagnostic Radiology", mean=251, sd=14, n_matched=75,
                          unmatched_mean=250, source=_CO),  # F9.15, F9.29
    "340": Step2Benchmark(specialty="Physical Medicine and Rehabilitation", mean=239, sd=13,
                          n_matched=15, unmatched_mean=237, source=_CO),  # F9.15, small n
    "185": Step2Benchmark(specialty="Child Neurology", mean=241, sd=15, n_matched=18,
                          unmatched_mean=237, source=_CO),  # F9.15, small n
    # Not in Charting Outcomes (applicants who rank them first are excluded, F9.2): AAMC Report
    # on Residents Table B1 2019-20 mean and SD, all graduates (F9.28), as placeholders (F9.29).
    "999": Step2Benchmark(specialty="Transitional Year", mean=245, sd=16.4, n_matched=None,
                          unmatched_mean=None, source=_B1),
    # IM preliminary has no ACGME code of its own (it sits inside 140 programs); the catalog
    # can pass "140P" once it tells the tracks apart.
    "140P": Step2Benchmark(specialty="Internal Medicine (preliminary)", mean=244, sd=15.5,
                           n_matched=None, unmatched_mean=None, source=_B1),
}
# Any other specialty: pooled 2026 matched median across 24 specialties, 248 (NRMP Charting
# Outcomes non-US IMG 2026, Table 2; F9.4), with SD 15 (USMLE Step 2 CK SD, F2.7).
FALLBACK_BENCHMARK = Step2Benchmark(
    specialty="", mean=248, sd=15, n_matched=None, unmatched_mean=None,
    source="NRMP Charting Outcomes 2026 pooled median (fallback)",
)
STEP2_SEPARATION_MIN_SD = 0.2  # judgement: the table splits cleanly between 0.15 and 0.27 SD
SMALL_COHORT_N = 30  # F9.29: "where fewer than 30 matched applicants have a score"

# ---------------------------------------------------------------------------------------------
# Tier rules: the ONE place that decides tiers (start: FACTS §8C; changes from the §9 evidence)
# ---------------------------------------------------------------------------------------------

TIER1_MIN_SCORE = 65  # FACTS §8C proposal (to be calibrated against outcomes)
TIER2_MIN_SCORE = 45  # FACTS §8C proposal
TIER1_MIN_IMG_FRIENDLINESS = 0.7  # FACTS §8C: Tier 1 needs an IMG-friendly program
# FACTS §8C: a university program with IMG-friendliness below 0.5 is a reach.
TIER3_UNIVERSITY_BELOW_FRIENDLINESS = 0.5
# Tier 1 needs Step 2 CK z >= -0.5 (FACTS §8C) in specialties where Step 2 CK separates matched
# from unmatched non-US IMGs. Where it does not (FM 231 vs 232, F9.6: the derived match chance
# is flat across score bands, F9.18), a -0.5 gate has no evidence behind it; Tier 1 then only
# needs a score inside the usual range of matched applicants, z >= -1.0 (FM: 219; the FM
# matched interquartile range is 222-239, F9.6).
TIER1_MIN_Z_SEPARATING = -0.5
TIER1_MIN_Z_NON_SEPARATING = -1.0
# Reach (Tier 3) when Step 2 CK z < -1.0 (FACTS §8C) in a separating specialty, unless the
# program is IMG-heavy (friendliness >= 0.7): matched IM non-US IMGs reach down to 209 (F9.5)
# and community programs fill 55-70% of PGY-1 posts with IMGs (F7.5) [judgement].
TIER3_BELOW_Z_SEPARATING = -1.0
# Reach anywhere below z = -2.0, outside the range of about 98% of matched applicants.
TIER3_BELOW_Z_ANY = -2.0

# Confidence (0-1): starts at 1 and loses points for unknown or old facts.
CONFIDENCE_HIGH = 0.75
CONFIDENCE_MEDIUM = 0.5
CONF_VISA_UNKNOWN = 0.25
CONF_IMG_ALL_IMG_ONLY = 0.05
CONF_IMG_SETTING_ONLY = 0.15
CONF_IMG_NOTHING = 0.25
CONF_BORDER_UNKNOWN = 0.05
CONF_BENCHMARK_FALLBACK = 0.10
CONF_BENCHMARK_SMALL = 0.05
CONF_YEAR_UNKNOWN = 0.05
CONF_AGE_3_4 = 0.05  # a fact 3-4 seasons old
CONF_AGE_5_PLUS = 0.10  # a fact 5 or more seasons old
CONF_FLOOR = 0.05
FACT_AGE_VERIFY = 3  # a visa policy this many seasons old goes on the to-verify list


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

    def __post_init__(self) -> None:
        if self.visa_need not in VISA_NEEDS:
            raise ValueError(f"visa_need must be one of {sorted(VISA_NEEDS)}")
        if self.spanish_level not in SPANISH_LEVELS:
            raise ValueError(f"spanish_level must be one of {SPANISH_LEVELS}")
        for name in ("step1_attempts", "step2_attempts", "step3_attempts"):
            if not 0 <= getattr(self, name) <= USMLE_MAX_ATTEMPTS:
                raise ValueError(f"{name} must be between 0 and {USMLE_MAX_ATTEMPTS}")
        for name in ("usce_hands_on_months", "usce_observership_months", "usce_border_months",
                     "us_letters", "research_experiences"):
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
    # Provenance year per fact key, e.g. {"j1_accepted": 2025}; missing/None = year unknown.
    fact_years: Mapping[str, int | None] = field(default_factory=dict)
    # Optional: a readable source name per fact key, e.g. {"img_share_pct": "AAMC Residency
    # Explorer"}; used only in the texts shown to the applicant.
    fact_sources: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for name in ("j1_accepted", "h1b_sponsored", "citizens_only", "step3_required"):
            if getattr(self, name) not in TRI_STATES:
                raise ValueError(f"{name} must be one of {sorted(TRI_STATES)}")
        for name in ("min_step2_strictness", "max_years_since_graduation_strictness",
                     "max_attempts_per_step_strictness", "min_usce_months_strictness",
                     "step3_strictness"):
            if getattr(self, name) not in STRICTNESS_VALUES:
                raise ValueError(f"{name} must be 'strict', 'preferred' or ''")
        if self.setting not in SETTINGS:
            raise ValueError(f"setting must be one of {sorted(SETTINGS)}")


# ---------------------------------------------------------------------------------------------
# Outputs
# ---------------------------------------------------------------------------------------------


class Tier(enum.Enum):
    """Where a program lands for one applicant.

    Ordering: a better tier compares as *greater*: ``TIER_1 > TIER_2 > TIER_3 > NOT_ELIGIBLE``.
    Sort best first with ``sorted(results, key=lambda r: r.tier, reverse=True)``.
    """

    TIER_1 = "tier1"
    TIER_2 = "tier2"
    TIER_3 = "tier3"
    NOT_ELIGIBLE = "not_eligible"

    @property
    def label(self) -> str:
        return _TIER_LABELS[self]

    @property
    def rank(self) -> int:
        """3 for Tier 1 down to 0 for Not eligible: higher is better."""
        return _TIER_RANKS[self]

    @property
    def number(self) -> int | None:
        """1, 2 or 3; None when not eligible."""
        return 4 - self.rank if self.rank else None

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Tier):
            return NotImplemented
        return self.rank < other.rank

    def __le__(self, other: object) -> bool:
        if not isinstance(other, Tier):
            return NotImplemented
        return self.rank <= other.rank

    def __gt__(self, other: object) -> bool:
        if not isinstance(other, Tier):
            return NotImplemented
        return self.rank > other.rank

    def __ge__(self, other: object) -> bool:
        if not isinstance(other, Tier):
            return NotImplemented
        return self.rank >= other.rank


_TIER_LABELS = {
    Tier.TIER_1: "Tier 1: realistic, high priority",
    Tier.TIER_2: "Tier 2: moderately realistic",
    Tier.TIER_3: "Tier 3: reach",
    Tier.NOT_ELIGIBLE: "Not eligible",
}
_TIER_RANKS = {Tier.TIER_1: 3, Tier.TIER_2: 2, Tier.TIER_3: 1, Tier.NOT_ELIGIBLE: 0}
_TIER_BY_RANK = {rank: tier for tier, rank in _TIER_RANKS.items()}


@dataclass(frozen=True, slots=True, kw_only=True)
class Reason:
    """One signed contribution to the score, in words an applicant understands."""

    component: str
    points: float
    text: str

    @property
    def display(self) -> str:
        """The points and the text, e.g. "+18 Non-US IMGs are 45% of residents here (...)"."""
        return f"{round(self.points):+d} {self.text}"


@dataclass(frozen=True, kw_only=True)
class ProgramResult:
    """How one program comes out for one applicant.

    ``reasons`` are the signed contributions (their points add up to ``score`` before it is
    capped at 0-100); ``components`` holds the same points per component. ``tier_notes`` say
    which rule held the tier below what the score alone would give; ``to_verify`` lists what to
    ask or check with the program. Not slotted: see ``_result``.
    """

    acgme_id: str
    eligible: bool
    tier: Tier
    score: int  # 0-100; 0 when not eligible
    confidence: float  # 0-1
    confidence_label: str  # "high" | "medium" | "low"
    hard_reasons: tuple[str, ...]  # why not eligible (empty when eligible)
    reasons: tuple[Reason, ...]  # signed contributions (empty when not eligible)
    tier_notes: tuple[str, ...]  # why the tier is lower than the score alone would give
    to_verify: tuple[str, ...]  # things to ask or check with the program
    components: Mapping[str, float]  # points per COMPONENTS key; empty when not eligible


_new_object = object.__new__
_set_attribute = object.__setattr__


def _result(acgme_id: str, eligible: bool, tier: Tier, score: int, confidence: float,
            hard_reasons: tuple[str, ...], reasons: tuple[Reason, ...],
            tier_notes: tuple[str, ...], to_verify: tuple[str, ...],
            components: Mapping[str, float]) -> ProgramResult:
    """Build a ProgramResult without the generated frozen ``__init__``.

    The generated ``__init__`` of a frozen dataclass sets each of the 11 fields through
    ``object.__setattr__``; for the national catalog that alone costs about 10 ms per profile.
    This fills the same fields in one step. The result is an ordinary frozen ProgramResult
    (equal to one built with the constructor; tested).
    """
    result = _new_object(ProgramResult)
    _set_attribute(result, "__dict__", {
        "acgme_id": acgme_id, "eligible": eligible, "tier": tier, "score": score,
        "confidence": confidence, "confidence_label": _confidence_label(confidence),
        "hard_reasons": hard_reasons, "reasons": reasons, "tier_notes": tier_notes,
        "to_verify": to_verify, "components": components,
    })
    return result


@dataclass(frozen=True, slots=True, kw_only=True)
class Suggestion:
    """The most attainable change that moves one program up a tier."""

    change: str  # "step3_pass" | "usce_hands_on" | "usce_border" | "spanish" | "us_letters"
    #              | "step2_target"
    amount: int | None  # months, letters or the Step 2 CK target; None for a pass or Spanish
    text: str  # e.g. "A Step 3 pass would make this Tier 2"
    current_tier: Tier
    new_tier: Tier
    new_score: int
    changed_applicant: Applicant


# ---------------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------------


def specialty_code_of(program: ProgramFacts) -> str:
    """The program's ACGME specialty code; from the id's first three digits when not given."""
    return program.specialty_code or program.acgme_id[:3]


def benchmark_for(specialty_code: str) -> Step2Benchmark:
    """The Step 2 CK benchmark of a specialty, or the documented fallback."""
    return STEP2_BENCHMARKS.get(specialty_code, FALLBACK_BENCHMARK)


def step2_z(*, applicant: Applicant, specialty_code: str) -> float | None:
    """(Step 2 CK - benchmark) / SD for the specialty; None when Step 2 CK is not passed."""
    if applicant.step2_score is None:
        return None
    bench = benchmark_for(specialty_code)
    return (applicant.step2_score - bench.mean) / bench.sd


def failed_attempts(applicant: Applicant) -> tuple[int, int, int]:
    """Failed sittings per Step (1, 2 CK, 3)."""
    return (
        _failures(applicant.step1_attempts, applicant.step1_passed),
        _failures(applicant.step2_attempts, applicant.step2_score is not None),
        _failures(applicant.step3_attempts, applicant.step3_passed),
    )


def _failures(attempts: int, passed: bool) -> int:
    return max(0, attempts - 1) if passed else attempts


def _cite(program: ProgramFacts, key: str) -> str:
    source = program.fact_sources.get(key)
    year = program.fact_years.get(key)
    if source and year:
        return f" ({source}, {year})"
    if year:
        return f" ({year})"
    if source:
        return f" ({source}, year unknown)"
    return " (year unknown)"


def _fact_age_penalty(program: ProgramFacts, key: str, as_of_year: int) -> float:
    year = program.fact_years.get(key)
    if year is None:
        return CONF_YEAR_UNKNOWN
    age = as_of_year - year
    if age >= 5:
        return CONF_AGE_5_PLUS
    if age >= 3:
        return CONF_AGE_3_4
    return 0.0


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _fmt_pct(value: float) -> str:
    return f"{value:.0f}%"


_VISA_NAMES = {"j1": "J-1", "h1b": "H-1B"}
_VISA_KEYS = {"j1": "j1_accepted", "h1b": "h1b_sponsored"}
_SETTING_NAMES = {
    "community": "community",
    "university_affiliated_community": "university-affiliated community",
    "university": "university",
    "military": "military",
    "other": "other",
}


# ---------------------------------------------------------------------------------------------
# Per-applicant and per-specialty work, done once per profile
# ---------------------------------------------------------------------------------------------


class _Spec:
    """Step 2 CK values for one applicant in one specialty."""

    __slots__ = ("code", "bench", "z", "separates", "weight_step2", "weight_img", "step2_points",
                 "step2_reason", "tier1_z_ok", "reach_any", "reach_separating", "conf_penalty",
                 "tier_note_z1", "tier_note_reach")

    def __init__(self, ctx: _Context, code: str) -> None:
        a = ctx.applicant
        self.code = code
        bench = self.bench = benchmark_for(code)
        self.separates = bench.separates
        self.weight_step2 = WEIGHT_STEP2 if self.separates else WEIGHT_STEP2_NON_SEPARATING
        self.weight_img = WEIGHT_IMG if self.separates else WEIGHT_IMG_NON_SEPARATING
        name = bench.specialty or "this specialty"
        if bench is FALLBACK_BENCHMARK:
            versus = (f"{bench.mean:g}, the median of matched non-US IMGs across specialties "
                      "(NRMP Charting Outcomes 2026); there is no figure for this specialty")
        elif bench.source == _CO:
            versus = f"{bench.mean:g}, the mean of non-US IMGs who matched in {name} ({_CO})"
        else:
            versus = f"{bench.mean:g}, the average first-year resident in {name} ({bench.source})"
        if a.step2_score is None:
            self.z = None
            self.step2_points = 0.0
            self.step2_reason = Reason(
                component=C_STEP2, points=0.0,
                text="Step 2 CK not passed yet: programs screen IMGs on it",
            )
            self.tier1_z_ok = False
            self.reach_any = True
            self.reach_separating = True
            self.tier_note_z1 = ""
            self.tier_note_reach = (
                "Tier 3 at best until you pass Step 2 CK: programs screen IMGs on it"
            )
        else:
            z = self.z = (a.step2_score - bench.mean) / bench.sd
            credit = min(1.0, max(0.0, (z - STEP2_Z_NO_CREDIT)
                                  / (STEP2_Z_FULL_CREDIT - STEP2_Z_NO_CREDIT)))
            self.step2_points = round(self.weight_step2 * credit, 1)
            text = f"Your Step 2 CK {a.step2_score} vs {versus}"
            if not self.separates:
                text += ("; here matched and unmatched applicants had about the same average, "
                         "so Step 2 CK counts less")
            self.step2_reason = Reason(component=C_STEP2, points=self.step2_points, text=text)
            floor = TIER1_MIN_Z_SEPARATING if self.separates else TIER1_MIN_Z_NON_SEPARATING
            self.tier1_z_ok = z >= floor
            self.reach_any = z < TIER3_BELOW_Z_ANY
            self.reach_separating = self.separates and z < TIER3_BELOW_Z_SEPARATING
            target = bench.mean + floor * bench.sd
            reference = ("the mean of matched non-US IMGs" if bench.source == _CO
                         else "the reference score")
            self.tier_note_z1 = (
                f"Tier 2 at best: Tier 1 needs a Step 2 CK of about {target:.0f} or more in "
                f"{name} ({reference} {bench.mean:g}, SD {bench.sd:g})"
            )
            if self.reach_any:
                self.tier_note_reach = (
                    f"Tier 3: your Step 2 CK is more than {-TIER3_BELOW_Z_ANY:g} SD below "
                    f"{bench.mean:g}, {reference} in {name}"
                )
            else:
                self.tier_note_reach = (
                    f"Tier 3: your Step 2 CK is more than {-TIER3_BELOW_Z_SEPARATING:g} SD below "
                    f"{bench.mean:g}, {reference} in {name}, and this program is not known to "
                    "be IMG-heavy"
                )
        if bench is FALLBACK_BENCHMARK:
            self.conf_penalty = CONF_BENCHMARK_FALLBACK
        elif bench.small_cohort:
            self.conf_penalty = CONF_BENCHMARK_SMALL
        else:
            self.conf_penalty = 0.0


class _Context:
    """Everything about the applicant that does not depend on the program."""

    __slots__ = ("applicant", "failures", "max_failures", "total_failures", "years", "needs_visa",
                 "visa", "visa_name", "visa_key", "attempts_reason", "yog_reason", "usce_reason",
                 "border_reason", "specs", "img_cache", "visa_cache", "verify_visa_unknown",
                 "verify_img_unknown", "failed_steps", "base_points", "tier_cache", "ago")

    def __init__(self, applicant: Applicant) -> None:
        a = self.applicant = applicant
        self.failures = failed_attempts(a)
        self.max_failures = max(self.failures)
        self.total_failures = sum(self.failures)
        self.failed_steps = tuple(
            (STEP_NAMES[i], n) for i, n in enumerate(self.failures) if n > 0
        )
        self.years = max(0, a.as_of_year - a.graduation_year)
        self.visa = a.visa_need
        self.needs_visa = a.visa_need != "none"
        self.visa_name = _VISA_NAMES.get(a.visa_need, "")
        self.visa_key = _VISA_KEYS.get(a.visa_need, "")
        self.specs: dict[str, _Spec] = {}
        self.img_cache: dict[tuple, tuple[float, bool, Reason, float]] = {}
        self.visa_cache: dict[tuple, Reason] = {}
        self.tier_cache: dict[tuple, tuple[Tier, tuple[str, ...]]] = {}

        # Attempts
        credit = ATTEMPTS_CREDIT[min(self.total_failures, len(ATTEMPTS_CREDIT) - 1)]
        points = round(WEIGHT_ATTEMPTS * credit, 1)
        if self.total_failures == 0:
            text = "No failed USMLE attempts"
        else:
            which = ", ".join(f"{n} on {step}" for step, n in self.failed_steps)
            text = (f"{_plural(self.total_failures, 'failed USMLE attempt')} ({which}): 74% of "
                    "program directors cite failed attempts when choosing whom to interview "
                    "(NRMP Program Director Survey 2021)")
        self.attempts_reason = Reason(component=C_ATTEMPTS, points=points, text=text)

        # Years since graduation
        points = round(WEIGHT_YOG * _yog_credit(self.years), 1)
        self.ago = "this year" if self.years == 0 else f"{_plural(self.years, 'year')} ago"
        self.yog_reason = Reason(
            component=C_YOG, points=points,
            text=f"You graduated {self.ago}; programs' stated limits cluster at 3, 5 and 10 years",
        )

        # US clinical experience and letters
        months_credit = _usce_months_credit(a.usce_hands_on_months, a.usce_observership_months)
        letter_credit = 1.0 if a.us_letters >= 1 else 0.0
        credit = (1 - USCE_LETTER_SHARE) * months_credit + USCE_LETTER_SHARE * letter_credit
        points = round(WEIGHT_USCE * credit, 1)
        parts = []
        if a.usce_hands_on_months:
            parts.append(f"{_plural(a.usce_hands_on_months, 'month')} of hands-on US clinical "
                         "experience")
        elif a.usce_observership_months:
            parts.append(f"observerships only ({_plural(a.usce_observership_months, 'month')}); "
                         "programs look for hands-on experience")
        else:
            parts.append("no US clinical experience yet")
        parts.append(f"{_plural(a.us_letters, 'US letter')} of recommendation" if a.us_letters
                     else "no letter from a US clinician yet")
        text = " and ".join(parts) + " (full credit: 3 hands-on months and a US letter)"
        self.usce_reason = Reason(component=C_USCE, points=points, text=text[0].upper() + text[1:])

        # Border mission fit (used only for programs in the border region)
        spanish = SPANISH_CREDIT[a.spanish_level]
        clinical = min(1.0, a.usce_border_months / BORDER_FULL_CLINICAL_MONTHS)
        projects = 1.0 if a.border_or_underserved_projects else 0.0
        credit = (BORDER_SHARE_SPANISH * spanish + BORDER_SHARE_CLINICAL * clinical
                  + BORDER_SHARE_PROJECTS * projects)
        points = round(WEIGHT_BORDER * credit, 1)
        brings = []
        if a.spanish_level != "none":
            brings.append(f"{a.spanish_level} Spanish")
        if a.usce_border_months:
            brings.append(f"{_plural(a.usce_border_months, 'month')} of US clinical experience "
                          "in the border region")
        if a.border_or_underserved_projects:
            brings.append("border or underserved-care work")
        you = ("you bring " + ", ".join(brings)) if brings else "nothing on your profile yet"
        self.border_reason = Reason(
            component=C_BORDER, points=points,
            text=("Border mission fit: border-region programs state Southwest ties, border "
                  f"health and cross-border care as their mission; {you}. This shows fit with "
                  "their mission, not a better chance of matching"),
        )

        self.base_points = (self.attempts_reason.points + self.yog_reason.points
                            + self.usce_reason.points)
        self.verify_visa_unknown = (
            f"Visa policy unknown: ask the program whether it "
            f"{'takes J-1 visas' if a.visa_need == 'j1' else 'sponsors H-1B visas'}"
        )
        self.verify_img_unknown = (
            "Share of IMG residents unknown: check the current residents on the program's "
            "website or in AAMC Residency Explorer"
        )

    def spec(self, code: str) -> _Spec:
        spec = self.specs.get(code)
        if spec is None:
            spec = self.specs[code] = _Spec(self, code)
        return spec


# ---------------------------------------------------------------------------------------------
# Gates
# ---------------------------------------------------------------------------------------------


def _gates(ctx: _Context, p: ProgramFacts) -> list[str]:
    """Hard reasons, each from a strict program statement or from the law."""
    a = ctx.applicant
    out: list[str] = []
    # USMLE: 4 failed attempts on any Step end eligibility (usmle.org attempt limit; F2.6).
    if ctx.max_failures >= USMLE_MAX_ATTEMPTS:
        steps = ", ".join(step for step, n in ctx.failed_steps if n >= USMLE_MAX_ATTEMPTS)
        out.append(f"{USMLE_MAX_ATTEMPTS} failed attempts on {steps}: the USMLE attempt limit "
                   "ends eligibility for residency (USMLE, Attempt limit, 2021)")
    # Texas: each Step passed within 3 attempts (Tex. Occ. Code §155.056(a); F6.12).
    if ctx.max_failures >= 3 and p.state.upper() == "TX":
        steps = ", ".join(step for step, n in ctx.failed_steps if n >= 3)
        out.append(f"Texas law requires each Step passed within 3 attempts (Texas Occupations "
                   f"Code §155.056); you have 3 or more failed attempts on {steps}")
    # Visa (program policy) and H-1B law.
    if ctx.needs_visa:
        if p.citizens_only == YES:
            out.append("Takes only US citizens and permanent residents"
                       + _cite(p, "citizens_only") + f"; you need a {ctx.visa_name} visa")
        if ctx.visa == "j1" and p.j1_accepted == NO:
            out.append("Does not take J-1 visas" + _cite(p, "j1_accepted"))
        if ctx.visa == "h1b":
            if p.h1b_sponsored == NO:
                out.append("Does not sponsor H-1B visas" + _cite(p, "h1b_sponsored"))
            if not a.step3_passed:
                out.append("An H-1B for residency requires USMLE Step 3 passed (HHS 1992 "
                           "FLEX-equivalence); you have not passed Step 3")
    # Program-stated strict limits.
    if p.max_years_since_graduation_strictness == STRICT \
            and p.max_years_since_graduation is not None \
            and ctx.years > p.max_years_since_graduation:
        out.append(f"Requires graduation within {_plural(p.max_years_since_graduation, 'year')}; "
                   f"you graduated {ctx.ago}" + _cite(p, "max_years_since_graduation"))
    if p.min_step2_strictness == STRICT and p.min_step2_score is not None \
            and a.step2_score is not None and a.step2_score < p.min_step2_score:
        out.append(f"Requires a Step 2 CK of at least {p.min_step2_score}; yours is "
                   f"{a.step2_score}" + _cite(p, "min_step2_score"))
    if p.min_usce_months_strictness == STRICT:
        if p.min_usce_months is None:
            if a.usce_hands_on_months == 0:
                out.append("Requires hands-on US clinical experience; you have none"
                           + _cite(p, "min_usce_months"))
        elif a.usce_hands_on_months < p.min_usce_months:
            out.append(f"Requires {_plural(p.min_usce_months, 'month')} of hands-on US "
                       f"clinical experience; you have {a.usce_hands_on_months}"
                       + _cite(p, "min_usce_months"))
    if p.max_attempts_per_step_strictness == STRICT and p.max_attempts_per_step is not None \
            and ctx.max_failures >= p.max_attempts_per_step:
        out.append(_attempts_text("Requires", p.max_attempts_per_step, ctx)
                   + _cite(p, "max_attempts_per_step"))
    if p.step3_required == YES and p.step3_strictness == STRICT and not a.step3_passed:
        out.append("Requires USMLE Step 3 passed; you have not passed it"
                   + _cite(p, "step3_required"))
    return out


def _attempts_text(verb: str, limit: int, ctx: _Context) -> str:
    steps = ", ".join(step for step, n in ctx.failed_steps if n >= limit)
    if limit == 1:
        return (f"{verb} every Step passed on the first attempt; you have a failed attempt on "
                f"{steps}")
    return (f"{verb} each Step passed within {limit} attempts; you have {limit} or more failed "
            f"attempts on {steps}")


# ---------------------------------------------------------------------------------------------
# Scoring one program
# ---------------------------------------------------------------------------------------------


def _img_component(ctx: _Context, p: ProgramFacts,
                   weight: float) -> tuple[float, bool, Reason, float]:
    """(friendliness 0-1, IMG share known, reason with the points, confidence penalty).

    Cached per applicant on everything the answer depends on (value, year, source, weight).
    """
    years = p.fact_years
    if p.non_us_img_share_pct is not None:
        key: tuple = ("n", p.non_us_img_share_pct, years.get("non_us_img_share_pct"),
                      p.fact_sources.get("non_us_img_share_pct"), weight)
    elif p.img_share_pct is not None:
        key = ("a", p.img_share_pct, years.get("img_share_pct"),
               p.fact_sources.get("img_share_pct"), weight)
    else:
        key = ("s", p.setting, years.get("setting"), weight)
    cached = ctx.img_cache.get(key)
    if cached is None:
        cached = ctx.img_cache[key] = _img_uncached(ctx, p, key[0], weight)
    return cached


def _img_uncached(ctx: _Context, p: ProgramFacts, kind: str,
                  weight: float) -> tuple[float, bool, Reason, float]:
    as_of = ctx.applicant.as_of_year
    if kind == "n":
        value = p.non_us_img_share_pct or 0.0
        friend = min(1.0, value / NON_US_IMG_SHARE_FULL_CREDIT_PCT)
        text = (f"Non-US IMGs are {_fmt_pct(value)} of residents here"
                + _cite(p, "non_us_img_share_pct"))
        known = True
        penalty = _fact_age_penalty(p, "non_us_img_share_pct", as_of)
    elif kind == "a":
        value = p.img_share_pct or 0.0
        friend = min(1.0, value / IMG_SHARE_FULL_CREDIT_PCT)
        text = (f"IMGs are {_fmt_pct(value)} of residents here" + _cite(p, "img_share_pct")
                + "; how many are non-US citizens is not known")
        known = True
        penalty = CONF_IMG_ALL_IMG_ONLY + _fact_age_penalty(p, "img_share_pct", as_of)
    else:
        known = False
        friend = SETTING_FRIENDLINESS.get(p.setting, UNKNOWN_FRIENDLINESS)
        if p.setting in SETTING_FRIENDLINESS:
            text = (f"IMG share unknown; estimated from the {_SETTING_NAMES[p.setting]} setting "
                    "(community IM programs give 55-70% of first-year posts to IMGs, university "
                    "programs 22-30%: Reddy et al., JGIM 2021)")
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
            reason = ctx.visa_cache[key] = Reason(component=C_VISA, points=WEIGHT_VISA,
                                                  text="You need no visa")
        return True, reason
    status = p.j1_accepted if ctx.visa == "j1" else p.h1b_sponsored
    fact = ctx.visa_key
    key = (status, p.fact_years.get(fact), p.fact_sources.get(fact))
    reason = ctx.visa_cache.get(key)
    if reason is None:
        if status == YES:
            verb = "Takes J-1 visas" if ctx.visa == "j1" else "Sponsors H-1B visas"
            reason = Reason(component=C_VISA, points=WEIGHT_VISA, text=verb + _cite(p, fact))
        else:
            reason = Reason(
                component=C_VISA, points=round(WEIGHT_VISA * VISA_UNKNOWN_CREDIT, 1),
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
    reasons = [img_reason, spec.step2_reason, ctx.attempts_reason, visa_reason, ctx.yog_reason,
               ctx.usce_reason]
    components = {
        C_IMG: img_points, C_STEP2: spec.step2_points, C_ATTEMPTS: ctx.attempts_reason.points,
        C_VISA: visa_points, C_YOG: ctx.yog_reason.points, C_USCE: ctx.usce_reason.points,
        C_BORDER: 0.0, C_PREFERENCES: 0.0,
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
                    to_verify.append(f"The {ctx.visa_name} policy on file is from {year}: "
                                     "confirm it for this season")
        else:
            confidence -= CONF_VISA_UNKNOWN
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
    if (p.max_years_since_graduation is not None or p.min_step2_score is not None
            or p.max_attempts_per_step is not None or p.min_usce_months_strictness
            or p.step3_required == YES):
        penalties, first_attempt_pref_missed = _preferences(ctx, p, reasons, to_verify)
        if penalties:
            total -= penalties
            components[C_PREFERENCES] = round(-penalties, 1)

    score = round(total)
    score = 100 if score > 100 else 0 if score < 0 else score
    tier, notes = _tier(ctx, score, friend, share_known, visa_known, spec, p.setting,
                        first_attempt_pref_missed)
    confidence = CONF_FLOOR if confidence < CONF_FLOOR else round(confidence, 2)
    return _result(p.acgme_id, True, tier, score, confidence, (), tuple(reasons), notes,
                   tuple(to_verify), components)


def _not_eligible(ctx: _Context, p: ProgramFacts, hard: list[str]) -> ProgramResult:
    """A gated program. Confidence falls when the refusing visa fact is old or undated."""
    conf = 1.0
    to_verify: list[str] = []
    if ctx.needs_visa:
        status = p.j1_accepted if ctx.visa == "j1" else p.h1b_sponsored
        if status == NO:
            conf -= _fact_age_penalty(p, ctx.visa_key, ctx.applicant.as_of_year)
            year = p.fact_years.get(ctx.visa_key)
            if year is not None and ctx.applicant.as_of_year - year >= FACT_AGE_VERIFY:
                to_verify.append(f"The {ctx.visa_name} policy on file is from {year}: it may "
                                 "have changed, confirm it with the program")
    conf = round(max(CONF_FLOOR, conf), 2)
    return _result(p.acgme_id, False, Tier.NOT_ELIGIBLE, 0, conf, tuple(hard), (), (),
                   tuple(to_verify), {})


def _preferences(ctx: _Context, p: ProgramFacts, reasons: list[Reason],
                 to_verify: list[str]) -> tuple[float, bool]:
    """(penalty points, a stated attempts preference is missed)."""
    a = ctx.applicant
    penalties = 0.0
    attempts_missed = False
    if p.max_years_since_graduation is not None \
            and p.max_years_since_graduation_strictness != STRICT \
            and ctx.years > p.max_years_since_graduation:
        penalties += _penalty(reasons, to_verify, p, "max_years_since_graduation",
                              p.max_years_since_graduation_strictness, PENALTY_PREFERRED_YOG,
                              f"graduation within {_plural(p.max_years_since_graduation, 'year')}"
                              f"; you graduated {ctx.ago}")
    if p.min_step2_score is not None:
        if a.step2_score is None:
            to_verify.append(f"States a Step 2 CK minimum of {p.min_step2_score}"
                             f"{' (required)' if p.min_step2_strictness == STRICT else ''}: aim "
                             "for it when you sit the exam")
        elif p.min_step2_strictness != STRICT and a.step2_score < p.min_step2_score:
            penalties += _penalty(reasons, to_verify, p, "min_step2_score",
                                  p.min_step2_strictness, PENALTY_PREFERRED_STEP2,
                                  f"a Step 2 CK of at least {p.min_step2_score}; yours is "
                                  f"{a.step2_score}")
    if p.max_attempts_per_step is not None and p.max_attempts_per_step_strictness != STRICT \
            and ctx.max_failures >= p.max_attempts_per_step:
        attempts_missed = True
        limit = p.max_attempts_per_step
        what = ("every Step passed on the first attempt" if limit == 1
                else f"each Step passed within {limit} attempts")
        penalties += _penalty(reasons, to_verify, p, "max_attempts_per_step",
                              p.max_attempts_per_step_strictness, PENALTY_PREFERRED_ATTEMPTS,
                              f"{what}; you have {_plural(ctx.total_failures, 'failed attempt')}")
    if p.min_usce_months_strictness == STRICT and p.min_usce_months is None:
        to_verify.append("Requires hands-on US clinical experience but does not say how much: "
                         f"confirm that your {_plural(a.usce_hands_on_months, 'month')} are "
                         "enough")
    elif p.min_usce_months_strictness != STRICT:
        needed = p.min_usce_months
        if needed is None and p.min_usce_months_strictness == PREFERRED:
            needed = 1  # "preferred, amount not stated": any hands-on month meets it
        if needed is not None and a.usce_hands_on_months < needed:
            what = (f"{_plural(needed, 'month')} of hands-on US clinical experience"
                    if p.min_usce_months is not None else "hands-on US clinical experience")
            penalties += _penalty(reasons, to_verify, p, "min_usce_months",
                                  p.min_usce_months_strictness, PENALTY_PREFERRED_USCE,
                                  f"{what}; you have {a.usce_hands_on_months}")
    if p.step3_required == YES and p.step3_strictness != STRICT and not a.step3_passed:
        penalties += _penalty(reasons, to_verify, p, "step3_required", p.step3_strictness,
                              PENALTY_PREFERRED_STEP3, "Step 3 passed; you have not passed it")
    return penalties, attempts_missed


def _penalty(reasons: list[Reason], to_verify: list[str], p: ProgramFacts, key: str,
             strictness: str, points: float, what: str) -> float:
    """Record a missed stated preference; returns the points to subtract."""
    if strictness == PREFERRED:
        text = f"Prefers {what}" + _cite(p, key)
    else:
        text = f"States {what}" + _cite(p, key)
        to_verify.append(f"The program states {what.split(';')[0]} but not whether it is "
                         "required: ask")
    reasons.append(Reason(component=C_PREFERENCES, points=-points, text=text))
    return points


def _tier(ctx: _Context, score: int, friend: float, share_known: bool, visa_known: bool,
          spec: _Spec, setting: str, first_attempt_pref_missed: bool) -> tuple[Tier,
                                                                           tuple[str, ...]]:
    """Apply the tier rules (the constants above) to an eligible program."""
    if score >= TIER1_MIN_SCORE:
        by_score = 3
    elif score >= TIER2_MIN_SCORE:
        by_score = 2
    else:
        by_score = 1
    key = (spec.code, by_score, friend < TIER1_MIN_IMG_FRIENDLINESS,
           setting == "university" and friend < TIER3_UNIVERSITY_BELOW_FRIENDLINESS,
           share_known, visa_known, first_attempt_pref_missed)
    cached = ctx.tier_cache.get(key)
    if cached is None:
        cached = ctx.tier_cache[key] = _tier_rules(by_score, *key[2:], spec=spec,
                                                   needs_visa=ctx.needs_visa)
    return cached


def _tier_rules(by_score: int, not_img_heavy: bool, university_low: bool, share_known: bool,
                visa_known: bool, first_attempt_pref_missed: bool, *, spec: _Spec,
                needs_visa: bool) -> tuple[Tier, tuple[str, ...]]:
    notes: list[tuple[int, str]] = []
    # Reach (Tier 3).
    if spec.reach_any or (spec.reach_separating and not_img_heavy):
        notes.append((1, spec.tier_note_reach))
    if university_low:
        notes.append((1, "Tier 3: a university program without a known high IMG share "
                         "(university programs give 22-30% of first-year posts to IMGs)"))
    # At best Tier 2: unknown is not yes.
    if needs_visa and not visa_known:
        notes.append((2, "Tier 2 at best: the program's visa policy is unknown"))
    if not share_known:
        notes.append((2, "Tier 2 at best: the program's share of IMG residents is unknown"))
    elif not_img_heavy:
        notes.append((2, "Tier 2 at best: IMGs are not a large share of residents here"))
    if not spec.tier1_z_ok and spec.tier_note_z1:
        notes.append((2, spec.tier_note_z1))
    if first_attempt_pref_missed:
        notes.append((2, "Tier 2 at best: the program prefers passes on the first attempt"))
    rank = min([by_score, *(cap for cap, _ in notes)])
    shown = tuple(text for cap, text in sorted(notes, key=lambda n: n[0]) if cap < by_score)
    return _TIER_BY_RANK[rank], shown


def _confidence_label(value: float) -> str:
    if value >= CONFIDENCE_HIGH:
        return "high"
    if value >= CONFIDENCE_MEDIUM:
        return "medium"
    return "low"


# ---------------------------------------------------------------------------------------------
# Public API
# ---------------------------------------------------------------------------------------------


def score_program(*, applicant: Applicant, program: ProgramFacts) -> ProgramResult:
    """Gates, score, tier, confidence and reasons for one program."""
    return _score(_Context(applicant), program)


def score_programs(*, applicant: Applicant,
                   programs: Iterable[ProgramFacts]) -> list[ProgramResult]:
    """Score many programs for one applicant, in the order given.

    The applicant's own values (attempts, years, clinical experience, border fit, Step 2 CK per
    specialty) are computed once and shared by every program.
    """
    ctx = _Context(applicant)
    # The batch allocates a few objects per program and creates no reference cycles, but the
    # cyclic collector's full passes over every live object made a 10x catalog cost 18x the
    # time (gc callbacks: 239 of 581 ms in collection; benchmarks/scoring_bench.py). Pausing it
    # for the batch keeps the cost linear in the number of programs.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return [_score(ctx, p) for p in programs]
    finally:
        if collecting:
            gc.enable()


def applicant_warnings(*, applicant: Applicant) -> list[str]:
    """Warnings about the profile that apply to every program (not per-program gates)."""
    a = applicant
    out: list[str] = []
    failures = failed_attempts(a)
    if not a.ecfmg_certified:
        out.append("ECFMG must confirm that you meet the exam requirements for certification by "
                   "the rank-order-list deadline, or you are withdrawn from the Match and SOAP "
                   "(NRMP)")
    if not a.step1_passed or a.step2_score is None:
        missing = [s for s, ok in (("Step 1", a.step1_passed),
                                   ("Step 2 CK", a.step2_score is not None)) if not ok]
        out.append(f"{' and '.join(missing)} not passed yet: both are needed for ECFMG "
                   "certification and for a J-1 visa, and most programs screen on Step 2 CK")
    if max(failures) >= USMLE_MAX_ATTEMPTS:
        out.append("4 failed attempts on a Step: the USMLE attempt limit makes you ineligible "
                   "(USMLE, Attempt limit, 2021)")
    elif max(failures) >= 3:
        out.append("3 failed attempts on a Step: Texas programs are closed to you (Texas "
                   "Occupations Code §155.056), and one more failure would end eligibility "
                   "everywhere (USMLE attempt limit)")
    if a.visa_need == "h1b" and not a.step3_passed:
        out.append("An H-1B for residency requires Step 3 passed (HHS 1992): until you pass it, "
                   "only programs you could join without a visa or on a J-1 are open")
    if a.visa_need == "j1":
        out.append("A J-1 needs a Statement of Need from the Ministry of Health of your country "
                   "and brings a 2-year home-country requirement (ECFMG); a Conrad 30 waiver "
                   "requires 3 years in an underserved area")
    years = a.as_of_year - a.graduation_year
    if years > 10:
        out.append(f"You graduated {years} years ago: many programs state limits of 3, 5 or 10 "
                   "years, so check each program")
    if a.step2_score is not None and a.step2_score < benchmark_for("120").mean:
        out.append(f"Step 2 CK {a.step2_score} is below {benchmark_for('120').mean:g}, the mean of "
                   "non-US IMGs who matched even in Family Medicine (NRMP Charting Outcomes "
                   "2026): program type and specialty choice decide a lot")
    if a.usce_hands_on_months == 0:
        out.append("No hands-on US clinical experience: many programs require or prefer it; "
                   "observerships count for less")
    return out


_SPANISH_NEXT = dict(zip(SPANISH_LEVELS, SPANISH_LEVELS[1:], strict=False))
STEP2_HIGHEST_TARGET = 290  # search ceiling for a Step 2 CK target


def _in_border(program: ProgramFacts) -> bool:
    if program.in_border_region is not None:
        return program.in_border_region
    return program.border_distance_km is not None \
        and program.border_distance_km <= BORDER_REGION_KM


def _candidates(a: Applicant, p: ProgramFacts) -> Iterable[tuple[str, int | None, Applicant,
                                                                 str]]:
    """Profile changes in order of how attainable they are (the text has a {tier} slot).

    Changes that cannot alter this program's result are skipped: a Step 3 pass where neither
    the program nor an H-1B asks for it; months beyond the point where every USCE rule and
    credit is already met; Spanish outside the border region; letters beyond the first.
    """
    fails3 = _failures(a.step3_attempts, a.step3_passed)
    step3_matters = p.step3_required == YES or a.visa_need == "h1b"
    if step3_matters and not a.step3_passed and fails3 < USMLE_MAX_ATTEMPTS \
            and a.step3_attempts < USMLE_MAX_ATTEMPTS:
        yield ("step3_pass", None,
               replace(a, step3_passed=True, step3_attempts=a.step3_attempts + 1),
               "A Step 3 pass would make this {tier}")
    # Hands-on months stop mattering once full credit (3) and any stated minimum are met.
    enough = max(3, p.min_usce_months or 0, 1 if p.min_usce_months_strictness else 0)
    hands_on_gap = min(12, max(0, enough - a.usce_hands_on_months))
    for months in range(1, hands_on_gap + 1):
        yield ("usce_hands_on", months,
               replace(a, usce_hands_on_months=a.usce_hands_on_months + months),
               f"{_plural(months, 'more month')} of hands-on US clinical experience would make "
               "this {tier}")
    border = _in_border(p)
    border_gap = max(0, BORDER_FULL_CLINICAL_MONTHS - a.usce_border_months)
    # Outside the border region these months would only repeat the hands-on candidates.
    for months in range(1, min(12, max(hands_on_gap, border_gap)) + 1 if border else 1):
        yield ("usce_border", months,
               replace(a, usce_hands_on_months=a.usce_hands_on_months + months,
                       usce_border_months=a.usce_border_months + months),
               f"{_plural(months, 'more month')} of hands-on US clinical experience in the "
               "border region would make this {tier}")
    nxt = _SPANISH_NEXT.get(a.spanish_level)
    if nxt and border:
        yield ("spanish", None, replace(a, spanish_level=nxt),
               f"Improving your Spanish from {a.spanish_level} to {nxt} would make this {{tier}}")
    if a.us_letters == 0:  # only the first US letter earns credit
        yield ("us_letters", 1, replace(a, us_letters=1),
               "A letter of recommendation from a US clinician would make this {tier}")


def _step2_target(a: Applicant, p: ProgramFacts, current: Tier,
                  contexts: dict[Applicant, _Context]) -> tuple[int, Applicant,
                                                                ProgramResult] | None:
    """The lowest Step 2 CK that moves the program up, while Step 2 CK is not passed.

    A higher passed score never gives a worse tier (tested), so a binary search finds it.
    """
    if a.step2_score is not None:
        return None  # a passed exam cannot be retaken to raise its score
    if _failures(a.step2_attempts, False) >= USMLE_MAX_ATTEMPTS:
        return None
    attempts = min(USMLE_MAX_ATTEMPTS, a.step2_attempts + 1)

    def attempt(target: int) -> tuple[Applicant, ProgramResult]:
        changed = replace(a, step2_score=target, step2_attempts=attempts)
        return changed, _score(_context(changed, contexts), p)

    best = attempt(STEP2_HIGHEST_TARGET)
    if not best[1].tier > current:
        return None
    low, high = STEP2_PASSING_SCORE, STEP2_HIGHEST_TARGET
    found = (STEP2_HIGHEST_TARGET, *best)
    while low < high:
        middle = (low + high) // 2
        changed, result = attempt(middle)
        if result.tier > current:
            high = middle
            found = (middle, changed, result)
        else:
            low = middle + 1
    if found[0] != low:
        changed, result = attempt(low)
        found = (low, changed, result)
    return found


def _context(applicant: Applicant, contexts: dict[Applicant, _Context]) -> _Context:
    ctx = contexts.get(applicant)
    if ctx is None:
        ctx = contexts[applicant] = _Context(applicant)
    return ctx


def _suggest(applicant: Applicant, program: ProgramFacts,
             contexts: dict[Applicant, _Context]) -> Suggestion | None:
    current = _score(_context(applicant, contexts), program)
    if current.tier is Tier.TIER_1:
        return None
    for change, amount, changed, text in _candidates(applicant, program):
        result = _score(_context(changed, contexts), program)
        if result.tier > current.tier:
            return Suggestion(
                change=change, amount=amount, text=text.format(tier=_tier_name(result.tier)),
                current_tier=current.tier, new_tier=result.tier, new_score=result.score,
                changed_applicant=changed,
            )
    target = _step2_target(applicant, program, current.tier, contexts)
    if target is None:
        return None
    score, changed, result = target
    return Suggestion(
        change="step2_target", amount=score,
        text=f"A Step 2 CK of {score} or more would make this {_tier_name(result.tier)}",
        current_tier=current.tier, new_tier=result.tier, new_score=result.score,
        changed_applicant=changed,
    )


def suggest_improvement(*, applicant: Applicant, program: ProgramFacts) -> Suggestion | None:
    """The most attainable profile change that moves this program up a tier, or None.

    Candidates, in order: a Step 3 pass; 1-12 more months of hands-on US clinical experience;
    the same in the border region; Spanish one level up; a first US letter; and, only while
    Step 2 CK is not passed, the lowest Step 2 CK target that works. A passed exam cannot be
    retaken to raise its score, failed attempts cannot be undone and graduation year cannot
    change, so none of those is ever suggested.
    """
    return _suggest(applicant, program, {})


def suggest_improvements(*, applicant: Applicant,
                         programs: Iterable[ProgramFacts]) -> list[Suggestion | None]:
    """``suggest_improvement`` for many programs, sharing the work on each changed profile."""
    contexts: dict[Applicant, _Context] = {}
    return [_suggest(applicant, p, contexts) for p in programs]


def _tier_name(tier: Tier) -> str:
    return f"Tier {tier.number}" if tier.number else tier.label
