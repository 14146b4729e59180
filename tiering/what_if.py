"""The list page's what-ifs, computed from the pure scoring and selection without saving
anything:

- the budget: what a list five programs longer or shorter would add or drop, and its cost;
- four scenarios (``SCENARIOS``): Step 3 passed, 3 more months of hands-on clinical
  experience in the border region, Spanish one level up, and $500 more budget. Each copies the
  applicant's inputs with one change, scores the whole scope again (for the numbers only; the
  budget changes no score, so its scenario scores nothing again) and selects the list again
  with the same hand-made decisions; the page shows how many programs of the list would move up
  a tier, which programs would enter the list, and what the list would cost.

Selections over the whole scope cost more than the rest of the page's data, so the answers are
cached under what they depend on."""

from __future__ import annotations

import dataclasses
import hashlib
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from django.core.cache import cache

from applicants.models import Profile
from programs.models import Program
from tiering import choosing, memo, scope, scoring, selection
from tiering.models import ListEntry
from tiering.scored import INPUTS_TTL_SECONDS, SCORING_VERSION, Scored, applicant_of, list_inputs
from tiering.scoring.text import gettext_noop
from tiering.snapshot import collector_paused


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
                   entries: Iterable[ListEntry] | None = None,
                   applicant: scoring.Applicant | None = None,
                   stored: dict | None = None) -> BudgetWhatIf:
    """The next programs in and out: the list rebuilt five programs longer and shorter.
    ``scored`` may be a function, called only when the answer is not cached; ``entries``, the
    list's entries in scope when the caller has them loaded; ``applicant``, the profile's,
    when the caller has built it; ``stored``, the answer the list's last build kept with it
    (``ListGroups.budget_what_if``, ``budget_what_if_to_store``)."""
    with_decisions = _decisions(profile, entries)
    by_id = scope.snapshot().by_acgme_id
    key = _budget_key(profile, inputs, size, with_decisions)
    answer = memo.recall(key)
    if answer is None and stored and stored.get("key") == key:
        # A flushed or evicted cache: the build's answer for the same inputs, catalog, model,
        # decisions and size is as current, on any server.
        answer = tuple(stored["answer"])
        memo.keep(key, answer, INPUTS_TTL_SECONDS)
    if answer is not None:  # the programs it names, read whole in one query
        by_id.ensure((*answer[1], *answer[3]))
    if answer is None or not all(i in by_id for i in answer[1] + answer[3]):
        items = scored() if callable(scored) else scored
        answer = _budget_answer(profile, items, size, with_decisions,
                                applicant or applicant_of(profile))
        memo.keep(key, answer, INPUTS_TTL_SECONDS)
    step, adds, bigger_cost, drops, smaller_cost = answer
    by_id.ensure((*adds, *drops))
    return BudgetWhatIf(
        step_usd=step, bigger_adds=[by_id[i] for i in adds], bigger_cost_usd=bigger_cost,
        smaller_drops=[by_id[i] for i in drops], smaller_cost_usd=smaller_cost,
    )


def budget_what_if_to_store(profile: Profile, scored: list[Scored],
                            entries: Iterable[ListEntry],
                            applicant: scoring.Applicant | None = None) -> dict | None:
    """The budget what-if of a list just built, to keep with it (``ListGroups.
    budget_what_if``) under its key: a worker whose cache was flushed then shows the list page
    without three selections over the whole scope. ``scored``: the scope scored for the build;
    ``entries``: the list's entries in scope after it. None for an empty list (the page shows
    no what-if)."""
    entries = list(entries)
    size = sum(not e.excluded for e in entries)
    if not size:
        return None
    with_decisions = _decisions(profile, entries)
    key = _budget_key(profile, None, size, with_decisions)
    answer = memo.recall(key)
    if answer is None:
        answer = _budget_answer(profile, scored, size, with_decisions,
                                applicant or applicant_of(profile))
        memo.keep(key, answer, INPUTS_TTL_SECONDS)
    return {"key": key, "answer": list(answer)}


