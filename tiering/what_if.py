"""The list page's budget what-if: what a list five programs longer or shorter would add or
drop, and what that costs. Three selections over the whole scope cost more than the rest of
the page's data, so the answer is cached under what it depends on."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.core.cache import cache

from applicants.models import Profile
from programs.models import Program
from tiering import scope, selection
from tiering.lists import (
    INPUTS_TTL_SECONDS,
    SCORING_VERSION,
    Scored,
    candidate_of,
    list_inputs,
)
from tiering.models import ListEntry


@dataclass(frozen=True, slots=True, kw_only=True)
class BudgetWhatIf:
    """What a budget one step bigger or smaller would add to or drop from the list."""

    step_usd: int
    bigger_adds: list[Program]
    bigger_cost_usd: int
    smaller_drops: list[Program]
    smaller_cost_usd: int


WHAT_IF_PROGRAMS = 5


def budget_what_if(profile: Profile, scored: list[Scored] | Callable[[], list[Scored]],
                   size: int, *, inputs: str | None = None,
                   entries: Iterable[ListEntry] | None = None) -> BudgetWhatIf:
    """The next programs in and out: the list rebuilt five programs longer and shorter.
    ``scored`` may be a function, called only when the answer is not cached; ``entries``, the
    list's entries in scope when the caller has them loaded."""
    with_decisions = _decisions(profile, entries)
    by_id = scope.snapshot().by_acgme_id
    # Three selections over the whole scope cost more than the rest of the page's data: the
    # answer is kept for what it depends on (the profile's inputs, the catalog, the scoring
    # model, the hand-made decisions and the list's size).
    key = "what-if:" + hashlib.sha256(repr((
        inputs or list_inputs(profile), scope.snapshot().version, SCORING_VERSION, size,
        sorted(with_decisions.pinned), sorted(with_decisions.removed),
    )).encode()).hexdigest()
    answer = cache.get(key)
    if answer is None or not all(i in by_id for i in answer[1] + answer[3]):
        candidates = [candidate_of(item) for item in (scored() if callable(scored) else scored)]

        def build(n: int) -> selection.Selection:
            return selection.select(candidates=candidates, target=max(0, n), budget_usd=None,
                                    decisions=with_decisions)

        now, bigger, smaller = build(size), build(size + WHAT_IF_PROGRAMS), \
            build(size - WHAT_IF_PROGRAMS)
        answer = (bigger.cost.total_usd - now.cost.total_usd,
                  [i for i in bigger.chosen if i not in now.chosen], bigger.cost.total_usd,
                  [i for i in now.chosen if i not in smaller.chosen], smaller.cost.total_usd)
        cache.set(key, answer, INPUTS_TTL_SECONDS)
    step, adds, bigger_cost, drops, smaller_cost = answer
    return BudgetWhatIf(
        step_usd=step, bigger_adds=[by_id[i] for i in adds], bigger_cost_usd=bigger_cost,
        smaller_drops=[by_id[i] for i in drops], smaller_cost_usd=smaller_cost,
    )


def _decisions(profile: Profile, entries: Iterable[ListEntry] | None = None
               ) -> selection.Decisions:
    # The selection looks only at candidates, so the in-scope entries a page already holds
    # decide as much as all of them.
    if entries is None:
        entries = ListEntry.objects.filter(profile=profile).select_related("program").only(
            "program__acgme_id", "excluded", "pinned", "added", "override_tier", "status",
            "signal", "date_applied", "interview_date", "notes", "letters_sent", "fee")
    entries = list(entries)
    kept = {e.program.acgme_id for e in entries
            if not e.excluded and (e.pinned or e.added or e.has_user_data)}
    return selection.Decisions(
        pinned=frozenset(kept),
        removed=frozenset(e.program.acgme_id for e in entries if e.excluded),
    )
