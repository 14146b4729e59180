"""The catalog as the scoring reads it, kept per catalog version per process
(``tiering.snapshot``: a specialty is loaded when a request first needs it), and a profile's
scope (its specialties and states) scored from it.

Loading a scope's ~1,900 programs from the database and building their ProgramFacts cost
several times the scoring itself on every view. The catalog changes rarely (an import, an edit
in the admin), so each process keeps the programs it has read with their facts, grouped by
specialty, and reads them again only when ``catalog_version`` says the catalog changed.
"""

from __future__ import annotations

import hashlib
from array import array
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from django.db.models import QuerySet

from applicants.models import Profile
from programs.models import Program
from programs.versions import catalog_version
from tiering import memo, scoring
from tiering.facts import cached_facts
from tiering.forms import CANDIDATES_PER_PAGE, ListFilterForm
from tiering.scored import SCORING_VERSION, Scored, applicant_of, list_inputs
from tiering.snapshot import Snapshot, collector_paused

T = TypeVar("T")


_SNAPSHOT: Snapshot | None = None


def snapshot(version: str | None = None) -> Snapshot:
    """The catalog of this version (empty until a request reads a specialty of it: see
    ``tiering.snapshot``), a new one on the first call after the catalog changed."""
    global _SNAPSHOT
    version = version or catalog_version()
    if _SNAPSHOT is None or _SNAPSHOT.version != version:
        _SNAPSHOT = Snapshot(version)
    return _SNAPSHOT


def catalog_facts() -> list[scoring.ProgramFacts]:
    """The scoring's inputs for the whole catalog, as a warm process has them."""
    return snapshot().facts()


def with_programs(entries: Iterable[T], *, version: str | None = None,
                  also: Iterable[int] = ()) -> list[T]:
    """The entries (anything with ``program_id``), each given its program from the snapshot:
    a list page or a workbook then loads only the applicant's own rows, not the programs'
    facts and provenance again. ``version``: the catalog's, when the caller has read it;
    ``also``: other programs (ids) to read with theirs."""
    catalog = snapshot(version).by_pk
    entries = list(entries)
    catalog.ensure({e.program_id for e in entries} | set(also))  # in one query
    # A program newer than the snapshot's version (saved during this request) is read as is.
    missing = {e.program_id for e in entries if e.program_id not in catalog.index}
    extra = Program.objects.select_related("specialty").in_bulk(missing) if missing else {}
    for entry in entries:
        entry.program = catalog.index.get(entry.program_id) or extra[entry.program_id]
    return entries


@dataclass(frozen=True, slots=True)
class Ranked:
    """A program's place for the applicant without its reasons: what the list page sorts and
    filters the candidates by. The page scores again only the candidates it shows."""

    tier: scoring.Tier
    score: float
    confidence: float
    eligible: bool
    # The points that break ties on the list (tiering.choosing): mission fit, IMG presence.
    components: dict[str, float]


RANKED_CACHE_SECONDS = 6 * 3600
RANKED_COMPONENTS = (scoring.C_BORDER, scoring.C_SPANISH, scoring.C_SHORTAGE, scoring.C_IMG)
_TIERS = tuple(scoring.Tier)
_ABSENT = float("nan")  # a component the program's result does not have


@dataclass(frozen=True, slots=True)
class Ranks:
    """The scope's ranks, one column each: about 50 bytes a program in the process's memory
    and in the cache (a tuple and a dict per program took several times that)."""

    tiers: bytes  # the tier's place in scoring.Tier
    scores: array
    int_scores: bool
    confidences: array
    eligible: bytes
    components: tuple[array, ...]  # one per RANKED_COMPONENTS; NaN where the result has none

    def __len__(self) -> int:
        return len(self.tiers)

    def results(self) -> list[Ranked]:
        names = RANKED_COMPONENTS
        return [
            Ranked(_TIERS[tier], int(score) if self.int_scores else score, confidence,
                   bool(eligible), {k: v for k, v in zip(names, parts, strict=True) if v == v})
            for tier, score, confidence, eligible, parts in zip(
                self.tiers, self.scores, self.confidences, self.eligible,
                zip(*self.components, strict=True), strict=True)
        ]


def ranks_of(results: Iterable) -> Ranks:
    """The numbers of these results (full ones from a build, or the numbers only)."""
    results = list(results)
    scores = [r.score for r in results]
    return Ranks(
        tiers=bytes(_TIERS.index(r.tier) for r in results),
        scores=array("d", scores), int_scores=all(type(s) is int for s in scores),
        confidences=array("d", (r.confidence for r in results)),
        eligible=bytes(bool(r.eligible) for r in results),
        components=tuple(array("d", (r.components.get(k, _ABSENT) for r in results))
                         for k in RANKED_COMPONENTS))