def _budget_key(profile: Profile, inputs: str | None, size: int,
                with_decisions: selection.Decisions) -> str:
    # Three selections over the whole scope cost more than the rest of the page's data: the
    # answer is kept for what it depends on (the profile's inputs, the catalog, the scoring
    # model, the hand-made decisions and the list's size).
    return "what-if:" + hashlib.sha256(repr((
        inputs or list_inputs(profile), scope.snapshot().version, SCORING_VERSION, size,
        sorted(with_decisions.pinned), sorted(with_decisions.removed),
    )).encode()).hexdigest()


def _budget_answer(profile: Profile, items: list[Scored], size: int,
                   with_decisions: selection.Decisions, applicant: scoring.Applicant) -> tuple:
    # The candidates and the selections are gone once the answer is read from them.
    with collector_paused():
        # The three selections read the same candidates, made and sorted once.
        now, bigger, smaller = choosing.choose_sizes(
            applicant=applicant, scored=items, budget_usd=None, decisions=with_decisions,
            states=profile.target_states or [],
            targets=[max(0, n) for n in (size, size + WHAT_IF_PROGRAMS,
                                         size - WHAT_IF_PROGRAMS)])
        return (bigger.cost.total_usd - now.cost.total_usd,
                [i for i in bigger.chosen if i not in now.chosen], bigger.cost.total_usd,
                [i for i in now.chosen if i not in smaller.chosen], smaller.cost.total_usd)


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


# ---------------------------------------------------------------------------------------------
# Four scenarios: what one change to the profile would do to the list
# ---------------------------------------------------------------------------------------------

BORDER_MONTHS_MORE = 3  # months of hands-on clinical experience in the border region
BUDGET_MORE_USD = 500
STEP3, BORDER, SPANISH, BUDGET = "step3", "border", "spanish", "budget"
SCENARIOS: tuple[str, ...] = (STEP3, BORDER, SPANISH, BUDGET)
NO_DECISIONS = selection.Decisions()
SPANISH_NAMES = {"none": gettext_noop("None"), "basic": gettext_noop("Basic"),
                 "intermediate": gettext_noop("Intermediate"),
                 "advanced": gettext_noop("Advanced / professional"),
                 "native": gettext_noop("Native")}


@dataclass(frozen=True, slots=True, kw_only=True)
class Change:
    """One scenario's changed inputs, or why it does not apply to this profile."""

    code: str
    title: str
    applicant: scoring.Applicant | None  # None: the scenario does not apply
    budget_usd: int | None
    not_applicable: str = ""


