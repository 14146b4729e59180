"""The export's rows: a pure generator from loaded objects (no query).

Each program fact is its current value (``programs.current``), and the "As of" column says what
every page says beside it: "verified on DATE", its year, or "year not stated".
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext, gettext_noop, ngettext

from applicants.models import Profile
from programs import current
from programs.models import Program
from programs.sources import SOURCES, describe
from tiering import budget
from tiering.explain import translated
from tiering.models import ListEntry, Status, Tier
from tiering.scored import SCORING_VERSION, STORED_TIER, Scored
from tracker.columns import (
    ECFMG_TOKEN_SOURCE,
    ERAS_FEE_SOURCE,
    TRANSCRIPT_SOURCE,
    tristate,
    yes_no,
)

# ---------------------------------------------------------------------------------------------
# Rows
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class TrackerRow:
    entry_id: int
    tier: int
    program: str
    acgme_id: str
    specialty: str
    city: str
    state: str
    border_distance_km: float | None
    j1: str
    h1b: str
    img_share_pct: float | None
    non_us_img_share_pct: float | None
    as_of: str
    score: float
    confidence: str
    why: str
    website: str
    status: str
    signal: bool
    date_applied: date | None
    interview_date: date | None
    letters_sent: int | None
    fee: Decimal | None  # what the user recorded
    default_fee: int | None  # the ERAS schedule's fee for this row; None when withdrawn
    notes: str

    @property
    def fee_shown(self) -> Decimal | int | None:
        return self.fee if self.fee is not None else self.default_fee

    def values(self, words: RowWords | None = None) -> tuple[Any, ...]:
        """The row in TRACKER_COLUMNS order, as plain Python values. ``words``: the labels
        in the active language, when the caller writes many rows (``row_words()``)."""
        statuses, yes, no = words or row_words()
        return (
            self.tier, self.program, self.acgme_id, self.specialty, self.city, self.state,
            _whole(self.border_distance_km), self.j1, self.h1b, _whole(self.img_share_pct),
            _whole(self.non_us_img_share_pct), _whole(self.score), self.confidence, self.why,
            self.website, statuses[self.status], yes if self.signal else no, self.date_applied,
            self.interview_date, self.letters_sent, self.fee_shown, self.notes, self.as_of,
        )


# The status labels by stored value, "Yes" and "No".
RowWords = tuple[dict[str, str], str, str]


def row_words() -> RowWords:
    """What the rows' status and signal cells say, in the active language, looked up once
    for all the rows."""
    return ({value: str(label) for value, label in Status.choices}, yes_no(True), yes_no(False))


@dataclass(frozen=True, slots=True, kw_only=True)
class CandidateRow:
    """A program in the applicant's specialties and states that is not on the list."""

    tier: str
    score: int | None
    program: str
    acgme_id: str
    specialty: str
    city: str
    state: str
    j1: str
    h1b: str
    as_of: str
    reasons: str

    def values(self) -> tuple[Any, ...]:
        return (self.tier, self.score, self.program, self.acgme_id, self.specialty, self.city,
                self.state, self.j1, self.h1b, self.as_of, self.reasons)


@dataclass(frozen=True, slots=True, kw_only=True)
class SoapRow:
    place: int
    program: str
    acgme_id: str
    specialty: str
    city: str
    state: str
    tier: str
    score: int
    on_main_list: str
    reason: str

    def values(self) -> tuple[Any, ...]:
        return (self.place, self.program, self.acgme_id, self.specialty, self.city, self.state,
                self.tier, self.score, self.on_main_list, self.reason)


@dataclass(frozen=True, slots=True, kw_only=True)
class SourceRow:
    name: str
    publisher: str
    years: str
    license: str
    attribution: str
    url: str

    def values(self) -> tuple[Any, ...]:
        return (self.name, self.publisher, self.years, self.license, self.attribution, self.url)


