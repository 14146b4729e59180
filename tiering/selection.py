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
3. **No wasted application.** A program with under 5% IMGs (``Candidate.few_imgs``) is never
   chosen by the rule.
4. **Size.** The target (``budget.target_total``), then the largest size that keeps within the
   budget with the same proportions.
5. **Tiers in proportion** (``TIER_SHARES``, a judgement): about 40% Tier 1, 45% Tier 2 and 15%
   Tier 3 reach programs; a tier that has too few gives its places to the others, Tier 1 first;
   a tier holds at least its mission programs (rule 7) while a worse tier has places to give.
6. **Spread across specialties** inside each tier, in proportion to ``weights`` (the applicant's
   estimated match chance per specialty: ``tiering.scoring.gap``), each specialty holding at
   least its mission programs, so none is starved.
7. **Mission first** (``mission_first``: the applicant brings border fit): border-region Tier 1
   and 2 programs come before the others of their specialty and tier.
8. **Best first** inside a specialty and tier: by score, then mission fit, IMG presence, how
   current the visa answer is, the applicant's states, one state at a time, then the name;
   never by id. Tier 3 takes border-region programs first (reach programs should still fit
   the mission).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from itertools import groupby

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
    # What breaks ties between equal scores (docs/scoring.md, "Building the list", rule 8).
    mission: float = 0.0  # mission fit points: border band and the program's community
    img_presence: float = 0.0  # IMG-friendliness, 0-1
    visa_year: int | None = None  # the year of the answer on the needed visa; None: unknown
    home: bool = False  # in one of the applicant's states or chosen Census divisions
    few_imgs: bool = False  # latest IMG share under 5%: never chosen by the rule


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
    eligible: int = 0  # candidates the rule could choose, hand-kept ones included
    few_imgs: int = 0  # eligible candidates left out for under 5% IMGs
    removed: int = 0  # eligible candidates removed by hand


@functools.lru_cache(maxsize=1 << 17)
def _plain_name(name: str) -> str:
    # Every selection compares every candidate's name (a what-if page selects five times),
    # and the catalog's names are few: each is simplified once per process.
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


def duplicate_key(candidate: Candidate) -> tuple[str, str, str, str]:
    return (_plain_name(candidate.name), candidate.city.strip().lower(),
            candidate.state.upper(), candidate.specialty_code)


def deduplicate(candidates: Iterable[Candidate]) -> tuple[list[Candidate], dict[str, str]]:
    """One candidate per program: of a pair under two ids, the one with more known facts."""
    keyed = [(duplicate_key(candidate), candidate) for candidate in candidates]
    best: dict[tuple[str, str, str, str], Candidate] = {}
    for key, candidate in keyed:
        kept = best.get(key)
        if kept is None or (candidate.facts_known, candidate.score, kept.acgme_id) > (
                kept.facts_known, kept.score, candidate.acgme_id):
            best[key] = candidate
    keep = {c.acgme_id for c in best.values()}
    unique, duplicates = [], {}
    for key, candidate in keyed:
        if candidate.acgme_id in keep:
            unique.append(candidate)
        else:
            duplicates[candidate.acgme_id] = best[key].acgme_id
    return unique, duplicates


def tier_quotas(size: int, available: Mapping[Tier, int], *,
                budget_bound: bool = False,
                minimum: Mapping[Tier, int] | None = None) -> dict[Tier, int]:
    """Programs per tier for a list of ``size``: the shares, then the places a short tier
    cannot fill, Tier 1 first. Never more than a tier has. When a budget cut the list below
    the number of Tier 1 programs, it is all Tier 1: the best list that budget can buy.
    ``minimum``: places a tier holds (its mission programs) while a worse tier has places to
    give."""
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
    floor = {tier: min((minimum or {}).get(tier, 0), available.get(tier, 0))
             for tier in LIST_TIERS}
    for tier in (Tier.TIER_1, Tier.TIER_2):
        for worse in (Tier.TIER_3, Tier.TIER_2):
            need = floor[tier] - quotas[tier]
            if need <= 0:
                break
            if worse.rank >= tier.rank:
                continue
            take = min(need, max(0, quotas[worse] - floor[worse]))
            quotas[worse] -= take
            quotas[tier] += take
    return quotas


def _merit(tier: Tier, candidate: Candidate, mission_first: bool) -> tuple:
    """What orders a specialty's tier, best first (docs/scoring.md, "Building the list", rule
    8): border-region programs first in Tier 3, and in Tiers 1-2 for an applicant who brings
    border fit; in Tier 3 then those with any mission fit; then the score; then, between equal
    scores, mission fit, IMG presence, how current the visa answer is and the applicant's
    states."""
    border_first = tier is Tier.TIER_3 or mission_first
    # A reach is worth an application only where the applicant fits the mission: after the
    # border band, programs with community fit (Spanish speakers, a shortage area) come first.
    reach_without_mission = tier is Tier.TIER_3 and candidate.mission <= 0
    return (border_first and not candidate.in_border, reach_without_mission, -candidate.score,
            -candidate.mission, -candidate.img_presence, -(candidate.visa_year or 0),
            not candidate.home)