def scenario_changes(applicant: scoring.Applicant, budget_usd: int | None) -> list[Change]:
    """The four scenarios' inputs (pure: the applicant's copy with one change)."""
    replace = dataclasses.replace
    changes = [
        Change(code=STEP3, title=gettext_noop("If you pass Step 3"), budget_usd=budget_usd,
               applicant=None if applicant.step3_passed else replace(
                   applicant, step3_passed=True,
                   step3_attempts=max(1, applicant.step3_attempts)),
               not_applicable=gettext_noop("You have passed Step 3.")
               if applicant.step3_passed else ""),
        # Border months are part of the total (a profile constraint): the months are added to
        # the hands-on experience too.
        Change(code=BORDER, budget_usd=budget_usd,
               title=gettext_noop("With %(months)s more months of hands-on clinical "
                                  "experience in the border region", months=BORDER_MONTHS_MORE),
               applicant=replace(
                   applicant,
                   usce_hands_on_months=applicant.usce_hands_on_months + BORDER_MONTHS_MORE,
                   usce_border_months=applicant.usce_border_months + BORDER_MONTHS_MORE)),
    ]
    levels = scoring.SPANISH_LEVELS
    here = levels.index(applicant.spanish_level) if applicant.spanish_level in levels else 0
    if here + 1 < len(levels):
        up = levels[here + 1]
        changes.append(Change(
            code=SPANISH, budget_usd=budget_usd,
            title=gettext_noop("With Spanish one level up (%(now)s to %(next)s)",
                               now=SPANISH_NAMES[levels[here]], next=SPANISH_NAMES[up]),
            applicant=replace(applicant, spanish_level=up)))
    else:
        changes.append(Change(code=SPANISH, title=gettext_noop("With Spanish one level up"),
                              applicant=None, budget_usd=budget_usd,
                              not_applicable=gettext_noop("Your Spanish is at the highest "
                                                          "level.")))
    if budget_usd is None:
        changes.append(Change(code=BUDGET, title=gettext_noop(
                                  "With $%(more)s more budget", more=BUDGET_MORE_USD),
                              applicant=None, budget_usd=None,
                              not_applicable=gettext_noop("You set no budget: the list is not "
                                                          "limited by one.")))
    else:
        changes.append(Change(code=BUDGET, title=gettext_noop(
                                  "With $%(more)s more budget", more=BUDGET_MORE_USD),
                              applicant=applicant, budget_usd=budget_usd + BUDGET_MORE_USD))
    return changes


@dataclass(frozen=True, slots=True, kw_only=True)
class Outcome:
    """A selection and the tier of every program in scope, by ACGME id."""

    chosen: tuple[str, ...]
    tiers: dict[str, scoring.Tier]
    scores: dict[str, int]
    cost_usd: int
    budget_limited: bool = False


def outcome_of(*, applicant: scoring.Applicant, budget_usd: int | None,
               pairs: Sequence[tuple[Program, scoring.ProgramFacts]],
               decisions: selection.Decisions, scored: list[Scored] | None = None,
               states: Sequence[str] = (),
               candidates: Sequence[selection.Candidate] | None = None,
               chosen: selection.Selection | None = None) -> Outcome:
    """The list the pure scoring and selection build for these inputs, as a rebuild does:
    the size from the main specialty's Step 2 CK, then the budget. ``scored``: the pairs
    already scored for this applicant (the page's cached ranks), when the caller has them;
    ``candidates``: their ``choosing.candidates_of``; ``chosen``: the selection from them
    for these inputs, when the caller has made it (the try-it page)."""
    if scored is None:
        results = scoring.score_programs(applicant=applicant, programs=[f for _, f in pairs])
        scored = [Scored(p, f, r) for (p, f), r in zip(pairs, results, strict=True)]
    if chosen is None:
        chosen = choosing.choose(applicant=applicant, scored=scored, budget_usd=budget_usd,
                                 decisions=decisions, states=states, candidates=candidates)
    return Outcome(chosen=tuple(chosen.chosen),
                   tiers={item.program.acgme_id: item.result.tier for item in scored},
                   scores={item.program.acgme_id: item.result.score for item in scored},
                   cost_usd=chosen.cost.total_usd, budget_limited=chosen.budget_limited)


@dataclass(frozen=True, slots=True, kw_only=True)
class Scenario:
    code: str
    title: str
    not_applicable: str  # why the scenario does not apply; empty when it does
    moved_up: list[Program]  # on the list now, a better tier in the scenario
    entering: list[Program]  # not on the list now, on it in the scenario
    leaving: list[Program]  # on the list now, not in the scenario (a bigger list's shares)
    cost_usd: int
    cost_change_usd: int
    size: int
    size_change: int
    points_gained: float  # the mean change of the list's programs' scores
    seconds: float  # time to compute it, for the page's note and the benchmark
    no_change: str = ""  # why the change would change nothing, in its own words

    @property
    def changes_nothing(self) -> bool:
        return not (self.moved_up or self.entering or self.leaving or self.cost_change_usd
                    or self.points_gained)

    @property
    def cost_saved_usd(self) -> int:
        return max(0, -self.cost_change_usd)


