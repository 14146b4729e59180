"""A program's facts as an applicant reads them: value (or "unknown") with source and year."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from programs.community import (
    COMMUNITY_KEYS,
    VISA_AND_MIX_KEYS,
    community_rows,
    no_source_note,
    specialty_without_visa_source,
)
from programs.models import Program, Strictness, TriState
from programs.sources import describe, short_name
from programs.verification import with_verified

UNKNOWN = "unknown"  # the value of a fact not known; the pages say it in the reader's language
# A fact this many seasons old is shown with its age and "verify" (the scoring's
# STALE_AFTER_SEASONS; a test keeps them equal).
STALE_AFTER_SEASONS = 3
# Measured (`manage.py build_catalog --visa-changes`): 51 of 407 IM programs answering J-1 in
# both AAMC 2021 and FREIDA 2025 changed their answer.
VISA_CHANGE_NOTE = gettext_lazy(
    "about 1 in 8 J-1 answers (51 of 407 IM programs) changed from 2021 to 2025"
)
VISA_KEYS = ("j1_accepted", "h1b_sponsored", "citizens_only")


@dataclass(frozen=True)
class OtherValue:
    value: str
    source: str
    year: int | None
    url: str
    conflict: bool  # True: two current answers disagree; False: replaced by a later source


@dataclass(frozen=True)
class Fact:
    label: str
    value: str  # "unknown" when we do not know
    source: str
    year: int | None
    url: str
    key: str = ""
    verified_on: str = ""  # ISO date, for a fact verified with the program
    age: int | None = None  # seasons since the fact's year; None when the year is not stated
    others: tuple[OtherValue, ...] = ()
    note: str = ""  # why a fact is unknown, or what a known one does not say
    period: str = ""  # a survey period shown instead of the year ("2019-2023")

    @property
    def known(self) -> bool:
        return self.value != UNKNOWN

    @property
    def stale(self) -> bool:
        return self.known and self.age is not None and self.age >= STALE_AFTER_SEASONS

    @property
    def conflict(self) -> bool:
        return any(other.conflict for other in self.others)

    @property
    def age_note(self) -> str:
        """E.g. "5 seasons old; about 1 in 8 J-1 answers ... changed: verify"."""
        if not self.stale:
            return ""
        if self.key in VISA_KEYS:
            return gettext("%(n)s seasons old; %(change)s: verify") % {
                "n": self.age, "change": VISA_CHANGE_NOTE}
        if self.key in COMMUNITY_KEYS:
            # A county's figure is not the program's to confirm: its age is said, no "verify".
            return gettext("%(n)s years old") % {"n": self.age}
        return gettext("%(n)s seasons old: verify") % {"n": self.age}


def _tri(value: str) -> str:
    return {TriState.YES: gettext("Yes"), TriState.NO: gettext("No")}.get(value, UNKNOWN)


def _requirement(value: int | None, strictness: str, template: str, unspecified: str) -> str:
    """``template`` (translated, with %(n)s) says the value; ``unspecified`` a stated
    requirement without one."""
    stated = unspecified if value is None else template % {"n": value}
    if not strictness:
        return UNKNOWN if value is None else stated
    if strictness == Strictness.STRICT:
        return gettext("Required: %(what)s") % {"what": stated}
    return gettext("Preferred: %(what)s") % {"what": stated}


def _number(value: float | int | None, suffix: str = "") -> str:
    if value is None:
        return UNKNOWN
    text = f"{value:g}" if isinstance(value, float) else str(value)
    return f"{text}{suffix}"


def _step3(program: Program) -> str:
    if program.step3_required == TriState.NO:
        return gettext("Not required")
    if program.step3_required == TriState.YES:
        return (gettext("Required") if program.step3_strictness == Strictness.STRICT
                else gettext("Preferred"))
    return UNKNOWN


def _attempts(program: Program) -> str:
    limit = program.max_attempts_per_step
    if limit == 1:
        return _requirement(1, program.max_attempts_per_step_strictness,
                            gettext("passes on the first attempt only"), "")
    return _requirement(limit, program.max_attempts_per_step_strictness,
                        gettext("at most %(n)s attempts per Step"),
                        gettext("attempt limit stated"))


def _border(program: Program) -> str:
    if program.border_distance_km is None:
        return UNKNOWN
    if program.in_border_region:
        return gettext("%(km)s km (in the border region)") % {
            "km": f"{program.border_distance_km:g}"}
    return gettext("%(km)s km (outside the border region)") % {
        "km": f"{program.border_distance_km:g}"}


def program_facts(program: Program) -> list[Fact]:
    # Approved verified facts are the newest source of their fact (programs.verification).
    program = with_verified(program)
    rows: list[tuple[str, str, str]] = [
        (gettext("Specialty"), f"{program.specialty.name} ({program.specialty.code})", "identity"),
        (gettext("City and state"), f"{program.city}, {program.state}", "identity"),
        (gettext("ZIP"), program.zip_code or UNKNOWN, "zip_code"),
        (
            gettext("Coordinates (city)"),
            UNKNOWN if program.latitude is None
            else f"{program.latitude:.4f}, {program.longitude:.4f}",
            "location",
        ),
        (gettext("County FIPS"), program.county_fips or UNKNOWN, "location"),
        (gettext("Distance to the US-Mexico border"), _border(program), "border_distance_km"),
        (gettext("Setting"), program.get_setting_display() if program.setting else UNKNOWN,
         "setting"),
        (gettext("PGY-1 positions"), _number(program.pgy1_positions), "pgy1_positions"),
        (gettext("J-1 visa accepted"), _tri(program.j1_accepted), "j1_accepted"),
        (gettext("H-1B visa sponsored"), _tri(program.h1b_sponsored), "h1b_sponsored"),
        (gettext("IMG residents"), _number(program.img_share_pct, "%"), "img_share_pct"),
        (gettext("Non-US-citizen IMG residents"), _number(program.non_us_img_share_pct, "%"),
         "non_us_img_share_pct"),
        (
            gettext("Average Step 1 of current residents"),
            program.get_step_score_band_display() if program.step_score_band else UNKNOWN,
            "step_score_band",
        ),
        (gettext("Participates in ERAS"), _tri(program.participates_in_eras),
         "participates_in_eras"),
        (gettext("US citizens or permanent residents only"), _tri(program.citizens_only),
         "citizens_only"),
        (
            gettext("Minimum Step 2 CK"),
            _requirement(program.min_step2_score, program.min_step2_strictness, "%(n)s",
                         gettext("minimum stated")),
            "min_step2_score",
        ),
        (
            gettext("Years since graduation"),
            _requirement(program.max_years_since_graduation,
                         program.max_years_since_graduation_strictness,
                         gettext("at most %(n)s years"), gettext("limit stated")),
            "max_years_since_graduation",
        ),
        (gettext("Attempts policy"), _attempts(program), "max_attempts_per_step"),
        (
            gettext("Hands-on US clinical experience"),
            _requirement(program.min_usce_months, program.min_usce_months_strictness,
                         gettext("at least %(n)s months"), gettext("amount not stated")),
            "min_usce_months",
        ),
        (gettext("Step 3"), _step3(program), "step3_required"),
        (gettext("Medical-Spanish instruction"), _tri(program.medical_spanish), "medical_spanish"),
        (gettext("Website"), program.website or UNKNOWN, "website"),
        (
            gettext("Armed-forces program"),
            gettext("Yes: residents are commissioned officers, open to US citizens only")
            if program.armed_forces == TriState.YES else UNKNOWN,
            "armed_forces",
        ),
        (
            gettext("Hands-on US clinical experience: how recent"),
            UNKNOWN if program.usce_within_years is None
            else gettext("Required: within the last %(n)s years, not observerships")
            % {"n": program.usce_within_years},
            "usce_within_years",
        ),
        (
            gettext("All USMLE Steps passed within"),
            UNKNOWN if program.steps_within_years is None
            else gettext("Required: %(n)s years") % {"n": program.steps_within_years},
            "steps_within_years",
        ),
    ]
    notes: dict[str, str] = {}
    for label, value, key, note in community_rows(program):
        rows.append((label, value or UNKNOWN, key))
        notes[key] = note
    if any(getattr(program, k) in (None, TriState.UNKNOWN) for k in VISA_AND_MIX_KEYS) and (
        specialty_without_visa_source(program.specialty_id)
    ):
        for key in VISA_AND_MIX_KEYS:
            notes[key] = no_source_note(program.specialty.name)
    season = timezone.now().year
    others = _other_values(program)
    facts = []
    for label, value, key in rows:
        origin = program.source_of(key) if value != UNKNOWN else {}
        year = origin.get("year")
        facts.append(
            Fact(
                label=label,
                value=value,
                source=describe(origin["source"]) if origin.get("source") else "",
                year=year,
                url=origin.get("url", ""),
                key=key,
                verified_on=origin.get("verified_on", ""),
                age=None if year is None else season - year,
                # Identity and location rows share a key: show other values once.
                others=others.pop(key, ()) if key not in ("identity", "location") else (),
                note=notes.get(key, "") if key not in VISA_AND_MIX_KEYS or value == UNKNOWN
                else "",
                period=program.county_spanish_share_period
                if key == "county_spanish_share" and value != UNKNOWN else "",
            )
        )
    return facts


_DISPLAY = {"yes": gettext_lazy("Yes"), "no": gettext_lazy("No"), "unknown": UNKNOWN}


def _other_values(program: Program) -> dict[str, tuple[OtherValue, ...]]:
    out: dict[str, list[OtherValue]] = {}
    for item in program.other_values or []:
        value = str(item.get("value", ""))
        if item.get("key") in ("img_share_pct", "non_us_img_share_pct"):
            value += "%"
        out.setdefault(item["key"], []).append(
            OtherValue(
                value=str(_DISPLAY.get(value, value)),
                source=describe(item["source"]) if item.get("source") else "",
                year=item.get("year"),
                url=item.get("url") or "",
                conflict=item.get("kind") == "conflict",
            )
        )
    return {key: tuple(values) for key, values in out.items()}


def conflicts_of(program: Program) -> dict[str, tuple[str, ...]]:
    """Facts on which two current answers disagree: key -> each value with its source (what
    the scoring reads, in ``tiering.facts``)."""
    others = [o for o in program.other_values or [] if o.get("kind") == "conflict"]
    if not others:
        return {}
    provenance = program.provenance or {}
    out: dict[str, tuple[str, ...]] = {}
    for key in dict.fromkeys(o["key"] for o in others):
        origin = provenance.get(key, {})
        values = [(getattr(program, key, ""), origin.get("source", ""), origin.get("year"))]
        values += [(o["value"], o["source"], o["year"]) for o in others if o["key"] == key]
        out[key] = tuple(
            f"{value} ({short_name(source) if source else 'source not stated'}"
            f"{f', {year}' if year else ''})"
            for value, source, year in values
        )
    return out
