"""A program's current facts: the one place that decides them.

Two layers make a fact: the **imported** layer (the catalog's sources, written by
``import_catalog``) and the **verified** layer (``VerifiedFact`` entries staff approved). The
current value of a fact is the latest approved verified value when there is one, else the
imported value. It is kept on the ``Program`` row itself, so every reader (the catalog's
filters in the database, pages, exports, the scoring, commands) reads the same value without
knowing about layers:

- ``refresh(program_id)`` recomputes a program's current values; it runs on each approval and
  withdrawal (``programs.verification``) and the import lays the verified layer back over what
  it wrote (``programs.catalog_import``).
- The imported value a verified one stands over is kept in ``Program.imported_values``
  (value and provenance), and comes back when the verified fact is withdrawn: the imported
  layer is never overwritten. The page shows it as a "replaced" other value.
- ``fact(program, key)`` says what a reader shows beside a value: source, year, the date it
  was verified, its age in seasons, whether it is stale or in conflict.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from programs.models import Program, TriState, VerifiedFact
from programs.sources import short_name

# A fact this many seasons old is shown with its age and "verify" (the scoring's
# STALE_AFTER_SEASONS; a test keeps them equal).
STALE_AFTER_SEASONS = 3
VERIFIED = "verified"  # the provenance source of a fact staff or an advisor verified
REPORTED = "applicant-report"  # ... of an applicant's error report staff approved
# Marks the "replaced" other value the verified layer adds, so a refresh can take it back.
BY_VERIFIED = "verified"
SETTLED = "settled_by_verified"  # marks a conflict a verified value settles, to restore it
# The facts the verified layer can set (programs.verification.VERIFIABLE has their labels).
LAYERED = ("j1_accepted", "h1b_sponsored", "citizens_only", "img_share_pct",
           "non_us_img_share_pct", "pgy1_positions", "setting")
# The fields a refresh writes.
FIELDS = (*LAYERED, "provenance", "other_values", "imported_values")


def season() -> int:
    return timezone.now().year


def known(value: object) -> bool:
    return value not in (None, "", TriState.UNKNOWN)


def typed(key: str, text: str) -> str | int | float:
    """A verified value as the catalog stores it (verified entries are stored as text)."""
    if key in ("img_share_pct", "non_us_img_share_pct"):
        return float(text)
    if key == "pgy1_positions":
        return int(float(text))
    return text


@dataclass(frozen=True)
class CurrentFact:
    """What a reader shows beside a fact's value."""

    key: str
    value: object  # as stored on the program; None / "" / "unknown" when not known
    source: str  # the provenance source id ("verified" for a verified fact), or ""
    year: int | None
    url: str
    verified_on: dt.date | None  # set only for a fact verified with the program
    age: int | None  # seasons since the year; None when no year is stated
    conflict: bool  # two current answers disagree (scored as unknown)

    @property
    def known(self) -> bool:
        return known(self.value)

    @property
    def verified(self) -> bool:
        return self.verified_on is not None

    @property
    def stale(self) -> bool:
        """Old enough to show with its year and a "verify" note everywhere it appears."""
        return self.known and self.age is not None and self.age >= STALE_AFTER_SEASONS

    @property
    def when(self) -> str:
        """What every reader prints beside the value: "verified on DATE", the year, or ""."""
        if not self.known:
            return ""
        if self.verified_on is not None:
            if self.source == REPORTED:
                return gettext("reported on %(date)s, checked by staff") % {
                    "date": self.verified_on.isoformat()}
            return gettext("verified on %(date)s") % {"date": self.verified_on.isoformat()}
        return str(self.year) if self.year else gettext("year not stated")


def fact(program: Program, key: str, *, as_of: int | None = None) -> CurrentFact:
    origin = (program.provenance or {}).get(key, {})
    value = getattr(program, key)
    year = origin.get("year") if known(value) else None
    verified_on = None
    if origin.get("source") in (VERIFIED, REPORTED) and origin.get("verified_on"):
        verified_on = dt.date.fromisoformat(origin["verified_on"])
    return CurrentFact(
        key=key, value=value, source=origin.get("source", "") if known(value) else "",
        year=year, url=origin.get("url", "") if known(value) else "", verified_on=verified_on,
        age=None if year is None else (as_of or season()) - year,
        conflict=any(o.get("kind") == "conflict" and o.get("key") == key
                     for o in program.other_values or []),
    )


