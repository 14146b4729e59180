"""The catalog as the scoring reads it, one specialty at a time, kept per catalog version per
process.

Loading programs and building their ProgramFacts costs several times the scoring itself, so a
process keeps them across requests; the catalog changes rarely (an import, an edit in the
admin), and ``catalog_version`` says when it did. But a whole national catalog per worker cost
seconds on its first request and hundreds of megabytes, while an applicant reads only their few
specialties: a specialty is loaded the first time a request needs it, and a program looked up
by id or ACGME id brings its specialty with it. A page that reads the whole catalog (the
catalog's facts for a benchmark) still can, through ``by_specialty``.

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
from tiering.facts import cached_facts, provenance_facts, shared

Pair = tuple[Program, scoring.ProgramFacts]
# The text of a column is kept once when it is this short (codes, states, "unknown"): a
# program's name or address is its own.
_SHORT_TEXT = 24


class Snapshot:
    """The catalog of one version, filled one specialty at a time."""

    def __init__(self, version: str) -> None:
        self.version = version
        self._specialties: dict[int, list[Pair]] = {}
        self._complete = False
        self.by_pk = Lookup(self, "pk")
        self.by_acgme_id = Lookup(self, "acgme_id")

    # -- loading ------------------------------------------------------------------------------

    def load(self, specialty_ids: Iterable[int]) -> None:
        """Load these specialties' programs unless they are loaded: one query for them all."""
        missing = {pk for pk in specialty_ids if pk not in self._specialties}
        if not missing:
            return
        specialties = Specialty.objects.in_bulk(missing)
        loaded: dict[int, list[Pair]] = {pk: [] for pk in missing}
        # Building tens of thousands of objects would set off garbage collections that walk
        # them again and again, and so would the first collection after: they are frozen
        # (``gc.freeze``) before the collector runs again, out of sight of every collection
        # that lands on whichever request allocates next. Frozen as they are, not collected
        # first: a collection would walk every one of them once (a fifth of a second on a
        # large scope) to find the little garbage of a request.
        with collector_paused():
            for program, provenance in _programs(missing):
                # One Specialty per specialty, not one per row (select_related makes one per
                # row); set as the foreign key's descriptor sets it.
                program._state.fields_cache = {_SPECIALTY: specialties[program.specialty_id]}
                loaded[program.specialty_id].append(
                    (program, cached_facts(program, provenance=provenance)))
            for pk, pairs in loaded.items():
                # Sorted here, not by the database: tens of thousands of whole rows sorted
                # there spilled to disk.
                pairs.sort(key=_by_acgme_id)
                self._specialties[pk] = pairs
                for program, _ in pairs:
                    self.by_pk.index[program.pk] = program
                    self.by_acgme_id.index[program.acgme_id] = program
            gc.freeze()

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
    """Programs by id or ACGME id, as a read-only mapping: a program not loaded yet brings its
    specialty into the snapshot (one query for its specialty, one for the programs)."""

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
        self.snapshot.load(Program.objects.filter(**{f"{self.field}__in": missing})
                           .order_by().values_list("specialty_id", flat=True).distinct())
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


def _programs(specialty_ids: set[int]) -> Iterator[tuple[Program, tuple[dict, dict]]]:
    """The programs of these specialties (in no order), each with what its provenance says of
    its facts (``facts.provenance_facts``).

    Read as rows, not through the model's constructor, which cost most of a large load; each
    instance is the one ``Program.from_db`` makes (every column loaded, saved state). Programs
    share their provenance far more often than not (5,216 shipped programs have about 800),
    so each JSON value is read from its text once, and programs with equal text share it:
    equal values, one object, read and never changed."""
    queryset = Program.objects.filter(specialty_id__in=specialty_ids).order_by()
    rows = queryset.values_list(*_PLAIN, *(Cast(name, TextField()) for name in _JSON))
    db = queryset.db
    parsed: dict[str, object] = {}
    read: dict[str, tuple[dict, dict]] = {}  # provenance text -> provenance_facts
    new, intern = Program.__new__, sys.intern
    for row in rows.iterator(chunk_size=2000):
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
