"""A program's facts as an applicant reads them: value (or "unknown") with source and year."""

from __future__ import annotations

from dataclasses import dataclass

from programs.models import Program, Strictness, TriState
from programs.sources import describe

UNKNOWN = "unknown"


@dataclass(frozen=True)
class Fact:
    label: str
    value: str  # "unknown" when we do not know
    source: str
    year: int | None
    url: str

    @property
    def known(self) -> bool:
        return self.value != UNKNOWN


def _tri(value: str, yes: str = "Yes", no: str = "No") -> str:
    return {TriState.YES: yes, TriState.NO: no}.get(value, UNKNOWN)


def _requirement(value: int | None, strictness: str, template: str, unspecified: str) -> str:
    if not strictness:
        return UNKNOWN if value is None else template.format(value)
    word = "Required" if strictness == Strictness.STRICT else "Preferred"
    return f"{word}: {unspecified if value is None else template.format(value)}"


def _number(value: float | int | None, suffix: str = "") -> str:
    if value is None:
        return UNKNOWN
    text = f"{value:g}" if isinstance(value, float) else str(value)
    return f"{text}{suffix}"


def _step3(program: Program) -> str:
    if program.step3_required == TriState.NO:
        return "Not required"
    if program.step3_required == TriState.YES:
        return "Required" if program.step3_strictness == Strictness.STRICT else "Preferred"
    return UNKNOWN


def _attempts(program: Program) -> str:
    limit = program.max_attempts_per_step
    if limit == 1:
        return _requirement(1, program.max_attempts_per_step_strictness,
                            "passes on the first attempt only", "")
    return _requirement(limit, program.max_attempts_per_step_strictness,
                        "at most {} attempts per Step", "attempt limit stated")


def _border(program: Program) -> str:
    if program.border_distance_km is None:
        return UNKNOWN
    where = "in the border region" if program.in_border_region else "outside the border region"
    return f"{program.border_distance_km:g} km ({where})"


def program_facts(program: Program) -> list[Fact]:
    rows: list[tuple[str, str, str]] = [
        ("Specialty", f"{program.specialty.name} ({program.specialty.code})", "identity"),
        ("City and state", f"{program.city}, {program.state}", "identity"),
        ("ZIP", program.zip_code or UNKNOWN, "zip_code"),
        (
            "Coordinates (city)",
            UNKNOWN if program.latitude is None
            else f"{program.latitude:.4f}, {program.longitude:.4f}",
            "location",
        ),
        ("County FIPS", program.county_fips or UNKNOWN, "location"),
        ("Distance to the US-Mexico border", _border(program), "border_distance_km"),
        ("Setting", program.get_setting_display() if program.setting else UNKNOWN, "setting"),
        ("PGY-1 positions", _number(program.pgy1_positions), "pgy1_positions"),
        ("J-1 visa accepted", _tri(program.j1_accepted), "j1_accepted"),
        ("H-1B visa sponsored", _tri(program.h1b_sponsored), "h1b_sponsored"),
        ("IMG residents", _number(program.img_share_pct, "%"), "img_share_pct"),
        ("Non-US-citizen IMG residents", _number(program.non_us_img_share_pct, "%"),
         "non_us_img_share_pct"),
        (
            "Average Step 1 of current residents",
            program.get_step_score_band_display() if program.step_score_band else UNKNOWN,
            "step_score_band",
        ),
        ("Participates in ERAS", _tri(program.participates_in_eras), "participates_in_eras"),
        ("US citizens or permanent residents only", _tri(program.citizens_only), "citizens_only"),
        (
            "Minimum Step 2 CK",
            _requirement(program.min_step2_score, program.min_step2_strictness, "{}",
                         "minimum stated"),
            "min_step2_score",
        ),
        (
            "Years since graduation",
            _requirement(program.max_years_since_graduation,
                         program.max_years_since_graduation_strictness, "at most {} years",
                         "limit stated"),
            "max_years_since_graduation",
        ),
        ("Attempts policy", _attempts(program), "max_attempts_per_step"),
        (
            "Hands-on US clinical experience",
            _requirement(program.min_usce_months, program.min_usce_months_strictness,
                         "at least {} months", "amount not stated"),
            "min_usce_months",
        ),
        ("Step 3", _step3(program), "step3_required"),
        ("Medical-Spanish instruction", _tri(program.medical_spanish), "medical_spanish"),
        ("Website", program.website or UNKNOWN, "website"),
    ]
    facts = []
    for label, value, key in rows:
        origin = program.source_of(key) if value != UNKNOWN else {}
        facts.append(
            Fact(
                label=label,
                value=value,
                source=describe(origin["source"]) if origin.get("source") else "",
                year=origin.get("year"),
                url=origin.get("url", ""),
            )
        )
    return facts