def _ranks_key(profile: Profile, inputs: str | None, version: str) -> str:
    return "ranks:" + _scope_key(profile, inputs, version)


def _any_eligible_key(profile: Profile, inputs: str | None, version: str) -> str:
    return "any-eligible:" + _scope_key(profile, inputs, version)


def ranked_scope(profile: Profile, *, inputs: str | None = None,
                 applicant: scoring.Applicant | None = None) -> list[Scored]:
    """``score_scope`` with ``Ranked`` results, kept in this process's memory and the cache
    (``tiering.memo``) under what they depend on: the profile's scored fields, the catalog's
    version and the scoring model. A build keeps them too (``keep_ranks``). Scoring the whole
    scope on every view cost most of the page. ``inputs`` and ``applicant``: the profile's,
    when the caller has built them."""
    catalog = snapshot()
    # Light rows where the process has not read the programs whole: the ranks read the facts,
    # and the page reads whole only the programs it shows (``whole_programs``).
    pairs = catalog.scope([s.pk for s in profile.specialties()], profile.target_states)
    key = _ranks_key(profile, inputs, catalog.version)
    ranks = memo.recall(key, weigh=len)
    if ranks is None or len(ranks) != len(pairs):
        # The ranks keep no reasons: scored for the numbers only (the same tiers and points).
        with collector_paused():  # the results are gone once read into the ranks
            ranks = ranks_of(scoring.score_programs(
                applicant=applicant or applicant_of(profile),
                programs=[facts for _, facts in pairs], words=False))
        memo.keep(key, ranks, RANKED_CACHE_SECONDS, weight=len(ranks))
    return [Scored(program, facts, rank)
            for (program, facts), rank in zip(pairs, ranks.results(), strict=True)]


def whole_programs(programs: Iterable) -> list[Program]:
    """These programs whole: a program of ``ranked_scope`` may be a light row
    (``snapshot.ScopeProgram``); those the process has not read whole are read in one query."""
    programs = list(programs)
    light = {p.pk for p in programs if not isinstance(p, Program)}
    if not light:
        return programs
    catalog = snapshot().by_pk
    catalog.ensure(light)
    return [catalog[p.pk] if p.pk in light else p for p in programs]


def keep_ranks(profile: Profile, scored: Sequence[Scored], *, version: str,
               inputs: str | None = None) -> None:
    """Keep the ranks of a scope just scored in full (a build), with whether any program of
    it is open to the applicant, so that the list page the build leads to scores nothing
    again. ``scored``: ``score_scope`` of the snapshot of ``version``, in its order."""
    inputs = inputs or list_inputs(profile)
    ranks = ranks_of(item.result for item in scored)
    memo.keep(_ranks_key(profile, inputs, version), ranks, RANKED_CACHE_SECONDS,
              weight=len(ranks))
    memo.keep(_any_eligible_key(profile, inputs, version),
              any(item.result.eligible for item in scored), RANKED_CACHE_SECONDS)


def _scope_key(profile: Profile, inputs: str | None, version: str) -> str:
    return hashlib.sha256(repr((inputs or list_inputs(profile), version,
                                SCORING_VERSION)).encode()).hexdigest()


def any_eligible(profile: Profile, inputs: str | None, ranked: Callable[[], list]) -> bool:
    """Whether any program in scope is open to the applicant, kept beside the ranks so a page
    whose parts are all cached need not rank the scope."""
    key = _any_eligible_key(profile, inputs, snapshot().version)
    answer = memo.recall(key)
    if answer is None:
        answer = any(item.result.eligible for item in ranked())
        memo.keep(key, answer, RANKED_CACHE_SECONDS)
    return answer


# ---------------------------------------------------------------------------------------------
# The candidates' first page, kept with the list
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FirstCandidates:
    """What the list page shows of its candidates unfiltered, as the list's build ranked
    them: whether any program in scope is open to the applicant, how many candidates there
    are, the first page of them (whole programs, in the page's order) and the filters'
    choices (the scope's specialties and states)."""

    eligible: bool
    count: int
    programs: list[Program]
    specialties: list[tuple[str, str]]
    states: list[str]
    names: dict[str, str]  # ACGME id -> name of the next candidates the list's rows name

    def pool(self) -> Sequence:
        """The candidates for the paginator: its first page, items with their ``program``."""
        return _FirstPool(self)


def _first_key(inputs: str, version: str, taken: Iterable[int]) -> str:
    return hashlib.sha256(repr((inputs, version, SCORING_VERSION, sorted(taken))).encode()
                          ).hexdigest()