@dataclass(frozen=True, slots=True, kw_only=True)
class TrackerExport:
    applicant: str
    generated_at: datetime
    scoring_version: str
    profile_lines: tuple[tuple[str, Any], ...]
    rows: tuple[TrackerRow, ...]
    candidates: tuple[CandidateRow, ...]  # empty unless the user asked for them
    catalog_years: tuple[int, ...]
    sources: tuple[SourceRow, ...]
    soap: tuple[SoapRow, ...] = ()  # the SOAP backup list, with the limit it keeps to
    soap_note: str = ""


# The facts the rows show, and what "As of" calls each.
_AS_OF = (("j1_accepted", gettext_noop("J-1")), ("h1b_sponsored", gettext_noop("H-1B")),
          ("img_share_pct", gettext_noop("IMG share")),
          ("non_us_img_share_pct", gettext_noop("non-US IMG share")))


def as_of(program: Program, labels: Sequence[tuple[str, str]] | None = None) -> str:
    """"J-1: verified on 2026-12-06; H-1B: 2021; IMG share: 2025": what the pages print beside
    each known fact of the row (programs.current). ``labels``: ``as_of_labels()``, when the
    caller writes many rows."""
    parts = []
    for key, label in labels or as_of_labels():
        fact = current.fact(program, key)
        if fact.known:
            parts.append(f"{label}: {fact.when}")
    return "; ".join(parts)


def as_of_labels() -> list[tuple[str, str]]:
    """The facts "As of" names, each with its name in the active language."""
    return [(key, gettext(label)) for key, label in _AS_OF]


def _whole(value: float | None) -> int | None:
    # Distances, shares and scores are estimates: decimals would suggest a precision they lack.
    return None if value is None else round(value)


@dataclass(frozen=True, slots=True)
class ProgramText:
    """What a row says of its program for this applicant, in the active language: the same on
    every download until the applicant's scored answers, the catalog, the scoring model or the
    language change (``tracker.export`` keeps it in the cache under all four)."""

    j1: str
    h1b: str
    as_of: str
    reasons: str  # the top reasons with their points, and the first fact to verify
    confidence: str


def program_text(program: Program, explanation: dict | None) -> ProgramText:
    """``explanation``: the program's, scored for the applicant (None when it was not)."""
    explanation = explanation or {}
    parts = []
    for reason in explanation.get("reasons", [])[:3]:
        # The points go after the text, so that no cell starts with a sign.
        points = round(reason.get("points", 0))
        parts.append(f"{reason.get('text', '')} ({'+' if points > 0 else ''}{points})")
    for item in explanation.get("to_verify", [])[:1]:
        parts.append(gettext("Verify: %(item)s") % {"item": item})
    return ProgramText(j1=tristate(program.j1_accepted), h1b=tristate(program.h1b_sponsored),
                       as_of=as_of(program), reasons="; ".join(parts),
                       confidence=explanation.get("confidence_label", ""))


def why_of(entry: ListEntry, text: ProgramText) -> str:
    """The advisor's tier when there is one, then the program's top reasons."""
    parts = []
    if entry.override_tier:
        parts.append(gettext("Advisor's tier: %(tier)s (computed %(computed)s): %(reason)s") % {
            "tier": Tier(entry.override_tier).label,
            "computed": Tier(entry.computed_tier).label, "reason": entry.override_reason})
    if text.reasons:
        parts.append(text.reasons)
    return "; ".join(parts)


def eras_fee_at(position: int) -> int:
    """ERAS 2026 fee for the program at this 1-based position among a specialty's programs."""
    if position <= budget.ERAS_CHEAP_PROGRAMS_PER_SPECIALTY:
        return budget.ERAS_FEE_FIRST_PROGRAMS_USD
    return budget.ERAS_FEE_LATER_PROGRAMS_USD


