"""Facts from the border programs' own web pages, each mapped and checked row by row."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from programs.catalog_build.common import (
    FACT_GROUPS,
    GROUP_OF,
    PAGES_FILE,
    URL,
    CatalogBuildError,
    OtherValue,
    Program,
    Provenance,
    Value,
    _read_csv,
)

# --- the border programs' own pages -------------------------------------------------------------


@dataclass(frozen=True)
class PageFact:
    """What one row of the program-requirements file says, as catalog columns.

    ``value`` repeats the row's value_normalized, so that a changed row stops the build instead
    of being encoded with an old reading. ``year`` is set only where the row's note states the
    page's year. An empty ``columns`` means the row holds nothing the catalog can encode.
    """

    value: str
    columns: Mapping[str, Value]
    year: int | None = None
    # What the same page also says that contradicts ``columns``: recorded as a conflict (shown
    # beside the value; the scoring treats the fact as unknown, to verify).
    conflicting: Mapping[str, Value] = field(default_factory=dict)


STRICT, PREFERRED = "strict", "preferred"

# (acgme_id, field) -> facts. Strictness follows the program's words: "must", "required" and a
# condition stated with "should" are strict; "preferred", "preference given", "preferably" are
# preferred. Free text (quotes, notes) is never copied: only these numbers and choices are.
PAGE_FACTS: dict[tuple[str, str], PageFact] = {
    # Texas Tech El Paso Family Medicine FAQ (two stored versions of the page).
    ("1204811309", "visa"): PageFact(
        "no program sponsorship; ECFMG J-1 considered case by case",
        # Sponsors no visa itself but considers ECFMG-sponsored J-1 (ECFMG, not the program, is
        # the J-1 sponsor): J-1 yes, H-1B (which the program would have to sponsor) no.
        {"j1_accepted": "yes", "h1b_sponsored": "no"},
    ),
    ("1204811309", "year_of_graduation"): PageFact(
        "<=10 years (exceptions if postgraduate training since)",
        # "No more than ten years" is stated as a condition. Only the older stored version has
        # it; the newer one is silent, which does not contradict it. The exception for
        # postgraduate training since graduation cannot be expressed in the catalog.
        {"max_years_since_graduation": 10, "max_years_since_graduation_strictness": STRICT},
    ),
    ("1204811309", "attempts"): PageFact(
        "older version: <=6 attempts total, <=3 per test; newer version: passing preferably "
        "on first attempt",
        # The two versions conflict; the newer, less strict wording wins: "preferably on the
        # first attempt" -> first attempt preferred (the older 3-per-test rule is Texas law).
        {"max_attempts_per_step": 1, "max_attempts_per_step_strictness": PREFERRED},
    ),
    ("1204811309", "step3"): PageFact("not required", {"step3_required": "no"}),
    ("1204811309", "usce"): PageFact(
        "1 year preferred, not mandatory",
        {"min_usce_months": 12, "min_usce_months_strictness": PREFERRED},
    ),
    # About Spanish fluency of residents, not medical-Spanish instruction: nothing to encode.
    ("1204811309", "spanish"): PageFact("not required; interpreters available", {}),
    # Texas Tech El Paso Internal Medicine FAQ.
    ("1404811424", "positions"): PageFact(
        "17 categorical PGY-1 per year",
        {"pgy1_positions": 17},
        year=2023,  # note: "page mentions the 2023-2024 interview season"
    ),
    ("1404811424", "spanish"): PageFact("not required", {}),  # fluency, not instruction
    # Texas Tech El Paso Pediatrics IMG page: J-1 accepted; H-1B not mentioned (stays as is).
    ("3204811234", "visa"): PageFact("accepts ECFMG J-1", {"j1_accepted": "yes"}),
    ("3204811234", "usce"): PageFact(
        "required (amount unspecified)",
        # "Adequate clinical experience in the United States", required of all IMG applicants.
        {"min_usce_months": None, "min_usce_months_strictness": STRICT},
    ),
    # Texas Tech El Paso / Transmountain Psychiatry: "sponsors J-1 Visas only".
    ("4004800310", "visa"): PageFact("J-1 only", {"j1_accepted": "yes", "h1b_sponsored": "no"}),
    # South Texas Health System Internal Medicine (McAllen).
    ("1404800015", "visa"): PageFact(
        "none; US citizen or permanent resident only",
        {"citizens_only": "yes", "j1_accepted": "no", "h1b_sponsored": "no"},
    ),
    ("1404800015", "attempts"): PageFact(
        "each USMLE/COMLEX step passed within 3 attempts",
        {"max_attempts_per_step": 3, "max_attempts_per_step_strictness": STRICT},
    ),
    # "All steps within 7 years" counts from the first exam, not from graduation: its own
    # condition, never a years-since-graduation limit. The profile records no exam dates, so
    # the scoring puts it on the to-verify list.
    ("1404800015", "exam_time_limit"): PageFact(
        "all steps passed within 7 years", {"steps_within_years": 7}
    ),
    ("1404800015", "positions"): PageFact("20 categorical", {"pgy1_positions": 20}),
    # UTRGV Internal Medicine at Valley Baptist (Harlingen).
    # The page's own figure is garbled ("ten (1) PGY 1 positions"), so it is not used; FREIDA
    # 2025 independently gives 10 and stays.
    ("1404821524", "positions"): PageFact("10 PGY-1 (2025 season)", {}),
    # ECFMG certification is required of every IMG in an ACGME program: nothing specific.
    ("1404821524", "ecfmg"): PageFact("valid ECFMG certificate required for IMGs", {}),
    # Three Crosses Regional Hospital Internal Medicine (Las Cruces).
    ("1403400002", "visa"): PageFact(
        "sponsors J-1 (page also says applicants must be work-authorized; contradictory)",
        # "We will sponsor J-1 visa", and on the same page applicants "must be authorized to
        # work in the US", which a J-1 applicant is not before the visa. Both are kept: the
        # scoring treats the J-1 answer as a conflict to verify. H-1B is not mentioned.
        {"j1_accepted": "yes"},
        conflicting={"j1_accepted": "no"},
    ),
    # "No minimum cut off score": no minimum, so min_step2_score stays empty.
    ("1403400002", "min_score"): PageFact("none", {}),
    ("1403400002", "attempts"): PageFact(
        "one attempt",
        # "One attempt permitted in USMLE or COMLEX exams": first attempt only, as a condition.
        {"max_attempts_per_step": 1, "max_attempts_per_step_strictness": STRICT},
    ),
    ("1403400002", "year_of_graduation"): PageFact(
        "preference <=5 years",
        {"max_years_since_graduation": 5, "max_years_since_graduation_strictness": PREFERRED},
    ),
    ("1403400002", "usce"): PageFact(
        "3 months preferred with LOR",
        {"min_usce_months": 3, "min_usce_months_strictness": PREFERRED},
    ),
    ("1403400002", "step3"): PageFact(
        "preferred", {"step3_required": "yes", "step3_strictness": PREFERRED}
    ),
    # University of Arizona Tucson Internal Medicine: "Applicants should have ..." conditions.
    ("1400321029", "usce"): PageFact(
        ">=2 months hands-on US experience (not observerships) within last 3 years",
        # The recency is its own condition; the profile records no dates, so it is verified.
        {"min_usce_months": 2, "min_usce_months_strictness": STRICT, "usce_within_years": 3},
        year=2024,  # note: "2024-2025 interview season page"
    ),
    ("1400321029", "year_of_graduation"): PageFact(
        "<=5 years",
        {"max_years_since_graduation": 5, "max_years_since_graduation_strictness": STRICT},
    ),
    # Step 2 CK passed by the rank-list deadline is a timing rule (ECFMG certification already
    # requires it of IMGs), not a minimum score.
    ("1400321029", "step2"): PageFact("Step 2 CK passed before rank list", {}),
    # TMC Health / THMEP Internal Medicine (Tucson).
    ("1400300003", "visa"): PageFact(
        "J-1 (ECFMG)", {"j1_accepted": "yes"}, year=2025  # note: "page footer (c) 2025"
    ),
    ("1400300003", "positions"): PageFact("10 PGY-1 per year", {"pgy1_positions": 10}),
    # Midwestern University / Canyon Vista Family Medicine (Sierra Vista).
    ("1200300719", "positions"): PageFact("4 PGY-1 per year", {"pgy1_positions": 4}),
}


@dataclass(frozen=True)
class PageRow:
    acgme_id: str
    field: str
    city: str
    state: str
    value: str
    url: str
    note: str


def read_page_rows(raw: Path) -> list[PageRow]:
    return [
        PageRow(
            acgme_id=row["acgme_program_id"].strip(),
            field=row["field"].strip(),
            city=row["city"].strip(),
            state=row["state"].strip(),
            value=row["value_normalized"].strip(),
            url=row["source_url"].strip(),
            note=row["note"].strip(),
        )
        for row in _read_csv(raw / PAGES_FILE)
    ]


def check_page_facts(rows: Iterable[PageRow]) -> None:
    """Fail unless PAGE_FACTS covers every row of the file exactly, and nothing else."""
    problems: list[str] = []
    seen: set[tuple[str, str]] = set()
    for row in rows:
        key = (row.acgme_id, row.field)
        if key in seen:
            problems.append(f"{key}: the file has this row twice")
        seen.add(key)
        fact = PAGE_FACTS.get(key)
        if fact is None:
            problems.append(f"{key}: row not covered by PAGE_FACTS ({row.value!r})")
            continue
        if fact.value != row.value:
            problems.append(f"{key}: the row now says {row.value!r}, PAGE_FACTS {fact.value!r}")
        if fact.year is not None and str(fact.year) not in row.note:
            problems.append(f"{key}: year {fact.year} is not stated in the note {row.note!r}")
        if fact.year is None and fact.columns and re.search(r"\b(19|20)\d\d\b", row.note):
            problems.append(f"{key}: the note states a year ({row.note!r}); PAGE_FACTS has none")
        if fact.columns and not URL.fullmatch(row.url):
            problems.append(f"{key}: no usable URL {row.url!r}")
        for column in fact.columns:
            if column not in GROUP_OF:
                problems.append(f"{key}: {column!r} is not a catalog column")
    for key in sorted(set(PAGE_FACTS) - seen):
        problems.append(f"{key}: in PAGE_FACTS but not in the file")
    if problems:
        raise CatalogBuildError("program pages: " + "; ".join(problems))


def apply_page_facts(programs: Mapping[str, Program], rows: Iterable[PageRow]) -> None:
    # Applied last, over the aggregators: it is the program's own statement of its policy.
    for row in sorted(rows, key=lambda r: (r.acgme_id, r.field)):
        fact = PAGE_FACTS[(row.acgme_id, row.field)]
        program = programs.get(row.acgme_id)
        if program is None:
            raise CatalogBuildError(f"program page row for unknown program {row.acgme_id}")
        if (program.get("city"), program.get("state")) != (row.city, row.state):
            raise CatalogBuildError(f"program page row {row.acgme_id} is about another city")
        provenance = Provenance("program-website", fact.year, row.url)
        for key in dict.fromkeys(GROUP_OF[column] for column in fact.columns):
            values = {col: fact.columns.get(col) for col in FACT_GROUPS[key]}
            program.set(key, values, provenance)
        for column, value in fact.conflicting.items():
            program.others.append(OtherValue(GROUP_OF[column], value, provenance, "conflict"))
