"""The application tracker as a workbook (.xlsx) or CSV: a pure row generator and thin writers.

``tracker_export`` loads what the export needs in a fixed number of queries; everything after
that (``tracker_export_of``, ``tracker_rows``, the writers) works on loaded objects and never
touches the database, so the export time grows with the rows, not with round trips.

The workbook and the CSV are written in the active language (the user's): headers, sheet names,
statuses, Yes/No and labels go through gettext when written. The constants here stay the
canonical English names, which the upload and the formulas' positions are keyed by; marked with
gettext_noop so that makemessages finds them. ``tracker.i18n`` maps any language back.

Text that came from a user or a source is never written so that a spreadsheet could run it: in
the workbook it is a string cell even when it starts with ``=``, and in the CSV a leading
``= + - @ tab CR`` gets the usual apostrophe guard, which ``tracker.tracking`` strips back.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext, gettext_noop, ngettext, override
from openpyxl.utils import get_column_letter

from applicants.models import Profile
from programs.models import Program, TriState
from programs.sources import SOURCES, describe
from strategy import season
from strategy.soap import soap_list
from tiering import budget
from tiering.explain import attach_explanations, translated
from tiering.models import ListEntry, Status, Tier
from tiering.scope import score_scope, with_programs
from tiering.scored import SCORING_VERSION, STORED_TIER, Scored

# ---------------------------------------------------------------------------------------------
# Columns
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Column:
    header: str
    width: float


TRACKER_COLUMNS: tuple[Column, ...] = (
    Column(gettext_noop("Tier"), 6),
    Column(gettext_noop("Program"), 44),
    Column(gettext_noop("ACGME id"), 12),
    Column(gettext_noop("Specialty"), 22),
    Column(gettext_noop("City"), 16),
    Column(gettext_noop("State"), 7),
    Column(gettext_noop("Border distance (km)"), 11),
    Column(gettext_noop("J-1"), 9),
    Column(gettext_noop("H-1B"), 9),
    Column(gettext_noop("IMG share (%)"), 9),
    Column(gettext_noop("Non-US IMG share (%)"), 10),
    Column(gettext_noop("Score"), 7),
    Column(gettext_noop("Confidence"), 11),
    Column(gettext_noop("Why"), 70),
    Column(gettext_noop("Website"), 32),
    Column(gettext_noop("Status"), 18),
    Column(gettext_noop("Signal"), 8),
    Column(gettext_noop("Date applied"), 13),
    Column(gettext_noop("Interview date"), 13),
    Column(gettext_noop("Letters sent"), 9),
    Column(gettext_noop("Fee (USD)"), 10),
    Column(gettext_noop("Notes"), 44),
)
TRACKER_HEADERS: tuple[str, ...] = tuple(column.header for column in TRACKER_COLUMNS)
ACGME_ID_HEADER = gettext_noop("ACGME id")
# The working columns a user fills in, by ListEntry field; the upload reads back these.
TRACKING_HEADERS: dict[str, str] = {
    "status": gettext_noop("Status"),
    "signal": gettext_noop("Signal"),
    "date_applied": gettext_noop("Date applied"),
    "interview_date": gettext_noop("Interview date"),
    "letters_sent": gettext_noop("Letters sent"),
    "fee": gettext_noop("Fee (USD)"),
    "notes": gettext_noop("Notes"),
}
_COLUMN = {header: index for index, header in enumerate(TRACKER_HEADERS, start=1)}


def column_letter(header: str) -> str:
    return get_column_letter(_COLUMN[header])


CANDIDATE_COLUMNS: tuple[Column, ...] = (
    Column(gettext_noop("Tier"), 14),
    Column(gettext_noop("Score"), 7),
    Column(gettext_noop("Program"), 44),
    Column(gettext_noop("ACGME id"), 12),
    Column(gettext_noop("Specialty"), 22),
    Column(gettext_noop("City"), 16),
    Column(gettext_noop("State"), 7),
    Column(gettext_noop("J-1"), 9),
    Column(gettext_noop("H-1B"), 9),
    Column(gettext_noop("Why (or why not eligible)"), 90),
)

# The SOAP backup list (strategy.soap): read by no upload.
SOAP_COLUMNS: tuple[Column, ...] = (
    Column(gettext_noop("Order"), 7),
    Column(gettext_noop("Program"), 44),
    Column(gettext_noop("ACGME id"), 12),
    Column(gettext_noop("Specialty"), 22),
    Column(gettext_noop("City"), 16),
    Column(gettext_noop("State"), 7),
    Column(gettext_noop("Tier"), 8),
    Column(gettext_noop("Score"), 7),
    Column(gettext_noop("On the main list"), 10),
    Column(gettext_noop("Why"), 90),
)

SHEET_SUMMARY = gettext_noop("Summary")
SHEET_TRACKER = gettext_noop("Tracker")
SHEET_CANDIDATES = gettext_noop("Candidates")  # only when the user asks for it
SHEET_SOURCES = gettext_noop("Sources")
# The Supplemental Offer and Acceptance Program's backup list.
SHEET_SOAP = gettext_noop("SOAP")

# Canonical (English) whatever language is active when this module is first imported.
with override("en"):
    STATUS_LABELS: tuple[str, ...] = tuple(str(label) for _, label in Status.choices)
YES, NO = gettext_noop("Yes"), gettext_noop("No")
_TRISTATE = {TriState.YES: YES, TriState.NO: NO, TriState.UNKNOWN: gettext_noop("Unknown")}


def status_labels() -> tuple[str, ...]:
    """The status labels in the active language, in the order of the choices."""
    return tuple(str(label) for _, label in Status.choices)


def yes_no(value: bool) -> str:
    return gettext(YES) if value else gettext(NO)


def tristate(value: str) -> str:
    return gettext(_TRISTATE[value]) if value in _TRISTATE else value

# Where the fee figures come from; the constants and their full notes are in tiering.budget.
ERAS_FEE_SOURCE = gettext_noop("AAMC, Fees for 2026 ERAS Season")
ECFMG_TOKEN_SOURCE = gettext_noop("ECFMG, ecfmg.org/eras: the 2024 figure, the last one verified")
TRANSCRIPT_SOURCE = gettext_noop("AAMC, Fees for ERAS Residency Applications, 2024 season")

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

    def values(self) -> tuple[Any, ...]:
        """The row in TRACKER_COLUMNS order, as plain Python values."""
        return (
            self.tier, self.program, self.acgme_id, self.specialty, self.city, self.state,
            _whole(self.border_distance_km), self.j1, self.h1b, _whole(self.img_share_pct),
            _whole(self.non_us_img_share_pct), _whole(self.score), self.confidence, self.why,
            self.website, str(Status(self.status).label), yes_no(self.signal), self.date_applied,
            self.interview_date, self.letters_sent, self.fee_shown, self.notes,
        )


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
    reasons: str

    def values(self) -> tuple[Any, ...]:
        return (self.tier, self.score, self.program, self.acgme_id, self.specialty, self.city,
                self.state, self.j1, self.h1b, self.reasons)


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


def _whole(value: float | None) -> int | None:
    # Distances, shares and scores are estimates: decimals would suggest a precision they lack.
    return None if value is None else round(value)


def why_of(entry: ListEntry, *, reasons: int = 3) -> str:
    """The top reasons, with their points after the text so that no cell starts with a sign."""
    parts = []
    if entry.override_tier:
        parts.append(gettext("Advisor's tier: %(tier)s (computed %(computed)s): %(reason)s") % {
            "tier": Tier(entry.override_tier).label,
            "computed": Tier(entry.computed_tier).label, "reason": entry.override_reason})
    explanation = entry.explanation or {}
    for reason in explanation.get("reasons", [])[:reasons]:
        points = round(reason.get("points", 0))
        parts.append(f"{reason.get('text', '')} ({'+' if points > 0 else ''}{points})")
    for item in explanation.get("to_verify", [])[:1]:
        parts.append(gettext("Verify: %(item)s") % {"item": item})
    return "; ".join(parts)


def eras_fee_at(position: int) -> int:
    """ERAS 2026 fee for the program at this 1-based position among a specialty's programs."""
    if position <= budget.ERAS_CHEAP_PROGRAMS_PER_SPECIALTY:
        return budget.ERAS_FEE_FIRST_PROGRAMS_USD
    return budget.ERAS_FEE_LATER_PROGRAMS_USD