def tracker_rows(entries: Iterable[ListEntry],
                 texts: Mapping[int, ProgramText]) -> list[TrackerRow]:
    """The list ordered by tier, then score (best first), then program name; ``texts``: each
    program's ``ProgramText`` by program id.

    The default fee follows the ERAS 2026 schedule in that order within each specialty: the
    first 30 planned programs of a specialty at $11, the next ones at $30. A withdrawn program
    is not counted and gets no default fee.
    """
    eligible = list(entries)  # a program kept on the list by hand may be Not eligible now
    eligible.sort(key=lambda e: (e.tier, -e.score, e.program.name, e.program.acgme_id))
    planned: dict[int, int] = {}
    rows = []
    for entry in eligible:
        program, text = entry.program, texts[entry.program_id]
        default_fee = None
        if entry.status != Status.WITHDRAWN:
            planned[program.specialty_id] = planned.get(program.specialty_id, 0) + 1
            default_fee = eras_fee_at(planned[program.specialty_id])
        rows.append(TrackerRow(
            entry_id=entry.pk,
            tier=entry.tier,
            program=program.name,
            acgme_id=program.acgme_id,
            specialty=program.specialty.name,
            city=program.city,
            state=program.state,
            border_distance_km=program.border_distance_km,
            j1=text.j1,
            h1b=text.h1b,
            img_share_pct=program.img_share_pct,
            non_us_img_share_pct=program.non_us_img_share_pct,
            as_of=text.as_of,
            score=entry.score,
            confidence=text.confidence,
            why=why_of(entry, text),
            website=program.website,
            status=entry.status,
            signal=entry.signal,
            date_applied=entry.date_applied,
            interview_date=entry.interview_date,
            letters_sent=entry.letters_sent,
            fee=entry.fee,
            default_fee=default_fee,
            notes=entry.notes,
        ))
    return rows


def candidate_rows(scored: Iterable[Scored]) -> list[CandidateRow]:
    """Candidates best tier first, then by score; reasons or the hard reasons."""
    items = sorted(scored, key=lambda i: (-i.result.tier.rank, -i.result.score,
                                          i.program.name, i.program.acgme_id))
    rows = []
    # Thousands of rows with a handful of labels: each label is translated once.
    labels, words = as_of_labels(), {}
    tiers = {tier: str(Tier(stored).label) for tier, stored in STORED_TIER.items()}

    def word(value: str, say: Callable[[str], str]) -> str:
        if value not in words:
            words[value] = say(value)
        return words[value]

    for item in items:
        program, result = item.program, item.result
        reasons = [translated(text) for text in (result.hard_reasons if not result.eligible
                                                 else [r.text for r in result.reasons[:3]])]
        rows.append(CandidateRow(
            tier=tiers[result.tier],
            score=result.score if result.eligible else None,
            program=program.name, acgme_id=program.acgme_id, specialty=program.specialty.name,
            city=program.city, state=program.state,
            j1=word(program.j1_accepted, tristate),
            h1b=word(program.h1b_sponsored, tristate),
            as_of=as_of(program, labels),
            reasons="; ".join(reasons),
        ))
    return rows


def catalog_years(programs: Iterable[Program]) -> tuple[int, ...]:
    """The years the catalog's facts about these programs are as of, from their provenance."""
    years = {
        fact["year"]
        for program in programs
        for fact in (program.provenance or {}).values()
        if isinstance(fact, dict) and isinstance(fact.get("year"), int)
    }
    return tuple(sorted(years))


def source_rows(programs: Iterable[Program]) -> list[SourceRow]:
    """The sources cited by these programs' facts, with the years used; then the fee sources."""
    years: dict[str, set[int]] = {}
    for program in programs:
        for fact in (program.provenance or {}).values():
            if isinstance(fact, dict) and fact.get("source"):
                cited = years.setdefault(str(fact["source"]), set())
                if isinstance(fact.get("year"), int):
                    cited.add(fact["year"])
    rows = []
    for source_id in sorted(years):
        source = SOURCES.get(source_id)
        year_text = ", ".join(str(y) for y in sorted(years[source_id])) or gettext("not stated")
        if source is None:  # an advisor's own source, named as they gave it
            rows.append(SourceRow(name=describe(source_id), publisher="", years=year_text,
                                  license="", attribution="", url=""))
        else:
            rows.append(SourceRow(name=source.name, publisher=source.publisher, years=year_text,
                                  license=source.license, attribution=source.attribution,
                                  url=source.url))
    rows += [
        SourceRow(name=gettext("ERAS fees (Fee column, ERAS cost)"), publisher="AAMC",
                  years="2026", license="", attribution=gettext(ERAS_FEE_SOURCE),
                  url="https://www.aamc.org"),
        SourceRow(name=gettext("ECFMG ERAS token"), publisher="ECFMG", years="2024", license="",
                  attribution=gettext(ECFMG_TOKEN_SOURCE), url="https://www.ecfmg.org"),
        SourceRow(name=gettext("USMLE transcript fee"), publisher="AAMC", years="2024",
                  license="", attribution=gettext(TRANSCRIPT_SOURCE), url="https://www.aamc.org"),
    ]
    return rows