def compare(now: Outcome, then: Outcome) -> tuple[list[str], list[str], list[str], float]:
    """Programs moving up a tier, entering and leaving the list, by ACGME id, and the mean
    change of the list's scores."""
    before = set(now.chosen)
    moved_up = [i for i in now.chosen if i in then.tiers and then.tiers[i] > now.tiers[i]]
    entering = [i for i in then.chosen if i not in before]
    leaving = [i for i in now.chosen if i not in set(then.chosen)]
    gained = [then.scores[i] - now.scores[i] for i in now.chosen if i in then.scores]
    return moved_up, entering, leaving, round(sum(gained) / len(gained), 1) if gained else 0.0


def no_change_reason(code: str, applicant: scoring.Applicant, budget_usd: int | None,
                     now: Outcome) -> str:
    """Why a scenario that applies would change nothing, in its own words (never "your
    profile already gets the points" for points the profile does not have)."""
    if code == STEP3:
        return gettext_noop(
            "You have not passed Step 3: passing it would change no program here, since none "
            "of them requires or prefers it and only an H-1B needs it (HHS, 1992); it can still "
            "help an application where a program says it values it.")
    if code == BORDER:
        return gettext_noop(
            "Your border-region clinical months already get the full points (%(n)s months); "
            "more would change no program here.", n=scoring.BORDER_FULL_CLINICAL_MONTHS)
    if code == SPANISH:
        return gettext_noop(
            "Spanish counts only at border-region programs, and one level up would change no "
            "program's tier or place here.")
    if code == BUDGET and budget_usd is not None and not now.budget_limited:
        return gettext_noop(
            "Your budget is not what limits your list: it costs $%(cost)s of your "
            "$%(budget)s and already holds the %(size)s programs the guidance suggests.",
            cost=f"{now.cost_usd:,}", budget=f"{budget_usd:,}", size=len(now.chosen))
    return ""


def scenarios_of(*, applicant: scoring.Applicant, budget_usd: int | None,
                 pairs: Sequence[tuple[Program, scoring.ProgramFacts]],
                 decisions: selection.Decisions = NO_DECISIONS,
                 scored: list[Scored] | None = None, states: Sequence[str] = (),
                 candidates: Sequence[selection.Candidate] | None = None,
                 chosen: selection.Selection | None = None) -> list[tuple]:
    """Each scenario as plain values (what is cached): code, title, not applicable, moved up,
    entering, leaving (ids), cost, size, baseline cost and size, points gained, seconds, and
    why it changes nothing (when it does not). ``candidates`` (``choosing.candidates_of``
    ``scored``) and ``chosen`` (the list as it is, selected from them for these inputs): when
    the caller has them."""
    if scored is None:
        results = scoring.score_programs(applicant=applicant, programs=[f for _, f in pairs],
                                         words=False)
        scored = [Scored(p, f, r) for (p, f), r in zip(pairs, results, strict=True)]
    # The programs' candidates are read once: a scenario that changes only the applicant's
    # results takes them again from its own results (choosing.candidates_of).
    if candidates is None:
        candidates = choosing.candidates_of(scored, applicant, states)
    now = outcome_of(applicant=applicant, budget_usd=budget_usd, pairs=pairs,
                     decisions=decisions, scored=scored, states=states,
                     candidates=candidates, chosen=chosen)
    answers = []
    for change in scenario_changes(applicant, budget_usd):
        if change.applicant is None:
            answers.append((change.code, change.title, change.not_applicable, [], [], [],
                            now.cost_usd, len(now.chosen), now.cost_usd, len(now.chosen), 0.0,
                            0.0, ""))
            continue
        start = time.perf_counter()
        if change.applicant == applicant:
            # Only the budget changes: the scope scores the same.
            then_scored, then_candidates = scored, candidates
        else:
            results = scoring.score_programs(applicant=change.applicant,
                                             programs=[f for _, f in pairs], words=False)
            then_scored = [Scored(p, f, r) for (p, f), r in zip(pairs, results, strict=True)]
            then_candidates = choosing.candidates_of(
                then_scored, change.applicant, states,
                like=candidates if choosing.same_ties(applicant, change.applicant) else None)
        then = outcome_of(applicant=change.applicant, budget_usd=change.budget_usd,
                          pairs=pairs, decisions=decisions, states=states,
                          scored=then_scored, candidates=then_candidates)
        moved_up, entering, leaving, gained = compare(now, then)
        answers.append((change.code, change.title, "", moved_up, entering, leaving,
                        then.cost_usd, len(then.chosen), now.cost_usd, len(now.chosen),
                        gained, time.perf_counter() - start,
                        no_change_reason(change.code, applicant, budget_usd, now)))
    return answers


