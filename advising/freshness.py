"""How fresh the catalog's facts are, and which programs to verify next (staff and advisors).

Per fact and specialty: how many programs know the fact, and from which year (a verified fact
counts with the year it was verified).

"Verify next" ranks programs by what an answer would change on the stored lists that hold them
(in scope, not removed), per applicant, from the program's current facts (programs.current):

1. **Check first**: every answer closing the program to the applicant (visa "no", citizens
   only, a strict Step 2 or graduation limit) is STALE_AFTER_SEASONS or more old, so the
   scoring caps it at Tier 3 and asks to verify it: an answer moves it up or off the list.
2. **Open**: the visa policy the applicant needs is unknown (or sources disagree): scored at
   half credit, an answer moves its score either way.
3. **Could close**: a stale "yes" to the applicant's visa: a "no" would take it off.
4. **IMG share**: unknown or stale: moves the score, rarely the tier.

A program is ranked by the lists in each class, in that order, then by how many lists hold it
and the age of its oldest scoring fact; a program whose answers cannot move a tier on any list
comes last. Armed-forces programs are left out (closed to non-citizens by law).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy, ngettext

from programs import current
from programs.models import Program, Strictness, TriState
from tiering.models import ListEntry

FIELDS: dict[str, str] = {
    "j1_accepted": "J-1",
    "h1b_sponsored": "H-1B",
    "img_share_pct": gettext_lazy("IMG share"),
    "non_us_img_share_pct": gettext_lazy("Non-US IMG share"),
    "setting": gettext_lazy("Setting"),
    "pgy1_positions": gettext_lazy("PGY-1 positions"),
}
SCORING_FIELDS = ("j1_accepted", "h1b_sponsored", "img_share_pct")
NEVER_STATED = 1000  # the age given to a fact no source states, for ranking only
UNDATED = NEVER_STATED - 1  # a fact stated without a year: older than any dated one
VISA_KEY = {"j1": "j1_accepted", "h1b": "h1b_sponsored"}
CLASSES = ("check_first", "open", "could_close", "img")


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
    lists: int  # stored lists holding it (in scope, not removed)
    oldest_age: int  # seasons; NEVER_STATED when a scoring fact is unknown
    why: str  # the age of its scoring facts
    impact: tuple[int, ...] = (0, 0, 0, 0)  # lists per class (CLASSES), for the ranking

    @property
    def check_first(self) -> int:
        return self.impact[0]

    @property
    def impact_text(self) -> str:
        """What an answer would change, e.g. "Check first on 3 lists; visa unknown on 1"."""
        check_first, unknown, could_close, img = self.impact
        parts = []
        if check_first:
            parts.append(ngettext("Check first on %(n)s list", "Check first on %(n)s lists",
                                  check_first) % {"n": check_first})
        if unknown:
            parts.append(ngettext("visa policy unknown on %(n)s list",
                                  "visa policy unknown on %(n)s lists", unknown) % {"n": unknown})
        if could_close:
            parts.append(ngettext("an old \"yes\" could close it on %(n)s list",
                                  "an old \"yes\" could close it on %(n)s lists",
                                  could_close) % {"n": could_close})
        if img:
            parts.append(ngettext("IMG share unknown or old on %(n)s list",
                                  "IMG share unknown or old on %(n)s lists", img) % {"n": img})
        return "; ".join(parts) or gettext("no answer would move a tier")


def catalog_programs(specialties: Iterable[str] = ()) -> list[Program]:
    """Every program (of these specialty codes, when given), with its current facts."""
    programs = Program.objects.select_related("specialty")
    codes = list(specialties)
    if codes:
        programs = programs.filter(specialty__code__in=codes)
    return list(programs.order_by("acgme_id"))


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
                verified = origin.get("source") in (current.VERIFIED, current.REPORTED)
                label = gettext("verified") if verified else str(
                    origin.get("year") or gettext("year not stated"))
                years[label] += 1
            known = sum(years.values())
            cells.append(Cell(known, len(group), tuple(sorted(years.items()))))
        rows.append(Row(code, name, len(group), tuple(cells)))
    return rows


def _closing(program: Program, entry: dict, key: str | None) -> list[str]:
    """The facts that close the program to this list's applicant (the scoring's gates that a
    program states; law gates are never stale and are left to the scoring)."""
    if key is None:
        return []
    others = {o.get("key") for o in program.other_values or [] if o.get("kind") == "conflict"}
    out = []
    if program.citizens_only == TriState.YES and "citizens_only" not in others:
        out.append("citizens_only")
    if getattr(program, key) == TriState.NO and key not in others:
        out.append(key)
    if (program.max_years_since_graduation_strictness == Strictness.STRICT
            and program.max_years_since_graduation is not None
            and entry["profile__graduation_year"] is not None
            and timezone.now().year - entry["profile__graduation_year"]
            > program.max_years_since_graduation):
        out.append("max_years_since_graduation")
    if (program.min_step2_strictness == Strictness.STRICT and program.min_step2_score
            and entry["profile__step2_score"] is not None
            and entry["profile__step2_score"] < program.min_step2_score):
        out.append("min_step2_score")
    return out


def _impact(program: Program, entry: dict, season: int) -> int | None:
    """The class (index in CLASSES) of what an answer would change on one list, or None."""
    key = VISA_KEY.get(entry["profile__visa_need"])
    closing = _closing(program, entry, key)
    if closing:
        if all(current.fact(program, k, as_of=season).stale for k in closing):
            return 0
        return None  # closed by a current answer: verifying cannot move it
    if key is not None:
        visa = current.fact(program, key, as_of=season)
        if not visa.known or visa.conflict:
            return 1
        if visa.stale:
            return 2
    img = current.fact(program, "img_share_pct", as_of=season)
    if not img.known or img.stale:
        return 3
    return None


def _entries(entries: QuerySet[ListEntry] | None) -> Iterable[dict]:
    entries = entries if entries is not None else ListEntry.objects.all()
    return entries.filter(in_scope=True, excluded=False).filter(
        Q(override_tier__in=(1, 2, 3)) | Q(override_tier__isnull=True, computed_tier__in=(1, 2, 3))
    ).values("program_id", "profile_id", "profile__visa_need", "profile__graduation_year",
             "profile__step2_score")


def verify_next(limit: int = 25, programs: list[Program] | None = None, *,
                entries: QuerySet[ListEntry] | None = None,
                specialties: Iterable[str] = ()) -> list[NextProgram]:
    """The programs to verify first (see the module's docstring), of these specialty codes.

    ``entries``: only these lists' entries count (an advisor's clients); only the programs on
    them are ranked then.
    """
    codes = set(specialties)
    rows = list(_entries(entries))
    if programs is None:
        programs = catalog_programs(codes) if entries is None else list(
            Program.objects.select_related("specialty")
            .filter(pk__in={row["program_id"] for row in rows}))
    season = timezone.now().year
    by_id = {p.pk: p for p in programs if not codes or p.specialty.code in codes}
    lists: Counter = Counter()
    impact: dict[int, list[int]] = defaultdict(lambda: [0] * len(CLASSES))
    for entry in rows:
        program = by_id.get(entry["program_id"])
        if program is None:
            continue
        lists[program.pk] += 1
        kind = _impact(program, entry, season)
        if kind is not None:
            impact[program.pk][kind] += 1
    if entries is not None:
        by_id = {pk: p for pk, p in by_id.items() if pk in lists}
    ranked = []
    for p in by_id.values():
        if p.armed_forces == TriState.YES:
            continue  # closed to non-citizens by law: nothing to verify for our applicants
        ages = []
        parts = []
        for key in SCORING_FIELDS:
            origin = (p.provenance or {}).get(key, {})
            if not _known(p, key):
                ages.append(NEVER_STATED)
                parts.append(gettext("%(fact)s not stated") % {"fact": FIELDS[key]})
            elif origin.get("year"):
                ages.append(season - origin["year"])
                parts.append(gettext("%(fact)s from %(year)s") % {"fact": FIELDS[key],
                                                                  "year": origin["year"]})
            else:
                ages.append(UNDATED)
                parts.append(gettext("%(fact)s, year not stated") % {"fact": FIELDS[key]})
        item = NextProgram(p, lists[p.pk], max(ages), "; ".join(parts),
                           tuple(impact.get(p.pk, (0,) * len(CLASSES))))
        ranked.append((sum(ages), item))
    # What an answer changes on lists first (by class), then the lists holding it, then the
    # oldest fact, then the oldest facts together, then the id.
    ranked.sort(key=lambda r: (tuple(-n for n in r[1].impact), -r[1].lists, -r[1].oldest_age,
                               -r[0], r[1].program.acgme_id))
    return [item for _, item in ranked[:limit]]
