"""What the model works out once per applicant and once per specialty, before any program."""

from __future__ import annotations

from tiering.scoring.divisions import DIVISION_NAMES
from tiering.scoring.inputs import (
    C_ATTEMPTS,
    C_BORDER,
    C_GEO,
    C_STEP2,
    C_USCE,
    C_YOG,
    STEP_NAMES,
    Applicant,
    ProgramFacts,
)
from tiering.scoring.results import Reason, Tier
from tiering.scoring.tiers import (
    TIER1_MIN_Z_NON_SEPARATING,
    TIER1_MIN_Z_SEPARATING,
    TIER3_BELOW_Z_ANY,
    TIER3_BELOW_Z_SEPARATING,
)
from tiering.scoring.weights import (
    _CO,
    ATTEMPTS_CREDIT,
    BORDER_FULL_CLINICAL_MONTHS,
    BORDER_SHARE_CLINICAL,
    BORDER_SHARE_PROJECTS,
    BORDER_SHARE_SPANISH,
    CONF_AGE_3_4,
    CONF_AGE_5_PLUS,
    CONF_BENCHMARK_FALLBACK,
    CONF_BENCHMARK_SMALL,
    CONF_YEAR_UNKNOWN,
    FALLBACK_BENCHMARK,
    SPANISH_CREDIT,
    STEP2_BENCHMARKS,
    STEP2_Z_FULL_CREDIT,
    STEP2_Z_NO_CREDIT,
    USCE_LETTER_SHARE,
    WEIGHT_ATTEMPTS,
    WEIGHT_BORDER,
    WEIGHT_GEO_PREFERENCE,
    WEIGHT_IMG,
    WEIGHT_IMG_NON_SEPARATING,
    WEIGHT_STEP2,
    WEIGHT_STEP2_NON_SEPARATING,
    WEIGHT_USCE,
    WEIGHT_YOG,
    Step2Benchmark,
    _usce_months_credit,
    _yog_credit,
)

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

    __slots__ = (
        "code",
        "bench",
        "z",
        "separates",
        "weight_step2",
        "weight_img",
        "step2_points",
        "step2_reason",
        "tier1_z_ok",
        "reach_any",
        "reach_separating",
        "conf_penalty",
        "tier_note_z1",
        "tier_note_reach",
    )

    def __init__(self, ctx: _Context, code: str) -> None:
        a = ctx.applicant
        self.code = code
        bench = self.bench = benchmark_for(code)
        self.separates = bench.separates
        self.weight_step2 = WEIGHT_STEP2 if self.separates else WEIGHT_STEP2_NON_SEPARATING
        self.weight_img = WEIGHT_IMG if self.separates else WEIGHT_IMG_NON_SEPARATING
        name = bench.specialty or "this specialty"
        if bench is FALLBACK_BENCHMARK:
            versus = (
                f"{bench.mean:g}, the median of matched non-US IMGs across specialties "
                "(NRMP Charting Outcomes 2026); there is no figure for this specialty"
            )
        elif bench.source == _CO:
            versus = f"{bench.mean:g}, the mean of non-US IMGs who matched in {name} ({_CO})"
        else:
            versus = f"{bench.mean:g}, the average first-year resident in {name} ({bench.source})"
        if a.step2_score is None:
            self.z = None
            self.step2_points = 0.0
            self.step2_reason = Reason(
                component=C_STEP2,
                points=0.0,
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
            credit = min(
                1.0, max(0.0, (z - STEP2_Z_NO_CREDIT) / (STEP2_Z_FULL_CREDIT - STEP2_Z_NO_CREDIT))
            )
            self.step2_points = round(self.weight_step2 * credit, 1)
            text = f"Your Step 2 CK {a.step2_score} vs {versus}"
            if not self.separates:
                text += (
                    "; here matched and unmatched applicants had about the same average, "
                    "so Step 2 CK counts less"
                )
            self.step2_reason = Reason(component=C_STEP2, points=self.step2_points, text=text)
            floor = TIER1_MIN_Z_SEPARATING if self.separates else TIER1_MIN_Z_NON_SEPARATING
            self.tier1_z_ok = z >= floor
            self.reach_any = z < TIER3_BELOW_Z_ANY
            self.reach_separating = self.separates and z < TIER3_BELOW_Z_SEPARATING
            target = bench.mean + floor * bench.sd
            reference = (
                "the mean of matched non-US IMGs" if bench.source == _CO else "the reference score"
            )
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

    __slots__ = (
        "applicant",
        "failures",
        "max_failures",
        "total_failures",
        "years",
        "needs_visa",
        "visa",
        "visa_name",
        "visa_key",
        "attempts_reason",
        "yog_reason",
        "usce_reason",
        "border_reason",
        "specs",
        "img_cache",
        "visa_cache",
        "verify_visa_unknown",
        "verify_img_unknown",
        "failed_steps",
        "base_points",
        "tier_cache",
        "ago",
        "geo_reasons",
    )

    def __init__(self, applicant: Applicant) -> None:
        a = self.applicant = applicant
        self.failures = failed_attempts(a)
        self.max_failures = max(self.failures)
        self.total_failures = sum(self.failures)
        self.failed_steps = tuple((STEP_NAMES[i], n) for i, n in enumerate(self.failures) if n > 0)
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
            text = (
                f"{_plural(self.total_failures, 'failed USMLE attempt')} ({which}): 74% of "
                "program directors cite failed attempts when choosing whom to interview "
                "(NRMP Program Director Survey 2021)"
            )
        self.attempts_reason = Reason(component=C_ATTEMPTS, points=points, text=text)

        # Years since graduation
        points = round(WEIGHT_YOG * _yog_credit(self.years), 1)
        self.ago = "this year" if self.years == 0 else f"{_plural(self.years, 'year')} ago"
        self.yog_reason = Reason(
            component=C_YOG,
            points=points,
            text=f"You graduated {self.ago}; programs' stated limits cluster at 3, 5 and 10 years",
        )

        # US clinical experience and letters
        months_credit = _usce_months_credit(a.usce_hands_on_months, a.usce_observership_months)
        letter_credit = 1.0 if a.us_letters >= 1 else 0.0
        credit = (1 - USCE_LETTER_SHARE) * months_credit + USCE_LETTER_SHARE * letter_credit
        points = round(WEIGHT_USCE * credit, 1)
        parts = []
        if a.usce_hands_on_months:
            parts.append(
                f"{_plural(a.usce_hands_on_months, 'month')} of hands-on US clinical experience"
            )
        elif a.usce_observership_months:
            parts.append(
                f"observerships only ({_plural(a.usce_observership_months, 'month')}); "
                "programs look for hands-on experience"
            )
        else:
            parts.append("no US clinical experience yet")
        parts.append(
            f"{_plural(a.us_letters, 'US letter')} of recommendation"
            if a.us_letters
            else "no letter from a US clinician yet"
        )
        text = " and ".join(parts) + " (full credit: 3 hands-on months and a US letter)"
        self.usce_reason = Reason(component=C_USCE, points=points, text=text[0].upper() + text[1:])

        # Border mission fit (used only for programs in the border region)
        spanish = SPANISH_CREDIT[a.spanish_level]
        clinical = min(1.0, a.usce_border_months / BORDER_FULL_CLINICAL_MONTHS)
        projects = 1.0 if a.border_or_underserved_projects else 0.0
        credit = (
            BORDER_SHARE_SPANISH * spanish
            + BORDER_SHARE_CLINICAL * clinical
            + BORDER_SHARE_PROJECTS * projects
        )
        points = round(WEIGHT_BORDER * credit, 1)
        brings = []
        if a.spanish_level != "none":
            brings.append(f"{a.spanish_level} Spanish")
        if a.usce_border_months:
            brings.append(
                f"{_plural(a.usce_border_months, 'month')} of US clinical experience "
                "in the border region"
            )
        if a.border_or_underserved_projects:
            brings.append("border or underserved-care work")
        you = ("you bring " + ", ".join(brings)) if brings else "nothing on your profile yet"
        self.border_reason = Reason(
            component=C_BORDER,
            points=points,
            text=(
                "Border mission fit: border-region programs state Southwest ties, border "
                f"health and cross-border care as their mission; {you}. This shows fit with "
                "their mission, not a better chance of matching"
            ),
        )

        # Geographic preference: one reason per chosen division, for programs inside it.
        self.geo_reasons = {
            division: Reason(
                component=C_GEO,
                points=WEIGHT_GEO_PREFERENCE,
                text=(
                    f"In {DIVISION_NAMES[division]}, a Census division you name in your ERAS "
                    "geographic preferences: programs there see it. In an Internal Medicine "
                    "study a preference went with a 1.4 times higher odds of an interview "
                    "(JGIM 2024; mostly US graduates, so it counts little)"
                ),
            )
            for division in a.preferred_divisions
        }

        self.base_points = (
            self.attempts_reason.points + self.yog_reason.points + self.usce_reason.points
        )
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
