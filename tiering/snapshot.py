"""The catalog as the scoring reads it, one specialty at a time, kept per catalog version per
process.

Loading programs and building their ProgramFacts costs several times the scoring itself, so a
process keeps them across requests; the catalog changes rarely (an import, an edit in the
admin), and ``catalog_version`` says when it did. But a whole national catalog per worker cost
seconds on its first request and hundreds of megabytes, while an applicant reads only their few
specialties: a specialty is loaded the first time a request needs it, and a program looked up
by id or ACGME id is read alone. A page that reads the whole catalog (the catalog's facts for a
benchmark) still can, through ``by_specialty``.

The list page ranks a scope of tens of thousands of programs on a worker's first request but
shows about a hundred of them: ``scope`` reads the scope's programs as light rows (their facts,
and a ``ScopeProgram``: name and place) and the page reads whole only the programs it shows.
Whole programs of a specialty read later keep the facts of its light rows
(tests/tiering/test_scope_rows.py).

Programs are read as rows (``_programs``) rather than through the model's constructor, which
cost most of a large load, and values that repeat from program to program (a provenance, "yes",
a state's code) are kept once per process, not once per program: with tens of thousands of
programs they made most of the snapshot's memory. What the snapshot gives is what the database
holds (tests/tiering/test_snapshot_rows.py).

The Program instances are shared by every request of the process: read them, never change
them (gunicorn's sync workers serve one request at a time per process).
"""

from __future__ import annotations

import gc
import json
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from django.db.models import TextField
from django.db.models.base import ModelState
from django.db.models.functions import Cast

from programs.models import Program, Specialty
from tiering import scoring
from tiering.facts import (
    SCORED_COLUMNS,
    cached_facts,
    facts_from_values,
    provenance_facts,
    shared,
)

Pair = tuple[Program, scoring.ProgramFacts]
# The text of a column is kept once when it is this short (codes, states, "unknown"): a
# program's name or address is its own.
_SHORT_TEXT = 24


