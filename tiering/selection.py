"""Which programs go on the list: how many of each tier, spread across specialties, and why
each one was chosen over the next candidate.

Pure module: no Django, no database, no I/O. The scoring decides each program's tier and score;
this module decides the list from those results, the target size and budget (``budget``), and
the decisions people made by hand (pinned, added and removed programs), which it never undoes.

The rule, explained for advisors in ``docs/scoring.md`` ("Building the list"):

1. **Duplicates.** Two candidates with the same name, city, state and specialty are one program
   under two ids: only the one with more known facts can be chosen.
2. **Hand-made decisions first.** Pinned and added programs are always on the list; removed ones
   never are. They count toward the size and their tier's share.
3. **Size.** The target (``budget.target_total``), then the largest size that keeps within the
   budget with the same proportions.
4. **Tiers in proportion** (``TIER_SHARES``, a judgement): about 40% Tier 1, 45% Tier 2 and 15%
   Tier 3 reach programs; a tier that has too few gives its places to the others, Tier 1 first.
5. **Spread across specialties** inside each tier: the next place goes to the specialty whose
   next application is cheapest (ERAS charges less for the first 30 in each specialty), then to
   the one with the fewest so far.
6. **Best first** inside a specialty and tier: Tier 1 and 2 by score; Tier 3 border-region
   programs first (reach programs should still fit the mission), then by score.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from tiering import budget
from tiering.scoring import Tier

LIST_TIERS: tuple[Tier, ...] = (Tier.TIER_1, Tier.TIER_2, Tier.TIER_3)

# Share of the list per tier. Judgement, to be calibrated against outcomes: advisors who build
# these lists by hand keep most applications realistic (Tiers 1-2) and a minority of reach
# programs; no NRMP or AAMC figure gives a split for non-US IMGs.
TIER_SHARES: Mapping[Tier, float] = {Tier.TIER_1: 0.40, Tier.TIER_2: 0.45, Tier.TIER_3: 0.15}
# Places left by a tier without enough programs go to the others in this order.
FILL_ORDER: tuple[Tier, ...] = (Tier.TIER_1, Tier.TIER_2, Tier.TIER_3)


@dataclass(frozen=True, slots=True, kw_only=True)
class Candidate:
    acgme_id: str
    name: str
    city: str
    state: str
    specialty_code: str
    tier: Tier
    score: int
    in_border: bool
    facts_known: int  # known facts among those the scoring reads: picks between duplicates


@dataclass(frozen=True, slots=True, kw_only=True)
class Decisions:
    pinned: frozenset[str] = frozenset()
    added: frozenset[str] = frozenset()
    removed: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True, kw_only=True)
class Choice:
    """Why one program is on the list: a code and the values to word it with."""

    code: str  # "pinned" | "added" | "ranked"
    params: Mapping[str, object] = field(default_factory=dict)


@dataclass(frozen=True, slots=True, kw_only=True)
class Selection:
    chosen: Mapping[str, Choice]  # acgme_id -> why, in list order
    tier_1_available: int  # Tier 1 candidates, hand-kept ones included
    size: int
    target: int  # the size asked for before the budget
    counts: Mapping[tuple[str, Tier], int]  # (specialty, tier) -> programs chosen
    cost: budget.Cost
    duplicates: Mapping[str, str]  # acgme_id left out -> the id it duplicates
    budget_limited: bool  # the budget, not the candidates, set the size


def duplicate_key(candidate: Candidate) -> tuple[str, str, str, str]:
    text = unicodedata.normalize("NFKD", candidate.name).encode("ascii", "ignore").decode()
    name = re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()
    return (name, candidate.city.strip().lower(), candidate.state.upper(),
            candidate.specialty_code)


def deduplicate(candidates: Iterable[Candidate]) -> tuple[list[Candidate], dict[str, str]]:
    """One candidate per program: of a pair under two ids, the one with more known facts."""
    best: dict[tuple[str, str, str, str], Candidate] = {}
    for candidate in candidates:
        key = duplicate_key(candidate)
        kept = best.get(key)
        if kept is None or (candidate.facts_known, candidate.score, kept.acgme_id) > (
                kept.facts_known, kept.score, candidate.acgme_id):
            best[key] = candidate
    keep = {c.acgme_id for c in best.values()}
    unique, duplicates = [], {}
    for candidate in candidates:
        if candidate.acgme_id in keep:
            unique.append(candidate)
        else:
            duplicates[candidate.acgme_id] = best[duplicate_key(candidate)].acgme_id
    return unique, duplicates


def tier_quotas(size: int, available: Mapping[Tier, int], *,
                budget_bound: bool = False) -> dict[Tier, int]:
    """Programs per tier for a list of ``size``: the shares, then the places a short tier
    cannot fill, Tier 1 first. Never more than a tier has. When a budget cut the list below
    the number of Tier 1 programs, it is all Tier 1: the best list that budget can buy."""
    if budget_bound and size <= available.get(Tier.TIER_1, 0):
        return {Tier.TIER_1: size, Tier.TIER_2: 0, Tier.TIER_3: 0}
    quotas = {tier: min(available.get(tier, 0), round(size * TIER_SHARES[tier]))
              for tier in LIST_TIERS}
    left = size - sum(quotas.values())
    for tier in FILL_ORDER:
        if left <= 0:
            break
        extra = min(left, available.get(tier, 0) - quotas[tier])
        quotas[tier] += extra
        left -= extra
    # Rounding can ask for one more than the size; take it from the largest tier.
    while sum(quotas.values()) > size:
        largest = max(LIST_TIERS, key=lambda t: quotas[t])
        quotas[largest] -= 1
    return quotas


def _order(tier: Tier, candidates: list[Candidate]) -> list[Candidate]:
    if tier is Tier.TIER_3:
        return sorted(candidates, key=lambda c: (not c.in_border, -c.score, c.acgme_id))
    return sorted(candidates, key=lambda c: (-c.score, c.acgme_id))


def _spread(tier_quota: int, pools: Mapping[str, int], taken: dict[str, int]) -> dict[str, int]:
    """Places of one tier per specialty: cheapest next application first, then fewest so far."""
    counts = {code: 0 for code in pools}
    open_codes = sorted(code for code, n in pools.items() if n > 0)
    for _ in range(tier_quota):
        if not open_codes:
            break
        code = min(open_codes, key=lambda c: (budget.marginal_fee(taken.get(c, 0)),
                                              taken.get(c, 0), c))
        counts[code] += 1
        taken[code] = taken.get(code, 0) + 1
        if counts[code] >= pools[code]:
            open_codes.remove(code)
    return counts


def _build(size: int, by_group: Mapping[tuple[str, Tier], list[Candidate]],
           forced: Mapping[tuple[str, Tier], list[Candidate]], *,
           budget_bound: bool = False) -> dict[tuple[str, Tier], int]:
    """Programs per (specialty, tier) for a list of ``size``, forced ones included."""
    available = {tier: sum(len(v) + len(forced.get(k, [])) for k, v in by_group.items()
                           if k[1] is tier) for tier in LIST_TIERS}
    for (code, tier), items in forced.items():
        if (code, tier) not in by_group and tier in available:
            available[tier] += len(items)
    quotas = tier_quotas(size, available, budget_bound=budget_bound)
    taken: dict[str, int] = {}
    for (code, _), items in forced.items():
        taken[code] = taken.get(code, 0) + len(items)
    counts: dict[tuple[str, Tier], int] = {}
    for tier in LIST_TIERS:
        forced_here = sum(len(v) for (c, t), v in forced.items() if t is tier)
        pools = {code: len(items) for (code, t), items in by_group.items() if t is tier}
        spread = _spread(max(0, quotas[tier] - forced_here), pools, taken)
        for code, n in spread.items():
            counts[(code, tier)] = n
    return counts


def _cost(counts: Mapping[tuple[str, Tier], int],
          forced: Mapping[tuple[str, Tier], list[Candidate]]) -> budget.Cost:
    per_specialty: dict[str, int] = {}
    for (code, _), n in counts.items():
        per_specialty[code] = per_specialty.get(code, 0) + n
    for (code, _), items in forced.items():
        per_specialty[code] = per_specialty.get(code, 0) + len(items)
    return budget.season_cost(per_specialty)


def select(*, candidates: Iterable[Candidate], target: int, budget_usd: int | None,
           decisions: Decisions = Decisions()) -> Selection:
    """The list for these scored candidates (Not eligible ones are never chosen by the rule,
    but a program added or pinned by hand stays)."""
    unique, duplicates = deduplicate(candidates)
    forced: dict[tuple[str, Tier], list[Candidate]] = {}
    by_group: dict[tuple[str, Tier], list[Candidate]] = {}
    for candidate in unique:
        key = (candidate.specialty_code, candidate.tier)
        if candidate.acgme_id in decisions.removed:
            continue
        if candidate.acgme_id in decisions.pinned or candidate.acgme_id in decisions.added:
            forced.setdefault(key, []).append(candidate)
        elif candidate.tier in LIST_TIERS:
            by_group.setdefault(key, []).append(candidate)
    for key, items in by_group.items():
        by_group[key] = _order(key[1], items)

    n_forced = sum(len(v) for v in forced.values())
    n_free = sum(len(v) for v in by_group.values())
    size = max(n_forced, min(target, n_forced + n_free))
    counts = _build(size, by_group, forced)
    budget_limited = False
    if budget_usd is not None:
        # The largest size within the budget, keeping the proportions; forced ones stay.
        while size > n_forced and _cost(counts, forced).total_usd > budget_usd:
            size -= 1
            counts = _build(size, by_group, forced, budget_bound=True)
            budget_limited = True

    chosen: dict[str, Choice] = {}
    # Programs kept by hand that are Not eligible now stay too, last (the page warns).
    for tier in (*LIST_TIERS, Tier.NOT_ELIGIBLE):
        for (_code, t), items in sorted(forced.items(), key=lambda kv: kv[0][0]):
            if t is tier:
                for candidate in items:
                    how = "pinned" if candidate.acgme_id in decisions.pinned else "added"
                    chosen[candidate.acgme_id] = Choice(code=how)
        for (code, t), items in sorted(by_group.items(), key=lambda kv: kv[0][0]):
            if t is not tier:
                continue
            k = counts.get((code, t), 0)
            following = items[k] if k < len(items) else None
            for rank, candidate in enumerate(items[:k], start=1):
                chosen[candidate.acgme_id] = Choice(code="ranked", params={
                    "tier": tier.number, "specialty": code, "rank": rank, "taken": k,
                    "available": len(items), "score": candidate.score,
                    "border_first": tier is Tier.TIER_3 and candidate.in_border,
                    "next_name": following.name if following else "",
                    "next_score": following.score if following else None,
                })
    # Tier 1 with forced entries counts the forced ones as well.
    all_counts = dict(counts)
    for key, items in forced.items():
        all_counts[key] = all_counts.get(key, 0) + len(items)
    tier_1 = sum(len(v) for (c, t), v in (*by_group.items(), *forced.items())
                 if t is Tier.TIER_1)
    return Selection(chosen=chosen, size=len(chosen), target=target, tier_1_available=tier_1,
                     counts={k: v for k, v in all_counts.items() if v},
                     cost=_cost(counts, forced), duplicates=duplicates,
                     budget_limited=budget_limited)
