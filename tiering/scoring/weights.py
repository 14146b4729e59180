"""Points, scales and benchmarks: every number the score is made of, each with its source."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

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
# Note: FACTS §8B gives 5 points to program signals / geographic preference (F3.11). Signals
# are planned from the list (strategy app), so scoring them would be circular; those 5 points
# went to years since graduation (+2) and US clinical experience with letters (+3) before the
# profile recorded geographic preferences, and stay there. Sum = 100.
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
# Geographic preference, added on top of the 100 and capped at 100, for a program in a Census
# division the applicant names in ERAS (F3.9). Evidence: Internal Medicine, 2022 cycle (Texas
# STAR survey, 970 applicants; Benjamin et al., JGIM 2024; F3.11): a geographic preference
# alone, with or without a signal, gave an interview odds ratio of 1.4; signal plus preference
# vs neither, 3.2. The cohort was mostly US graduates, so the weight stays small (FACTS §8B):
# FACTS §8B's 5 points for signal plus preference, scaled by the preference's share of the
# combined effect on the log-odds scale, 5 x ln(1.4) / ln(3.2) = 1.4 points. [derived]
WEIGHT_GEO_PREFERENCE = 1.4
# Judgement: none of the gathered program statements names Spanish; it is weighted for the
# cross-border work above (verify with each program).
BORDER_SHARE_SPANISH = 0.4
BORDER_SHARE_CLINICAL = 0.35  # clinical experience in the region: "ties to the Southwest" (F6.5)
BORDER_SHARE_PROJECTS = 0.25  # border-health or underserved-care work (F6.6, F6.9)
BORDER_FULL_CLINICAL_MONTHS = 3  # same full-credit point as USCE (FACTS §8B, F7.3)
SPANISH_CREDIT: Mapping[str, float] = {  # judgement, monotone in the level
    "none": 0.0,
    "basic": 0.25,
    "intermediate": 0.5,
    "advanced": 0.85,
    "native": 1.0,
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
    "140": Step2Benchmark(
        specialty="Internal Medicine",
        mean=249,
        sd=14,
        n_matched=2649,
        unmatched_mean=242,
        source=_CO,
    ),  # F9.5
    "120": Step2Benchmark(
        specialty="Family Medicine", mean=231, sd=12, n_matched=446, unmatched_mean=232, source=_CO
    ),  # F9.6
    "320": Step2Benchmark(
        specialty="Pediatrics", mean=241, sd=13, n_matched=422, unmatched_mean=234, source=_CO
    ),  # F9.7
    "400": Step2Benchmark(
        specialty="Psychiatry", mean=242, sd=16, n_matched=171, unmatched_mean=237, source=_CO
    ),  # F9.8
    "180": Step2Benchmark(
        specialty="Neurology", mean=250, sd=14, n_matched=166, unmatched_mean=243, source=_CO
    ),  # F9.9
    "300": Step2Benchmark(
        specialty="Pathology", mean=243, sd=13, n_matched=128, unmatched_mean=236, source=_CO
    ),  # F9.10
    "440": Step2Benchmark(
        specialty="General Surgery", mean=253, sd=13, n_matched=102, unmatched_mean=246, source=_CO
    ),  # F9.11
    "110": Step2Benchmark(
        specialty="Emergency Medicine",
        mean=244,
        sd=14,
        n_matched=60,
        unmatched_mean=236,
        source=_CO,
    ),  # F9.12
    "220": Step2Benchmark(
        specialty="Obstetrics and Gynecology",
        mean=245,
        sd=12,
        n_matched=38,
        unmatched_mean=238,
        source=_CO,
    ),  # F9.13
    "040": Step2Benchmark(
        specialty="Anesthesiology", mean=252, sd=14, n_matched=76, unmatched_mean=246, source=_CO
    ),  # F9.14
    "420": Step2Benchmark(
        specialty="Diagnostic Radiology",
        mean=251,
        sd=14,
        n_matched=75,
        unmatched_mean=250,
        source=_CO,
    ),  # F9.15, F9.29
    "340": Step2Benchmark(
        specialty="Physical Medicine and Rehabilitation",
        mean=239,
        sd=13,
        n_matched=15,
        unmatched_mean=237,
        source=_CO,
    ),  # F9.15, small n
    "185": Step2Benchmark(
        specialty="Child Neurology", mean=241, sd=15, n_matched=18, unmatched_mean=237, source=_CO
    ),  # F9.15, small n
    # Not in Charting Outcomes (applicants who rank them first are excluded, F9.2): AAMC Report
    # on Residents Table B1 2019-20 mean and SD, all graduates (F9.28), as placeholders (F9.29).
    "999": Step2Benchmark(
        specialty="Transitional Year",
        mean=245,
        sd=16.4,
        n_matched=None,
        unmatched_mean=None,
        source=_B1,
    ),
    # IM preliminary has no ACGME code of its own (it sits inside 140 programs); the catalog
    # can pass "140P" once it tells the tracks apart.
    "140P": Step2Benchmark(
        specialty="Internal Medicine (preliminary)",
        mean=244,
        sd=15.5,
        n_matched=None,
        unmatched_mean=None,
        source=_B1,
    ),
}
# Any other specialty: pooled 2026 matched median across 24 specialties, 248 (NRMP Charting
# Outcomes non-US IMG 2026, Table 2; F9.4), with SD 15 (USMLE Step 2 CK SD, F2.7).
FALLBACK_BENCHMARK = Step2Benchmark(
    specialty="",
    mean=248,
    sd=15,
    n_matched=None,
    unmatched_mean=None,
    source="NRMP Charting Outcomes 2026 pooled median (fallback)",
)
STEP2_SEPARATION_MIN_SD = 0.2  # judgement: the table splits cleanly between 0.15 and 0.27 SD
SMALL_COHORT_N = 30  # F9.29: "where fewer than 30 matched applicants have a score"


# ---------------------------------------------------------------------------------------------
# Confidence penalties
# ---------------------------------------------------------------------------------------------

# Confidence (0-1): starts at 1 and loses points for unknown or old facts.
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
# Stale answers (docs/scoring.md, "Stale answers")
# ---------------------------------------------------------------------------------------------

# A program's stated "no" (visa refused, citizens only, a strict requirement) this many seasons
# old or more does not close the program: it is capped at Tier 3 with a "Check first" item.
# Judgement, set at FACT_AGE_VERIFY, from the measured change rate below.
STALE_AFTER_SEASONS = 3
# Measured by us (`manage.py build_catalog --visa-changes`): Internal Medicine programs with a
# J-1 answer in both AAMC Residency Explorer 2021 and AMA FREIDA 2025 (FREIDA's empty visa
# list, "not stated", excluded). 51 of 407 changed their answer; of the 50 that said "no" in
# 2021, 48 list J-1 in 2025. Caveat: a refusing program may list no visa at all, so the
# second rate is an upper bound.
J1_BOTH_YEARS = 407
J1_CHANGED = 51
J1_NO_IN_2021 = 50
J1_NO_TO_YES = 48
# 10 U.S.C. 532(a)(1): an original appointment as a regular commissioned officer may be given
# only to a US citizen. Armed-forces residents are commissioned officers.
ARMED_FORCES_LAW = "10 U.S.C. 532(a)(1)"
# The older of two IMG shares of different years is never combined with the newer one: the
# newer figure decides (docs/scoring.md 3.2). IMG-heavy, for the "Tier 2 at best" note, is
# friendliness 0.7 (tiers.TIER1_MIN_IMG_FRIENDLINESS).

# ---------------------------------------------------------------------------------------------
# Step 2 CK z thresholds of the tier rules (tiers.py applies them; context.py reads them once per
# applicant and specialty)
# ---------------------------------------------------------------------------------------------

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
# The Tier 1 floor above lowers a program only where its own evidence says it screens higher
# than the applicant's score (issue 23; docs/scoring.md 5, "The Step 2 CK gap"): a program that
# is not IMG-heavy, a stated (preferred) Step 2 CK minimum above the score, or residents whose
# average USMLE band (AAMC Residency Explorer) starts this many SDs of the specialty's matched
# non-US IMGs above the applicant's Step 2 CK [judgement: Step 1 and Step 2 CK are different
# exams; a residents' average a full SD above the score on either says the program selects
# higher scores].
SCREENS_HIGHER_BAND_SD = 1.0