def _latest(approved: Iterable[VerifiedFact]) -> dict[str, VerifiedFact]:
    latest: dict[str, VerifiedFact] = {}
    for entry in sorted(approved, key=lambda f: (f.verified_on, f.pk)):
        # An approved error report without a corrected value changes nothing by itself.
        if entry.key in LAYERED and entry.value:
            latest[entry.key] = entry
    return latest


def strip_verified(program: Program) -> None:
    """In memory: put the imported layer back (the program as its sources say it)."""
    provenance = dict(program.provenance or {})
    for key, saved in (program.imported_values or {}).items():
        setattr(program, key, saved.get("value"))
        if saved.get("provenance"):
            provenance[key] = saved["provenance"]
        else:
            provenance.pop(key, None)
    program.provenance = provenance
    others = []
    for other in program.other_values or []:
        if other.get("by") == BY_VERIFIED:
            continue  # the imported value a verified one stood over: it is current again
        if other.get(SETTLED):
            other = {k: v for k, v in other.items() if k != SETTLED} | {"kind": "conflict"}
        others.append(other)
    program.other_values = others
    program.imported_values = {}


def lay_verified(program: Program, approved: Iterable[VerifiedFact]) -> None:
    """In memory: the imported layer with the latest approved verified value per fact on top."""
    strip_verified(program)
    provenance = dict(program.provenance)
    saved: dict[str, dict] = {}
    for key, entry in _latest(approved).items():
        old, new = getattr(program, key), typed(key, entry.value)
        origin = provenance.get(key)
        saved[key] = {"value": old, "provenance": origin}
        if known(old) and old != new:
            origin = origin or {}
            program.other_values.append({
                "key": key, "kind": "replaced", "by": BY_VERIFIED,
                "value": str(old).removesuffix(".0"), "source": origin.get("source", ""),
                "year": origin.get("year"), "url": origin.get("url", ""),
            })
        # A verification settles a disagreement between the sources: shown as earlier values
        # while it stands, a conflict again once it is withdrawn.
        program.other_values = [
            o | {"kind": "replaced", SETTLED: True}
            if o.get("key") == key and o.get("kind") == "conflict" else o
            for o in program.other_values
        ]
        setattr(program, key, new)
        provenance[key] = {
            "source": REPORTED if entry.method == VerifiedFact.Method.REPORT else VERIFIED,
            "year": entry.verified_on.year, "url": entry.url,
            "verified_on": entry.verified_on.isoformat(), "method": entry.method,
        }
    program.provenance = {k: provenance[k] for k in sorted(provenance)}
    program.imported_values = saved


def approved_of(program_ids: Iterable[int]) -> dict[int, list[VerifiedFact]]:
    out: dict[int, list[VerifiedFact]] = {}
    for entry in VerifiedFact.objects.filter(program_id__in=list(program_ids),
                                             status=VerifiedFact.Status.APPROVED):
        out.setdefault(entry.program_id, []).append(entry)
    return out


def refresh(program_id: int) -> Program:
    """Recompute a program's current facts from both layers and save them.

    Touches ``updated_at``: every stored list holding the program is out of date from now, and
    the catalog's version (the pages' cache key) moves on.
    """
    with transaction.atomic():
        program = Program.objects.select_for_update().get(pk=program_id)
        lay_verified(program, approved_of([program_id]).get(program_id, []))
        program.updated_at = timezone.now()
        program.save(update_fields=[*FIELDS, "updated_at"])
    return program


def refresh_all() -> int:
    """Recompute every program that has or had a verified value (after a data migration or
    by hand); returns how many were written."""
    ids = set(VerifiedFact.objects.filter(status=VerifiedFact.Status.APPROVED)
              .values_list("program_id", flat=True))
    ids |= set(Program.objects.exclude(imported_values={}).values_list("pk", flat=True))
    for program_id in sorted(ids):
        refresh(program_id)
    return len(ids)


def conflicts_of(program: Program) -> dict[str, tuple[str, ...]]:
    """Facts on which two current answers disagree: key -> each value with its source (what
    the scoring reads, in ``tiering.facts``, and scores as unknown)."""
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