def _order(tier: Tier, candidates: list[Candidate], *,
           mission_first: bool = False) -> list[Candidate]:
    merits = sorted(((_merit(tier, c, mission_first), c.name, c.acgme_id, c)
                     for c in candidates), key=lambda m: m[:3])
    out: list[Candidate] = []
    ahead: Counter[str] = Counter()  # the states of the programs in ``out``
    for _, run in groupby(merits, key=lambda m: m[0]):
        spread = _spread_states([m[3] for m in run], ahead)
        out.extend(spread)
        ahead.update(c.state for c in spread)
    return out


def _spread_states(run: list[Candidate], before: Mapping[str, int]) -> list[Candidate]:
    """Programs still equal after every rule, one state at a time: the state with the fewest
    programs already ahead (``before``: programs per state) first, then the one with the most
    of them in the run (ACGME ids begin with a state code, so any id or state-name order would
    fill ties from one end of the alphabet)."""
    if len(run) < 2:
        return run
    by_state: dict[str, list[Candidate]] = {}
    for candidate in run:
        by_state.setdefault(candidate.state, []).append(candidate)
    states = sorted(by_state, key=lambda st: (before[st], -len(by_state[st]), st))
    spread: list[Candidate] = []
    for turn in range(max(len(v) for v in by_state.values())):
        spread.extend(by_state[st][turn] for st in states if turn < len(by_state[st]))
    return spread


def _spread(tier_quota: int, pools: Mapping[str, int], taken: dict[str, int], *,
            start: Mapping[str, int], weights: Mapping[str, float],
            floors: Mapping[str, int]) -> dict[str, int]:
    """Places of one tier per specialty: first each specialty's mission programs (``floors``),
    then in proportion to ``weights`` (Sainte-Laguë: the next place to the specialty with the
    highest weight per place held, ``start`` counting the ones kept by hand); equal claims go
    to the specialty whose next application is cheapest, then to the one with the fewest."""
    counts = {code: 0 for code in pools}

    def weight(code: str) -> float:
        return weights.get(code, 1.0)

    for code in sorted(floors, key=lambda c: (-weight(c), c)):
        room = tier_quota - sum(counts.values())
        n = max(0, min(floors[code], pools.get(code, 0), room))
        counts[code] += n
        taken[code] = taken.get(code, 0) + n
    open_codes = sorted(code for code, n in pools.items() if counts[code] < n)
    # The places each specialty holds, kept as the loop gives them (a budget tries many sizes).
    held = {code: counts[code] + start.get(code, 0) for code in open_codes}
    share = {code: weight(code) for code in open_codes}
    filled = sum(counts.values())
    fee = budget.marginal_fee
    while filled < tier_quota and open_codes:
        # The highest claim; written out rather than max(key=...): a budget tries many sizes.
        code, best = "", None
        for c in open_codes:
            had = taken.get(c, 0)
            claim = (share[c] / (2 * held[c] + 1), -fee(had), -had, c)
            if best is None or claim > best:
                code, best = c, claim
        counts[code] += 1
        held[code] += 1
        filled += 1
        taken[code] = taken.get(code, 0) + 1
        if counts[code] >= pools[code]:
            open_codes.remove(code)
    return counts


def _build(size: int, by_group: Mapping[tuple[str, Tier], list[Candidate]],
           forced: Mapping[tuple[str, Tier], list[Candidate]], *,
           budget_bound: bool = False, weights: Mapping[str, float] | None = None,
           floors: Mapping[tuple[str, Tier], int] | None = None,
           ) -> dict[tuple[str, Tier], int]:
    """Programs per (specialty, tier) for a list of ``size``, forced ones included."""
    floors = floors or {}
    available = {tier: sum(len(v) + len(forced.get(k, [])) for k, v in by_group.items()
                           if k[1] is tier) for tier in LIST_TIERS}
    for (code, tier), items in forced.items():
        if (code, tier) not in by_group and tier in available:
            available[tier] += len(items)
    forced_in = {tier: sum(len(v) for (_, t), v in forced.items() if t is tier)
                 for tier in LIST_TIERS}
    minimum = {tier: forced_in[tier] + sum(n for (_, t), n in floors.items() if t is tier)
               for tier in LIST_TIERS}
    quotas = tier_quotas(size, available, budget_bound=budget_bound, minimum=minimum)
    taken: dict[str, int] = {}
    for (code, _), items in forced.items():
        taken[code] = taken.get(code, 0) + len(items)
    counts: dict[tuple[str, Tier], int] = {}
    for tier in LIST_TIERS:
        pools = {code: len(items) for (code, t), items in by_group.items() if t is tier}
        start = {code: len(items) for (code, t), items in forced.items() if t is tier}
        spread = _spread(max(0, quotas[tier] - forced_in[tier]), pools, taken, start=start,
                         weights=weights or {},
                         floors={c: n for (c, t), n in floors.items() if t is tier})
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