def _scenarios(answers: list[tuple], by_id: dict[str, Program]) -> list[Scenario]:
    return [Scenario(code=code, title=title, not_applicable=why,
                     moved_up=[by_id[i] for i in up], entering=[by_id[i] for i in inn],
                     leaving=[by_id[i] for i in out], cost_usd=cost,
                     cost_change_usd=cost - cost_now, size=size, size_change=size - size_now,
                     points_gained=gained, seconds=seconds, no_change=no_change)
            for (code, title, why, up, inn, out, cost, size, cost_now, size_now, gained,
                 seconds, no_change) in answers]


def scenarios_what_if(profile: Profile, *, inputs: str | None = None,
                      entries: Iterable[ListEntry] | None = None,
                      specialty_ids: Iterable[int] | None = None,
                      states: Iterable[str] | None = None,
                      ranked: Callable[[], list[Scored]] | None = None,
                      applicant: scoring.Applicant | None = None,
                      candidates: Sequence[selection.Candidate] | None = None,
                      chosen: selection.Selection | None = None) -> list[Scenario]:
    """The four scenarios for a profile's list, cached under what they depend on.

    A saved profile gives its specialties, states and hand-made decisions; an unsaved one (the
    try-it page) passes ``specialty_ids``, ``states`` and its own ``inputs`` key, and has no
    decisions. ``ranked``: the scope scored for the profile as it is (the list page's cached
    ranks), called only on a miss, saves scoring it once more; ``candidates`` and ``chosen``:
    its candidates and the list selected from them as it is (the try-it page has both), save
    reading and selecting them once more."""
    if specialty_ids is None:
        specialty_ids = [s.pk for s in profile.specialties()]
        states = profile.target_states
        decisions = _decisions(profile, entries)
        inputs = inputs or list_inputs(profile)
    else:
        decisions = NO_DECISIONS
    catalog = scope.snapshot()
    key = "what-if-scenarios:" + hashlib.sha256(repr((
        inputs, catalog.version, SCORING_VERSION,
        sorted(decisions.pinned), sorted(decisions.removed),
    )).encode()).hexdigest()
    answers = cache.get(key)
    if answers is not None:  # the programs they name, in one query
        catalog.by_acgme_id.ensure(i for a in answers for i in (*a[3], *a[4], *a[5]))
    if answers is None or not all(i in catalog.by_acgme_id for a in answers
                                  for i in (*a[3], *a[4], *a[5])):
        pairs = catalog.in_scope(specialty_ids, states or [])
        scored = ranked() if ranked is not None else None
        if scored is None or len(scored) != len(pairs):
            scored = candidates = chosen = None
        answers = scenarios_of(applicant=applicant or applicant_of(profile),
                               budget_usd=profile.budget_usd, pairs=pairs, decisions=decisions,
                               states=states or [], scored=scored, candidates=candidates,
                               chosen=chosen)
        cache.set(key, answers, INPUTS_TTL_SECONDS)
    return _scenarios(answers, catalog.by_acgme_id)