def tracker_rows(entries: Iterable[ListEntry]) -> list[TrackerRow]:
    """The list ordered by tier, then score (best first), then program name.

    The default fee follows the ERAS 2026 schedule in that order within each specialty: the
    first 30 planned programs of a specialty at $11, the next ones at $30. A withdrawn program
    is not counted and gets no default fee.
    """
    eligible = list(entries)  # a program kept on the list by hand may be Not eligible now
    eligible.sort(key=lambda e: (e.tier, -e.score, e.program.name, e.program.acgme_id))
    planned: dict[int, int] = {}
    rows = []
    for entry in eligible:
        program = entry.program
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
            j1=tristate(program.j1_accepted),
            h1b=tristate(program.h1b_sponsored),
            img_share_pct=program.img_share_pct,
            non_us_img_share_pct=program.non_us_img_share_pct,
            score=entry.score,
            confidence=(entry.explanation or {}).get("confidence_label", ""),
            why=why_of(entry),
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
    for item in items:
        program, result = item.program, item.result
        reasons = [translated(text) for text in (result.hard_reasons if not result.eligible
                                                 else [r.text for r in result.reasons[:3]])]
        rows.append(CandidateRow(
            tier=str(Tier(STORED_TIER[result.tier]).label),
            score=result.score if result.eligible else None,
            program=program.name, acgme_id=program.acgme_id, specialty=program.specialty.name,
            city=program.city, state=program.state,
            j1=tristate(program.j1_accepted),
            h1b=tristate(program.h1b_sponsored),
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
                      entries: Sequence[ListEntry], generated_at: datetime,
                      candidates: Sequence[Scored] = (),
                      soap: Sequence[SoapRow] = (), soap_note: str = "") -> TrackerExport:
    """Everything the writers need, from loaded objects only (no query)."""
    programs = [entry.program for entry in entries]
    return TrackerExport(
        applicant=profile.user.email if profile.user_id else "",
        generated_at=generated_at,
        scoring_version=SCORING_VERSION,
        profile_lines=tuple(profile_lines(profile, specialty_names=specialty_names)),
        rows=tuple(tracker_rows(entries)),
        candidates=tuple(candidate_rows(candidates)),
        catalog_years=catalog_years(programs),
        sources=tuple(source_rows(programs)),
        soap=tuple(soap),
        soap_note=soap_note,
    )


def tracker_entries(profile: Profile) -> list[ListEntry]:
    """The entries the tracker shows: the list (in scope, not removed), all tiers, with their
    reasons scored again (they are not stored)."""
    entries = with_programs(ListEntry.objects.on_list().filter(profile=profile))
    attach_explanations(profile, entries)
    return entries


def tracker_export(profile: Profile, *, candidates: bool = False) -> TrackerExport:
    """Load the profile's list (a fixed number of queries, whatever its size) and build the
    export; with ``candidates``, also every other program in scope, scored."""
    specialty_names = list(profile.target_specialties.order_by("name")
                           .values_list("name", flat=True))
    entries = tracker_entries(profile)
    others: list[Scored] = []
    if candidates and profile.is_complete:
        taken = set(ListEntry.objects.filter(profile=profile).values_list("program_id",
                                                                          flat=True))
        others = [item for item in score_scope(profile) if item.program.pk not in taken]
    # The SOAP backup list needs what the list needs: a graduation year and a specialty.
    complete = profile.graduation_year is not None and (bool(entries) or profile.is_complete)
    soap, soap_note = soap_rows(profile, {e.program_id for e in entries}) if complete \
        else ([], "")
    return tracker_export_of(
        profile=profile, specialty_names=specialty_names, entries=entries,
        generated_at=timezone.localtime(), candidates=others, soap=soap, soap_note=soap_note,
    )


def soap_rows(profile: Profile, on_list: set[int]) -> tuple[list[SoapRow], str]:
    """The SOAP backup list's rows, and the line that says the limit and its source."""
    rows = [SoapRow(place=c.place, program=c.program.name, acgme_id=c.program.acgme_id,
                    specialty=c.program.specialty.name, city=c.program.city,
                    state=c.program.state, tier=c.tier_name, score=c.score,
                    on_main_list=yes_no(c.on_main_list), reason=c.reason)
            for c in soap_list(profile, on_list=on_list)]
    note = gettext("SOAP allows at most %(n)d applications (%(season)s; %(source)s, "
                   "%(url)s). Check each program against the NRMP's List of Unfilled "
                   "Programs in Match week.") % {
        "n": season.SOAP_MAX_APPLICATIONS, "season": season.SOAP_SEASON,
        "source": season.SOAP_SOURCE, "url": season.SOAP_SOURCE_URL}
    return rows, note
