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
from tiering.scoring.text import Text, gettext_noop, ngettext
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
    TIER1_MIN_Z_NON_SEPARATING,
    TIER1_MIN_Z_SEPARATING,
    TIER3_BELOW_Z_ANY,
    TIER3_BELOW_Z_SEPARATING,
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


def _cite(program: ProgramFacts, key: str) -> Text:
    """" (source, year)": the source's name stays as published."""
    source = program.fact_sources.get(key)
    year = program.fact_years.get(key)
    if source and year:
        return gettext_noop(" (%(source)s, %(year)s)", source=source, year=year)
    if year:
        return gettext_noop(" (%(year)s)", year=year)
    if source:
        return gettext_noop(" (%(source)s, year unknown)", source=source)
    return gettext_noop(" (year unknown)")


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


def _fmt_pct(value: float) -> str:
    return f"{value:.0f}%"


_VISA_NAMES = {"j1": "J-1", "h1b": "H-1B"}
_VISA_KEYS = {"j1": "j1_accepted", "h1b": "h1b_sponsored"}
_SETTING_NAMES = {
    "community": gettext_noop("community"),
    "university_affiliated_community": gettext_noop("university-affiliated community"),
    "university": gettext_noop("university"),
    "military": gettext_noop("military"),
    "other": gettext_noop("other"),
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
        name = bench.specialty or gettext_noop("this specialty")
        mean = f"{bench.mean:g}"
        if bench is FALLBACK_BENCHMARK:
            versus = gettext_noop(
                "%(mean)s, the median of matched non-US IMGs across specialties "
                "(NRMP Charting Outcomes 2026); there is no figure for this specialty",
                mean=mean,
            )
        elif bench.source == _CO:
            versus = gettext_noop(
                "%(mean)s, the mean of non-US IMGs who matched in %(specialty)s (%(source)s)",
                mean=mean, specialty=name, source=_CO,
            )
        else:
            versus = gettext_noop(
                "%(mean)s, the average first-year resident in %(specialty)s (%(source)s)",
                mean=mean, specialty=name, source=bench.source,
            )
        if a.step2_score is None:
            self.z = None
            self.step2_points = 0.0
            self.step2_reason = Reason(
                component=C_STEP2,
                points=0.0,
                text=gettext_noop("Step 2 CK not passed yet: programs screen IMGs on it"),
            )
            self.tier1_z_ok = False
            self.reach_any = True
            self.reach_separating = True
            self.tier_note_z1 = ""
            self.tier_note_reach = gettext_noop(
                "Tier 3 at best until you pass Step 2 CK: programs screen IMGs on it"
            )
        else:
            z = self.z = (a.step2_score - bench.mean) / bench.sd
            credit = min(
                1.0, max(0.0, (z - STEP2_Z_NO_CREDIT) / (STEP2_Z_FULL_CREDIT - STEP2_Z_NO_CREDIT))
            )
            self.step2_points = round(self.weight_step2 * credit, 1)
            if self.separates:
                text = gettext_noop(
                    "Your Step 2 CK %(score)s vs %(versus)s", score=a.step2_score, versus=versus
                )
            else:
                text = gettext_noop(
                    "Your Step 2 CK %(score)s vs %(versus)s; here matched and unmatched "
                    "applicants had about the same average, so Step 2 CK counts less",
                    score=a.step2_score, versus=versus,
                )
            self.step2_reason = Reason(component=C_STEP2, points=self.step2_points, text=text)
            floor = TIER1_MIN_Z_SEPARATING if self.separates else TIER1_MIN_Z_NON_SEPARATING
            self.tier1_z_ok = z >= floor
            self.reach_any = z < TIER3_BELOW_Z_ANY
            self.reach_separating = self.separates and z < TIER3_BELOW_Z_SEPARATING
            target = bench.mean + floor * bench.sd
            reference = (
                gettext_noop("the mean of matched non-US IMGs") if bench.source == _CO
                else gettext_noop("the reference score")
            )
            self.tier_note_z1 = gettext_noop(
                "Tier 2 at best: Tier 1 needs a Step 2 CK of about %(target)s or more in "
                "%(specialty)s (%(reference)s %(mean)s, SD %(sd)s)",
                target=f"{target:.0f}", specialty=name, reference=reference, mean=mean,
                sd=f"{bench.sd:g}",
            )
            if self.reach_any:
                self.tier_note_reach = gettext_noop(
                    "Tier 3: your Step 2 CK is more than %(sds)s SD below %(mean)s, "
                    "%(reference)s in %(specialty)s",
                    sds=f"{-TIER3_BELOW_Z_ANY:g}", mean=mean, reference=reference, specialty=name,
                )
            else:
                self.tier_note_reach = gettext_noop(
                    "Tier 3: your Step 2 CK is more than %(sds)s SD below %(mean)s, "
                    "%(reference)s in %(specialty)s, and this program is not known to be "
                    "IMG-heavy",
                    sds=f"{-TIER3_BELOW_Z_SEPARATING:g}", mean=mean, reference=reference,
                    specialty=name,
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
        "spanish_name",
        "community_applies",
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
            text = gettext_noop("No failed USMLE attempts")
        else:
            which = tuple(
                gettext_noop("%(n)s on %(step)s", n=n, step=step) for step, n in self.failed_steps
            )
            text = ngettext(
                "%(n)s failed USMLE attempt (%(which)s): 74%% of program directors cite failed "
                "attempts when choosing whom to interview (NRMP Program Director Survey 2021)",
                "%(n)s failed USMLE attempts (%(which)s): 74%% of program directors cite failed "
                "attempts when choosing whom to interview (NRMP Program Director Survey 2021)",
                self.total_failures, n=self.total_failures, which=which,
            )
        self.attempts_reason = Reason(component=C_ATTEMPTS, points=points, text=text)

        # Years since graduation
        points = round(WEIGHT_YOG * _yog_credit(self.years), 1)
        self.ago = (
            gettext_noop("this year") if self.years == 0
            else ngettext("%(n)s year ago", "%(n)s years ago", self.years, n=self.years)
        )
        self.yog_reason = Reason(
            component=C_YOG,
            points=points,
            text=gettext_noop(
                "You graduated %(ago)s; programs' stated limits cluster at 3, 5 and 10 years",
                ago=self.ago,
            ),
        )

        # US clinical experience and letters
        months_credit = _usce_months_credit(a.usce_hands_on_months, a.usce_observership_months)
        letter_credit = 1.0 if a.us_letters >= 1 else 0.0
        credit = (1 - USCE_LETTER_SHARE) * months_credit + USCE_LETTER_SHARE * letter_credit
        points = round(WEIGHT_USCE * credit, 1)
        if a.usce_hands_on_months:
            experience = ngettext(
                "%(n)s month of hands-on US clinical experience",
                "%(n)s months of hands-on US clinical experience",
                a.usce_hands_on_months, n=a.usce_hands_on_months,
            )
        elif a.usce_observership_months:
            experience = ngettext(
                "Observerships only (%(n)s month); programs look for hands-on experience",
                "Observerships only (%(n)s months); programs look for hands-on experience",
                a.usce_observership_months, n=a.usce_observership_months,
            )
        else:
            experience = gettext_noop("No US clinical experience yet")
        letters = (
            ngettext("%(n)s US letter of recommendation", "%(n)s US letters of recommendation",
                     a.us_letters, n=a.us_letters)
            if a.us_letters
            else gettext_noop("no letter from a US clinician yet")
        )
        self.usce_reason = Reason(component=C_USCE, points=points, text=gettext_noop(
            "%(experience)s and %(letters)s (full credit: 3 hands-on months and a US letter)",
            experience=experience, letters=letters,
        ))

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
        brings: list[Text] = []
        if a.spanish_level != "none":
            brings.append(_SPANISH_LEVEL_NAMES.get(a.spanish_level)
                          or gettext_noop("%(level)s Spanish", level=a.spanish_level))
        if a.usce_border_months:
            brings.append(ngettext(
                "%(n)s month of US clinical experience in the border region",
                "%(n)s months of US clinical experience in the border region",
                a.usce_border_months, n=a.usce_border_months,
            ))
        if a.border_or_underserved_projects:
            brings.append(gettext_noop("border or underserved-care work"))
        you = (
            gettext_noop("you bring %(what)s", what=tuple(brings)) if brings
            else gettext_noop("nothing on your profile yet")
        )
        self.border_reason = Reason(
            component=C_BORDER,
            points=points,
            text=gettext_noop(
                "Border mission fit: border-region programs state Southwest ties, border "
                "health and cross-border care as their mission; %(you)s. This shows fit with "
                "their mission, not a better chance of matching",
                you=you,
            ),
        )

        # Underserved-community fit (community.py): what the applicant brings to it.
        self.spanish_name = _SPANISH_LEVEL_NAMES.get(a.spanish_level)
        self.community_applies = (self.spanish_name is not None
                                  or a.border_or_underserved_projects)

        # Geographic preference: one reason per chosen division, for programs inside it.
        self.geo_reasons = {
            division: Reason(
                component=C_GEO,
                points=WEIGHT_GEO_PREFERENCE,
                text=gettext_noop(
                    "In %(division)s, a Census division you name in your ERAS geographic "
                    "preferences: programs there see it. In an Internal Medicine study a "
                    "preference went with a 1.4 times higher odds of an interview (JGIM 2024; "
                    "mostly US graduates, so it counts little)",
                    division=DIVISION_NAMES[division]),
            )
            for division in a.preferred_divisions
        }

        self.base_points = (
            self.attempts_reason.points + self.yog_reason.points + self.usce_reason.points
        )
        self.verify_visa_unknown = (
            gettext_noop("Visa policy unknown: ask the program whether it takes J-1 visas")
            if a.visa_need == "j1"
            else gettext_noop("Visa policy unknown: ask the program whether it sponsors H-1B visas")
        )
        self.verify_img_unknown = gettext_noop(
            "Share of IMG residents unknown: check the current residents on the program's "
            "website or in AAMC Residency Explorer"
        )

    def spec(self, code: str) -> _Spec:
        spec = self.specs.get(code)
        if spec is None:
            spec = self.specs[code] = _Spec(self, code)
        return spec
# What the applicant brings, as the border reason says it; and the level alone, as a suggestion
# to improve it says it.
_SPANISH_LEVEL_NAMES = {
    "basic": gettext_noop("basic Spanish"),
    "intermediate": gettext_noop("intermediate Spanish"),
    "advanced": gettext_noop("advanced Spanish"),
    "native": gettext_noop("native Spanish"),
}
_SPANISH_LEVEL_WORDS = {
    "none": gettext_noop("none"),
    "basic": gettext_noop("basic"),
    "intermediate": gettext_noop("intermediate"),
    "advanced": gettext_noop("advanced"),
    "native": gettext_noop("native"),
}