def first_candidates_to_store(profile: Profile, scored: Sequence[Scored], taken: set[int], *,
                              version: str, following: list[int],
                              inputs: str | None = None) -> dict:
    """The candidates' first page of a list just built, to keep with it (``ListGroups.
    first_candidates``) under the key of what it depends on: the profile, the catalog, the
    scoring model and the programs taken by the list (``taken``: its entries in scope). A
    worker whose cache has nothing then shows the list page unfiltered without ranking the
    scope; a page filtered or sorted, or after a program was added by hand, ranks it.
    ``scored``: ``score_scope`` of the snapshot of ``version``, in its order; ``following``:
    the next candidates the list's rows name (their ids), named with the page."""
    pool = ListFilterForm(specialties=[], states=[]).filter(
        [item for item in scored if item.program.pk not in taken])
    return {
        "key": _first_key(inputs or list_inputs(profile), version, taken),
        "eligible": any(item.result.eligible for item in scored),
        "count": len(pool),
        "programs": [item.program.pk for item in pool[:CANDIDATES_PER_PAGE]],
        "specialties": scope_specialties(scored),
        "states": sorted({item.program.state for item in scored}),
        "next": following,
    }


@dataclass(frozen=True, slots=True)
class _Shown:
    program: Program


class _FirstPool(Sequence):
    """The candidates of a ``FirstCandidates`` as a paginator reads them: as many as there
    are, the first page's at hand."""

    def __init__(self, first: FirstCandidates) -> None:
        self.size, self.shown = first.count, [_Shown(p) for p in first.programs]

    def __len__(self) -> int:
        return self.size

    def __getitem__(self, index):
        beyond = (index.stop or 0) > len(self.shown) < self.size \
            if isinstance(index, slice) else True
        if beyond:
            raise IndexError("beyond the first page")
        return self.shown[index]


def first_candidates(stored: dict | None, taken: set[int], *, inputs: str
                     ) -> FirstCandidates | None:
    """The candidates' first page kept with the list, if it is current (None otherwise: the
    page ranks the scope)."""
    catalog = snapshot()
    if not stored or stored.get("key") != _first_key(inputs, catalog.version, taken):
        return None
    by_pk = catalog.by_pk
    following = stored.get("next", ())
    by_pk.ensure([*stored["programs"], *following])
    if not all(pk in by_pk for pk in stored["programs"]):
        return None
    following = [by_pk[pk] for pk in following if pk in by_pk]
    return FirstCandidates(
        eligible=stored["eligible"], count=stored["count"],
        programs=[by_pk[pk] for pk in stored["programs"]],
        specialties=[tuple(pair) for pair in stored["specialties"]],
        states=stored["states"], names={p.acgme_id: p.name for p in following})


def scope_specialties(scored: Iterable[Scored]) -> list[tuple[str, str]]:
    """The (code, name) of the specialties of these programs, by name: the candidates'
    specialty filter."""
    return sorted({(i.program.specialty.code, i.program.specialty.name) for i in scored},
                  key=lambda s: s[1])


# ---------------------------------------------------------------------------------------------
# A profile's scope, scored with its reasons (the candidates are never stored)
# ---------------------------------------------------------------------------------------------


def score_scope(profile: Profile, *, applicant: scoring.Applicant | None = None,
                catalog: Snapshot | None = None) -> list[Scored]:
    """Every program in the profile's specialties and states, scored for it (from the
    process's catalog snapshot: no program is loaded from the database when warm).
    ``catalog``: the snapshot to read, when the caller needs to know its version."""
    pairs = (catalog or snapshot()).in_scope(
        [s.pk for s in profile.specialties()], profile.target_states)
    results = scoring.score_programs(applicant=applicant or applicant_of(profile),
                                     programs=[facts for _, facts in pairs])
    return [Scored(p, f, r) for (p, f), r in zip(pairs, results, strict=True)]


def score_scope_of(profile: Profile, programs: Iterable[Program], *,
                   applicant: scoring.Applicant | None = None) -> list[Scored]:
    """These programs, scored for the profile."""
    programs = list(programs)
    facts = [cached_facts(p) for p in programs]
    results = scoring.score_programs(applicant=applicant or applicant_of(profile),
                                     programs=facts)
    return [Scored(p, f, r) for p, f, r in zip(programs, facts, results, strict=True)]


def programs_for(specialties: Iterable, states: Iterable[str]) -> QuerySet[Program]:
    """The programs of these specialties, in these states when any are given (from the
    database, for a command; the pages read the snapshot)."""
    programs = Program.objects.filter(specialty__in=specialties).select_related("specialty")
    states = list(states)
    if states:
        programs = programs.filter(state__in=states)
    return programs.order_by("acgme_id")


def programs_in_scope(profile: Profile) -> QuerySet[Program]:
    return programs_for(profile.target_specialties.all(), profile.target_states or [])