class Snapshot:
    """The catalog of one version, filled one specialty at a time."""

    def __init__(self, version: str) -> None:
        self.version = version
        self._specialties: dict[int, list[Pair]] = {}
        # Specialties read as light rows (``scope``), until a reader needs their programs whole.
        self._light: dict[int, list[tuple[ScopeProgram | Program, scoring.ProgramFacts]]] = {}
        self._specialty_rows: dict[int, Specialty] = {}  # one instance per specialty
        self._complete = False
        self.by_pk = Lookup(self, "pk")
        self.by_acgme_id = Lookup(self, "acgme_id")

    # -- loading ------------------------------------------------------------------------------

    def load(self, specialty_ids: Iterable[int]) -> None:
        """Load these specialties' programs unless they are loaded: one query for them all."""
        missing = {pk for pk in specialty_ids if pk not in self._specialties}
        if not missing:
            return
        specialties = self._specialties_of(missing)
        loaded: dict[int, list[Pair]] = {pk: [] for pk in missing}
        # Building tens of thousands of objects would set off garbage collections that walk
        # them again and again, and so would the first collection after: they are frozen
        # (``gc.freeze``) before the collector runs again, out of sight of every collection
        # that lands on whichever request allocates next. Frozen as they are, not collected
        # first: a collection would walk every one of them once (a fifth of a second on a
        # large scope) to find the little garbage of a request.
        with collector_paused():
            # The facts of the programs read as light rows of this catalog: theirs.
            light = {program.pk: facts for pk in missing for program, facts in
                     self._light.get(pk, ())}
            for program, provenance in _programs(specialty_id__in=missing):
                # One Specialty per specialty, not one per row (select_related makes one per
                # row); set as the foreign key's descriptor sets it.
                program._state.fields_cache = {_SPECIALTY: specialties[program.specialty_id]}
                facts = light.get(program.pk) or cached_facts(program, provenance=provenance)
                loaded[program.specialty_id].append((program, facts))
            for pk, pairs in loaded.items():
                # Sorted here, not by the database: tens of thousands of whole rows sorted
                # there spilled to disk.
                pairs.sort(key=_by_acgme_id)
                self._specialties[pk] = pairs
                self._light.pop(pk, None)
                for program, _ in pairs:
                    self.by_pk.index[program.pk] = program
                    self.by_acgme_id.index[program.acgme_id] = program
            gc.freeze()

    def load_programs(self, **lookup) -> list[Program]:
        """These programs alone, whole (``Program.objects.filter(**lookup)``), without their
        specialties' other programs: the rows a page shows of a scope read as light rows."""
        programs = [program for program, _ in _programs(few=True, **lookup)]
        specialties = self._specialties_of({p.specialty_id for p in programs})
        for program in programs:
            program._state.fields_cache = {_SPECIALTY: specialties[program.specialty_id]}
            self.by_pk.index[program.pk] = program
            self.by_acgme_id.index[program.acgme_id] = program
        return programs

    def _specialties_of(self, ids: set[int]) -> dict[int, Specialty]:
        missing = ids - self._specialty_rows.keys()
        if missing:
            self._specialty_rows.update(Specialty.objects.in_bulk(missing))
        return {pk: self._specialty_rows[pk] for pk in ids}

    def load_all(self) -> None:
        if not self._complete:
            self.load(Specialty.objects.values_list("pk", flat=True))
            self._complete = True

    # -- reading ------------------------------------------------------------------------------

    @property
    def by_specialty(self) -> dict[int, list[Pair]]:
        """Specialty id -> (program, facts) by ACGME id, for the whole catalog (every
        specialty loaded: for a reader of the whole catalog only)."""
        self.load_all()
        return self._specialties

    def specialty_pairs(self, specialty_ids: Iterable[int]) -> dict[int, list[Pair]]:
        """Specialty id -> (program, facts) by ACGME id, for these specialties only."""
        specialty_ids = set(specialty_ids)
        self.load(specialty_ids)
        return {pk: self._specialties[pk] for pk in specialty_ids}

    def facts(self) -> list[scoring.ProgramFacts]:
        return [facts for pairs in self.by_specialty.values() for _, facts in pairs]

    def in_scope(self, specialty_ids: Iterable[int], states) -> list[Pair]:
        """The programs of these specialties, in these states when any are given."""
        states = set(states or ())
        pairs = [pair for chosen in self.specialty_pairs(specialty_ids).values()
                 for pair in chosen if not states or pair[0].state in states]
        pairs.sort(key=lambda pair: pair[0].acgme_id)
        return pairs

    def scope(self, specialty_ids: Iterable[int], states) -> list[tuple]:
        """``in_scope``'s programs and facts, in its order, for a reader of the facts and of
        what ``ScopeProgram`` holds only (ranking a scope, choosing from it): a specialty not
        loaded yet is read as light rows, not whole programs, which cost most of a worker's
        first list page on a large catalog. Whole programs for the rows a page shows:
        ``by_pk``."""
        specialty_ids = set(specialty_ids)
        missing = {pk for pk in specialty_ids
                   if pk not in self._specialties and pk not in self._light}
        if missing:
            self._load_light(missing)
        states = set(states or ())
        pairs = [pair for pk in specialty_ids
                 for pair in (self._specialties[pk] if pk in self._specialties
                              else self._light[pk])
                 if not states or pair[0].state in states]
        pairs.sort(key=_by_acgme_id)
        return pairs

    def _load_light(self, specialty_ids: set[int]) -> None:
        specialties = self._specialties_of(specialty_ids)
        loaded: dict[int, list] = {pk: [] for pk in specialty_ids}
        with collector_paused():  # as for ``load``
            conflicted = []
            for row, facts in _light_rows(specialty_ids):
                if facts is None:  # two sources disagree: read whole, as ``load`` reads it
                    conflicted.append(row)
                    continue
                row.specialty = specialties[row.specialty_id]
                loaded[row.specialty_id].append((row, facts))
            if conflicted:
                for program in self.load_programs(pk__in=conflicted):
                    loaded[program.specialty_id].append((program, cached_facts(program)))
            self._light.update(loaded)
            gc.freeze()


