"""How fresh the catalog's facts are, and which programs to verify next (a staff page).

Per fact and specialty: how many programs know the fact, and from which year (a verified fact
counts with the year it was verified). "Verify next" ranks programs by how many stored lists
hold them, then by the age of their oldest scoring fact (visa and IMG share; a fact no source
states counts as the oldest of all, an undated one next), then by the ages together; armed-forces
programs are left out (closed to non-citizens by law). Calling those programs first helps the
most applicants.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

from django.db.models import Count
from django.utils import timezone

from programs.models import Program, TriState
from programs.verification import approved_prefetch, with_verified
from tiering.models import ListEntry

FIELDS: dict[str, str] = {
    "j1_accepted": "J-1",
    "h1b_sponsored": "H-1B",
    "img_share_pct": "IMG share",
    "non_us_img_share_pct": "Non-US IMG share",
    "setting": "Setting",
    "pgy1_positions": "PGY-1 positions",
}
SCORING_FIELDS = ("j1_accepted", "h1b_sponsored", "img_share_pct")
NEVER_STATED = 1000  # the age given to a fact no source states, for ranking only
UNDATED = NEVER_STATED - 1  # a fact stated without a year: older than any dated one


def _known(program: Program, key: str) -> bool:
    return getattr(program, key) not in (None, "", TriState.UNKNOWN)


@dataclass(frozen=True)
class Cell:
    known: int
    total: int
    years: tuple[tuple[str, int], ...]  # ("2021", 120), ("verified", 3), ("not stated", 5)

    @property
    def share(self) -> float:
        return self.known / self.total if self.total else 0.0


VISA_AND_MIX_FIELDS = ("j1_accepted", "h1b_sponsored", "img_share_pct", "non_us_img_share_pct")


@dataclass(frozen=True)
class Row:
    code: str
    name: str
    programs: int
    cells: tuple[Cell, ...]

    @property
    def no_visa_source(self) -> bool:
        """No program of the specialty has a visa answer or an IMG share: no source covers
        them (e.g. Urology: not in Residency Explorer 2021, and FREIDA 2025 is IM only)."""
        keys = list(FIELDS)
        return all(self.cells[keys.index(key)].known == 0 for key in VISA_AND_MIX_FIELDS)


@dataclass(frozen=True)
class NextProgram:
    program: Program
    lists: int
    oldest_age: int  # seasons; NEVER_STATED when a scoring fact is unknown
    why: str


def catalog_programs() -> list[Program]:
    """Every program with its approved verified facts laid over."""
    programs = Program.objects.select_related("specialty").prefetch_related(approved_prefetch())
    return [with_verified(p) for p in programs.order_by("acgme_id")]


def freshness_table(programs: list[Program] | None = None) -> list[Row]:
    programs = programs if programs is not None else catalog_programs()
    by_specialty: dict[tuple[str, str], list[Program]] = defaultdict(list)
    for p in programs:
        by_specialty[(p.specialty.code, p.specialty.name)].append(p)
    rows = []
    for (code, name), group in sorted(by_specialty.items(), key=lambda i: -len(i[1])):
        cells = []
        for key in FIELDS:
            years: Counter = Counter()
            for p in group:
                if not _known(p, key):
                    continue
                origin = (p.provenance or {}).get(key, {})
                label = "verified" if origin.get("source") == "verified" else str(
                    origin.get("year") or "year not stated")
                years[label] += 1
            known = sum(years.values())
            cells.append(Cell(known, len(group), tuple(sorted(years.items()))))
        rows.append(Row(code, name, len(group), tuple(cells)))
    return rows


def verify_next(limit: int = 25, programs: list[Program] | None = None) -> list[NextProgram]:
    programs = programs if programs is not None else catalog_programs()
    season = timezone.now().year
    lists = dict(
        ListEntry.objects.filter(in_scope=True).values_list("program_id")
        .annotate(n=Count("profile_id", distinct=True)).values_list("program_id", "n")
    )
    ranked = []
    for p in programs:
        if p.armed_forces == TriState.YES:
            continue  # closed to non-citizens by law: nothing to verify for our applicants
        ages = []
        parts = []
        for key in SCORING_FIELDS:
            origin = (p.provenance or {}).get(key, {})
            if not _known(p, key):
                ages.append(NEVER_STATED)
                parts.append(f"{FIELDS[key]} not stated")
            elif origin.get("year"):
                ages.append(season - origin["year"])
                parts.append(f"{FIELDS[key]} from {origin['year']}")
            else:
                ages.append(UNDATED)
                parts.append(f"{FIELDS[key]} year not stated")
        ranked.append((sum(ages), NextProgram(p, lists.get(p.pk, 0), max(ages), "; ".join(parts))))
    # Most lists first; then the oldest fact, then the oldest facts together, then the id.
    ranked.sort(key=lambda r: (-r[1].lists, -r[1].oldest_age, -r[0], r[1].program.acgme_id))
    return [item for _, item in ranked[:limit]]