def profile_lines(profile: Profile, *, specialty_names: Sequence[str]) -> list[tuple[str, Any]]:
    """A snapshot of the profile the list was scored for, as label/value pairs."""

    def attempts(n: int) -> str:
        return ngettext("%(n)d attempt", "%(n)d attempts", n) % {"n": n}

    def passed(done: bool, n: int) -> str:
        if done:
            return gettext("Passed, %(attempts)s") % {"attempts": attempts(n)}
        return gettext("Not passed (%(attempts)s)") % {"attempts": attempts(n)}

    step2 = (f"{profile.step2_score}, {attempts(profile.step2_attempts)}" if profile.step2_score
             else gettext("Not passed yet (%(attempts)s)")
             % {"attempts": attempts(profile.step2_attempts)})
    lines: list[tuple[str, Any]] = [
        ("Step 1", passed(profile.step1_passed, profile.step1_attempts)),
        ("Step 2 CK", step2),
        ("Step 3", passed(True, profile.step3_attempts) if profile.step3_passed
         else gettext("Not passed")),
        (gettext_noop("Year of graduation"), profile.graduation_year),
        (gettext_noop("Visa"), profile.get_visa_need_display()),
        (gettext_noop("ECFMG certification"), profile.get_ecfmg_status_display()),
        (gettext_noop("Hands-on US clinical experience (months)"), profile.usce_hands_on_months),
        (gettext_noop("US observerships (months)"), profile.usce_observership_months),
        (gettext_noop("Of which in the border region (months)"), profile.usce_border_months),
        (gettext_noop("Letters from US clinicians"), profile.us_letters),
        (gettext_noop("Research experiences or publications"), profile.research_experiences),
        (gettext_noop("Border-health or underserved-care projects"),
         yes_no(profile.border_or_underserved_projects)),
        (gettext_noop("Spanish"), profile.get_spanish_level_display()),
        (gettext_noop("Specialties"), ", ".join(specialty_names)),
        (gettext_noop("States"), ", ".join(profile.target_states) if profile.target_states
         else gettext("All states")),
        (gettext_noop("Application budget (USD)"),
         profile.budget_usd if profile.budget_usd is not None else gettext("Not given")),
    ]
    # Exam names stay as USMLE writes them; the other labels follow the language.
    return [(gettext(label), value) for label, value in lines]


def tracker_export_of(*, profile: Profile, specialty_names: Sequence[str],
                      entries: Sequence[ListEntry], texts: Mapping[int, ProgramText],
                      generated_at: datetime,
                      candidates: Sequence[Scored] = (),
                      soap: Sequence[SoapRow] = (), soap_note: str = "",
                      cited: tuple[tuple[int, ...], Sequence[SourceRow]] | None = None,
                      ) -> TrackerExport:
    """Everything the writers need, from loaded objects only (no query). ``cited``: the
    catalog's years and the sources of these entries' programs, when the caller has them."""
    programs = [entry.program for entry in entries]
    years, sources = cited or (catalog_years(programs), source_rows(programs))
    return TrackerExport(
        applicant=profile.user.email if profile.user_id else "",
        generated_at=generated_at,
        scoring_version=SCORING_VERSION,
        profile_lines=tuple(profile_lines(profile, specialty_names=specialty_names)),
        rows=tuple(tracker_rows(entries, texts)),
        candidates=tuple(candidate_rows(candidates)),
        catalog_years=tuple(years),
        sources=tuple(sources),
        soap=tuple(soap),
        soap_note=soap_note,
    )