def _by_acgme_id(pair: Pair) -> str:
    return pair[0].acgme_id


@contextmanager
def collector_paused() -> Iterator[None]:
    """The cyclic garbage collector paused for a batch over the scope whose objects are gone
    at its end (a scoring read for its numbers, the candidates of a selection): run, it
    walked the tens of thousands of them several times over (gc callbacks: most of the
    collections' 0.4 s on a worker's first request with a scope of 19,000 programs). They
    hold no reference cycles; each is freed when its last reference goes, collector or not."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class Lookup:
    """Programs by id or ACGME id, as a read-only mapping: programs not loaded yet are read,
    those asked for at once in one query."""

    def __init__(self, snapshot: Snapshot, field: str) -> None:
        self.snapshot = snapshot
        self.field = field
        self.index: dict = {}
        self._absent: set = set()  # asked for and not in the catalog of this version

    def ensure(self, keys: Iterable) -> None:
        """Load the specialties of these programs, in one query, if any is missing."""
        missing = {key for key in keys if key not in self.index and key not in self._absent}
        if not missing or self.snapshot._complete:
            return
        # These programs alone: a page that shows a few programs of a large specialty (a
        # list's entries) reads no more than them.
        self.snapshot.load_programs(**{f"{self.field}__in": missing})
        self._absent |= {key for key in missing if key not in self.index}

    def __contains__(self, key) -> bool:
        self.ensure((key,))
        return key in self.index

    def __getitem__(self, key) -> Program:
        self.ensure((key,))
        return self.index[key]

    def get(self, key, default=None) -> Program | None:
        self.ensure((key,))
        return self.index.get(key, default)

    def __len__(self) -> int:
        self.snapshot.load_all()
        return len(self.index)

    def __iter__(self) -> Iterator:
        self.snapshot.load_all()
        return iter(self.index)


# Every column of a program, the JSON ones read as their text (see ``_programs``).
_FIELDS = list(Program._meta.concrete_fields)
_JSON = [f.attname for f in _FIELDS if f.get_internal_type() == "JSONField"]
_PLAIN = [f.attname for f in _FIELDS if f.attname not in _JSON]
_NAMES = [*_PLAIN, *_JSON]
# The text columns whose short values repeat from program to program (codes, states,
# "unknown", a city): kept once per process when short. A program's name and link are its own.
_TEXT = [i for i, name in enumerate(_PLAIN)
         if Program._meta.get_field(name).get_internal_type() == "CharField"
         and name not in ("name", "acgme_id")]
_PROVENANCE = _NAMES.index("provenance")
_SPECIALTY = Program._meta.get_field("specialty").cache_name


def _programs(*, few: bool = False, **lookup) -> Iterator[tuple[Program, tuple[dict, dict]]]:
    """The programs ``Program.objects.filter(**lookup)`` (in no order), each with what its
    provenance says of its facts (``facts.provenance_facts``). ``few``: a page's rows, read at
    once (a specialty's thousands are read in chunks, through a cursor on the server, which
    costs a few round trips more).

    Read as rows, not through the model's constructor, which cost most of a large load; each
    instance is the one ``Program.from_db`` makes (every column loaded, saved state). Programs
    share their provenance far more often than not (5,216 shipped programs have about 800),
    so each JSON value is read from its text once, and programs with equal text share it:
    equal values, one object, read and never changed."""
    queryset = Program.objects.filter(**lookup).order_by()
    rows = queryset.values_list(*_PLAIN, *(Cast(name, TextField()) for name in _JSON))
    db = queryset.db
    parsed: dict[str, object] = {}
    read: dict[str, tuple[dict, dict]] = {}  # provenance text -> provenance_facts
    new, intern = Program.__new__, sys.intern
    for row in (rows if few else rows.iterator(chunk_size=2000)):
        values = list(row)
        for i in _TEXT:
            value = values[i]
            if value.__class__ is str and len(value) <= _SHORT_TEXT:
                values[i] = intern(value)
        for i in range(len(_PLAIN), len(_NAMES)):
            text = values[i]
            if text is not None:
                value = parsed.get(text)
                if value is None:
                    value = parsed[text] = _shared_json(_NAMES[i], json.loads(text))
                values[i] = value
        text = row[_PROVENANCE]
        provenance = read.get(text)
        if provenance is None:
            provenance = read[text] = provenance_facts(values[_PROVENANCE])
        program = new(Program)
        state = ModelState()
        state.adding, state.db = False, db
        program.__dict__ = dict(zip(_NAMES, values, strict=True))
        program._state = state
        yield program, provenance


def _shared_json(name: str, value: object) -> object:
    """A JSON column's value with its repeated parts kept once per process (each fact's
    provenance: equal origins, one object)."""
    if name == "provenance" and value:
        return {sys.intern(key): shared(origin) for key, origin in value.items()}
    return value


class ScopeProgram:
    """A program of a scope as ranking it and choosing from it read it (``Snapshot.scope``):
    where it is and what it is called; its facts are beside it. A page reads the programs it
    shows whole (``Snapshot.by_pk``)."""

    __slots__ = ("pk", "acgme_id", "name", "city", "state", "in_border_region",
                 "border_distance_km", "specialty_id", "specialty")

    def __init__(self, pk: int, specialty_id: int, city: str, values: dict) -> None:
        self.pk, self.specialty_id, self.city = pk, specialty_id, city
        self.acgme_id, self.name, self.state = values["acgme_id"], values["name"], values["state"]
        self.in_border_region = values["in_border_region"]
        self.border_distance_km = values["border_distance_km"]

    @property
    def id(self) -> int:
        return self.pk

    def __repr__(self) -> str:
        return f"<ScopeProgram {self.acgme_id}>"


# A light row: what ``ScopeProgram`` and the facts read, and the provenance and other values
# as their text (read once per distinct text, as ``_programs`` reads them).
_LIGHT = ["id", "specialty_id", "city", *SCORED_COLUMNS]
_LIGHT_TEXT = [i for i, name in enumerate(_LIGHT)
               if Program._meta.get_field(name).get_internal_type() == "CharField"
               and name not in ("name", "acgme_id")]


def _light_rows(specialty_ids: set[int]) -> Iterator[tuple]:
    """(ScopeProgram, facts) of every program of these specialties (in no order), the facts
    those ``facts_of`` gives for the program itself; (its id, None) for a program two of whose
    sources disagree (its conflicts read every column: the caller reads it whole)."""
    queryset = Program.objects.filter(specialty_id__in=specialty_ids).order_by()
    rows = queryset.values_list(*_LIGHT, Cast("provenance", TextField()),
                                Cast("other_values", TextField()))
    read: dict[str | None, tuple[dict, dict]] = {}  # provenance text -> provenance_facts
    size, intern, copied_at = len(_LIGHT), sys.intern, slice(3, len(_LIGHT))
    empty = shared({})  # no conflicts
    for row in rows.iterator(chunk_size=2000):
        other = row[size + 1]
        if other and '"conflict"' in other:
            yield row[0], None
            continue
        values = list(row)
        for i in _LIGHT_TEXT:
            value = values[i]
            if value.__class__ is str and len(value) <= _SHORT_TEXT:
                values[i] = intern(value)
        copied = dict(zip(SCORED_COLUMNS, values[copied_at], strict=True))
        text = row[size]
        provenance = read.get(text)
        if provenance is None:
            provenance = read[text] = provenance_facts(json.loads(text) if text else None)
        yield (ScopeProgram(row[0], row[1], values[2], copied),
               facts_from_values(copied, provenance, empty))