@dataclass(frozen=True, slots=True, kw_only=True)
class Prepared:
    """The candidates as every size of list chooses from them: one per program, the ones kept
    by hand apart, the others in their order per specialty and tier. A what-if selects lists
    of three sizes from the same candidates: they are sorted once (``prepare``)."""

    decisions: Decisions
    mission_first: bool
    forced: Mapping[tuple[str, Tier], list[Candidate]]
    by_group: Mapping[tuple[str, Tier], list[Candidate]]
    floors: Mapping[tuple[str, Tier], int]
    duplicates: Mapping[str, str]
    few_imgs: int
    removed: int


def select(*, candidates: Iterable[Candidate], target: int, budget_usd: int | None,
           decisions: Decisions = Decisions(), weights: Mapping[str, float] | None = None,
           mission_first: bool = False, prepared: Prepared | None = None) -> Selection:
    """The list for these scored candidates (Not eligible ones are never chosen by the rule,
    but a program added or pinned by hand stays). ``weights``: each specialty's share of a
    tier (``tiering.scoring.gap.specialty_weights``; equal when not given). ``mission_first``:
    the applicant brings border fit, so border-region Tier 1-2 programs come first.
    ``prepared``: ``prepare`` of the same candidates, decisions and ``mission_first``, when the
    caller selects more than one size from them."""
    if prepared is None:
        prepared = prepare(candidates, decisions=decisions, mission_first=mission_first)
    return _select(prepared, target=target, budget_usd=budget_usd, weights=weights)


def prepare(candidates: Iterable[Candidate], *, decisions: Decisions = Decisions(),
            mission_first: bool = False) -> Prepared:
    """What ``select`` reads of the candidates whatever the size of the list."""
    unique, duplicates = deduplicate(candidates)
    forced: dict[tuple[str, Tier], list[Candidate]] = {}
    by_group: dict[tuple[str, Tier], list[Candidate]] = {}
    few = removed = 0
    for candidate in unique:
        key = (candidate.specialty_code, candidate.tier)
        if candidate.acgme_id in decisions.removed:
            removed += candidate.tier in LIST_TIERS
            continue
        if candidate.acgme_id in decisions.pinned or candidate.acgme_id in decisions.added:
            forced.setdefault(key, []).append(candidate)
        elif candidate.tier in LIST_TIERS and candidate.few_imgs:
            few += 1
        elif candidate.tier in LIST_TIERS:
            by_group.setdefault(key, []).append(candidate)
    for key, items in by_group.items():
        by_group[key] = _order(key[1], items, mission_first=mission_first)
    floors = {key: sum(c.in_border for c in items) for key, items in by_group.items()
              if mission_first and key[1] in (Tier.TIER_1, Tier.TIER_2)}
    return Prepared(decisions=decisions, mission_first=mission_first, forced=forced,
                    by_group=by_group, floors=floors, duplicates=duplicates, few_imgs=few,
                    removed=removed)


def _select(prepared: Prepared, *, target: int, budget_usd: int | None,
            weights: Mapping[str, float] | None) -> Selection:
    decisions, mission_first = prepared.decisions, prepared.mission_first
    forced, by_group, floors = prepared.forced, prepared.by_group, prepared.floors
    n_forced = sum(len(v) for v in forced.values())
    n_free = sum(len(v) for v in by_group.values())
    size = max(n_forced, min(target, n_forced + n_free))

    def build(n: int, bound: bool = False) -> dict[tuple[str, Tier], int]:
        return _build(n, by_group, forced, budget_bound=bound, weights=weights,
                      floors=floors)

    counts = build(size)
    budget_limited = False
    if budget_usd is not None:
        # The largest size within the budget, keeping the proportions; forced ones stay.
        while size > n_forced and _cost(counts, forced).total_usd > budget_usd:
            size -= 1
            counts = build(size, True)
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
            border_first = tier is Tier.TIER_3 or mission_first
            number = tier.number
            for rank, candidate in enumerate(items[:k], start=1):
                chosen[candidate.acgme_id] = Choice(code="ranked", params={
                    "tier": number, "specialty": code, "rank": rank, "taken": k,
                    "available": len(items), "score": candidate.score,
                    "border_first": border_first and candidate.in_border,
                    "next_name": following.name if following else "",
                    "next_id": following.acgme_id if following else "",
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
                     cost=_cost(counts, forced), duplicates=prepared.duplicates,
                     budget_limited=budget_limited, eligible=n_forced + n_free,
                     few_imgs=prepared.few_imgs, removed=prepared.removed)
