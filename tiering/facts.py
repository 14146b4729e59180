"""A program's facts as the scoring reads them (``scoring.ProgramFacts``).

Which of a program's facts are current (an approved verification over the imported value,
two current answers that disagree) is decided in one place, ``programs.current``, and held on
the program's row; this module turns the current facts into the scoring's input, and keeps
them per process, since building them costs more than scoring them."""

from __future__ import annotations

import json
import sys
from datetime import datetime
from functools import cache
from pathlib import Path

from programs.current import conflicts_of
from programs.models import PROVENANCE_KEYS, Program
from programs.sources import short_name
from tiering import scoring

# County names by FIPS for community fit's reasons ("the program's county (Fresno, CA)"), built
# by scripts/build_county_names.py from simplemaps (CC BY 4.0), the source of each county.
COUNTY_NAMES = Path(__file__).resolve().parent / "data" / "county_names.json"


@cache
def _county_names() -> dict[str, str]:
    return json.loads(COUNTY_NAMES.read_text(encoding="utf-8"))


# Values equal from program to program (a provenance, the years of a program's facts), kept
# once per process: a national catalog held them tens of thousands of times over.
_SHARED: dict = {}


def shared(value: dict) -> dict:
    """An equal dict the process already keeps, else this one (kept from now on). Shared
    dicts are read, never changed, as every value of the catalog snapshot is."""
    try:
        # With each value's type: 1 and True, 2021 and 2021.0 are equal, not the same value.
        key = tuple((k, type(v), v) for k, v in value.items())
        found = _SHARED.get(key)
    except TypeError:  # a value that cannot be a key (a list): kept as it is
        return value
    if found is None:
        if len(_SHARED) > 100_000:  # a catalog of unique values: stop keeping them
            _SHARED.clear()
        found = _SHARED[key] = value
    return found


def provenance_facts(provenance: dict | None) -> tuple[dict, dict]:
    """The years and the readable sources of a program's facts, from its provenance: the same
    for every program of one provenance, so a loader may keep them per provenance."""
    provenance = provenance or {}
    return (shared({k: provenance[k].get("year") for k in PROVENANCE_KEYS if k in provenance}),
            shared({k: short_name(provenance[k]["source"]) for k in PROVENANCE_KEYS
                    if provenance.get(k, {}).get("source")}))


# The program's columns the scoring reads as they are, under the same names.
SCORED_COLUMNS = (
    "acgme_id", "name", "state", "in_border_region", "border_distance_km", "setting",
    "j1_accepted", "h1b_sponsored", "citizens_only", "img_share_pct", "non_us_img_share_pct",
    "min_step2_score", "min_step2_strictness", "max_years_since_graduation",
    "max_years_since_graduation_strictness", "max_attempts_per_step",
    "max_attempts_per_step_strictness", "min_usce_months", "min_usce_months_strictness",
    "step3_required", "step3_strictness", "armed_forces", "usce_within_years",
    "steps_within_years", "step_score_band", "county_fips", "county_spanish_share",
    "county_spanish_share_period", "hpsa_primary_care", "hpsa_primary_care_score",
)


def facts_of(program: Program, *, provenance: tuple[dict, dict] | None = None
             ) -> scoring.ProgramFacts:
    """``provenance``: ``provenance_facts`` of the program's provenance, when the caller has
    them."""
    # Read from the instance's values, not through the model's field descriptors: a scope of
    # tens of thousands of programs made them a tenth of a worker's first request.
    values = vars(program)
    try:
        copied = {name: values[name] for name in SCORED_COLUMNS}
    except KeyError:  # a deferred field: loaded as usual
        copied = {name: getattr(program, name) for name in SCORED_COLUMNS}
    return facts_from_values(copied, provenance or provenance_facts(program.provenance),
                             shared(conflicts_of(program)))


def facts_from_values(copied: dict, provenance: tuple[dict, dict],
                      conflicts: dict[str, tuple[str, ...]]) -> scoring.ProgramFacts:
    """The facts of a program from its ``SCORED_COLUMNS`` (a row read without the model, as the
    snapshot reads a scope: ``tiering.snapshot``), ``provenance_facts`` of its provenance and
    ``conflicts_of`` it (as ``shared`` gives it): what ``facts_of`` gives for the program
    itself."""
    fact_years, fact_sources = provenance
    return scoring.ProgramFacts(
        **copied,
        specialty_code=sys.intern(copied["acgme_id"][:3]),
        conflicts=conflicts,
        county_name=_county_names().get(copied["county_fips"], ""),
        fact_years=fact_years,
        fact_sources=fact_sources,
    )


# ProgramFacts per (program id, last change): the catalog changes rarely and building the
# facts costs more than scoring them, so each process keeps them across requests.
_FACTS: dict[tuple[int, datetime | None], scoring.ProgramFacts] = {}


def cached_facts(program: Program, *, provenance: tuple[dict, dict] | None = None
                 ) -> scoring.ProgramFacts:
    key = (program.pk, program.updated_at)
    facts = _FACTS.get(key)
    if facts is None:
        if len(_FACTS) > 100_000:  # a rebuilt catalog leaves old keys behind
            _FACTS.clear()
        facts = _FACTS[key] = facts_of(program, provenance=provenance)
    return facts


_KNOWN_FACTS = ("j1_accepted", "h1b_sponsored", "citizens_only", "step3_required")


def facts_known(facts: scoring.ProgramFacts) -> int:
    """How many of the facts the scoring reads are known: picks between duplicates."""
    known = sum(getattr(facts, name) != scoring.UNKNOWN for name in _KNOWN_FACTS)
    known += facts.img_share_pct is not None
    known += facts.non_us_img_share_pct is not None
    known += bool(facts.setting)
    known += facts.border_distance_km is not None
    return known
