"""What would move a program up a tier, and warnings that hold for every program."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable
from dataclasses import replace

from tiering.scoring.community import spanish_share_credit
from tiering.scoring.components import _score
from tiering.scoring.context import (
    _SPANISH_LEVEL_WORDS,
    _Context,
    _failures,
    benchmark_for,
    failed_attempts,
)
from tiering.scoring.inputs import (
    BORDER_REGION_KM,
    SPANISH_LEVELS,
    STEP2_PASSING_SCORE,
    USMLE_MAX_ATTEMPTS,
    YES,
    Applicant,
    ProgramFacts,
)
from tiering.scoring.results import ProgramResult, Suggestion, Tier
from tiering.scoring.text import Text, gettext_noop, ngettext, wordless
from tiering.scoring.weights import BORDER_FULL_CLINICAL_MONTHS

# ---------------------------------------------------------------------------------------------
# Public API
# ---------------------------------------------------------------------------------------------


def score_program(*, applicant: Applicant, program: ProgramFacts) -> ProgramResult:
    """Gates, score, tier, confidence and reasons for one program."""
    return _score(_Context(applicant), program)


def score_programs(
    *, applicant: Applicant, programs: Iterable[ProgramFacts], words: bool = True
) -> list[ProgramResult]:
    """Score many programs for one applicant, in the order given.

    The applicant's own values (attempts, years, clinical experience, border fit, Step 2 CK per
    specialty) are computed once and shared by every program. ``words=False``: the same tiers,
    scores, confidences and points, but every reason, note and check is its message id alone
    (``text.wordless``), for a caller that reads only the numbers.
    """
    if not words:
        with wordless():
            return score_programs(applicant=applicant, programs=programs)
    ctx = _Context(applicant)
    # The batch allocates a few objects per program and creates no reference cycles, but the
    # cyclic collector's full passes over every live object made a 10x catalog cost 18x the
    # time (gc callbacks: 239 of 581 ms in collection; benchmarks/scoring_bench.py). Pausing it
    # for the batch keeps the cost linear in the number of programs.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return [_score(ctx, p) for p in programs]
    finally:
        if collecting:
            gc.enable()


def applicant_warnings(*, applicant: Applicant) -> list[Text]:
    """Warnings about the profile that apply to every program (not per-program gates)."""
    a = applicant
    out: list[Text] = []
    failures = failed_attempts(a)
    if not a.ecfmg_certified:
        out.append(gettext_noop(
            "ECFMG must confirm that you meet the exam requirements for certification by "
            "the rank-order-list deadline, or you are withdrawn from the Match and SOAP "
            "(NRMP)"
        ))
    if not a.step1_passed or a.step2_score is None:
        missing = [
            s
            for s, ok in (("Step 1", a.step1_passed), ("Step 2 CK", a.step2_score is not None))
            if not ok
        ]
        out.append(gettext_noop(
            "%(steps)s not passed yet: both are needed for ECFMG certification and for a J-1 "
            "visa, and most programs screen on Step 2 CK",
            steps=missing[0] if len(missing) == 1
            else gettext_noop("%(first)s and %(second)s", first=missing[0], second=missing[1]),
        ))
    if max(failures) >= USMLE_MAX_ATTEMPTS:
        out.append(gettext_noop(
            "4 failed attempts on a Step: the USMLE attempt limit makes you ineligible "
            "(USMLE, Attempt limit, 2021)"
        ))
    elif max(failures) >= 3:
        out.append(gettext_noop(
            "3 failed attempts on a Step: Texas programs are closed to you (Texas "
            "Occupations Code §155.056), and one more failure would end eligibility "
            "everywhere (USMLE attempt limit)"
        ))
    if a.visa_need == "h1b" and not a.step3_passed:
        out.append(gettext_noop(
            "An H-1B for residency requires Step 3 passed (HHS 1992): until you pass it, "
            "only programs you could join without a visa or on a J-1 are open"
        ))
    if a.visa_need == "j1":
        out.append(gettext_noop(
            "A J-1 needs a Statement of Need from the Ministry of Health of your country "
            "and brings a 2-year home-country requirement (ECFMG); a Conrad 30 waiver "
            "requires 3 years in an underserved area"
        ))
    years = a.as_of_year - a.graduation_year
    if years > 10:
        out.append(gettext_noop(
            "You graduated %(years)s years ago: many programs state limits of 3, 5 or 10 "
            "years, so check each program",
            years=years,
        ))
    if a.step2_score is not None and a.step2_score < benchmark_for("120").mean:
        out.append(gettext_noop(
            "Step 2 CK %(score)s is below %(mean)s, the mean of non-US IMGs who matched even "
            "in Family Medicine (NRMP Charting Outcomes 2026): program type and specialty "
            "choice decide a lot",
            score=a.step2_score, mean=f"{benchmark_for('120').mean:g}",
        ))
    if a.usce_hands_on_months == 0:
        out.append(gettext_noop(
            "No hands-on US clinical experience: many programs require or prefer it; "
            "observerships count for less"
        ))
    return out


_SPANISH_NEXT = dict(zip(SPANISH_LEVELS, SPANISH_LEVELS[1:], strict=False))
STEP2_HIGHEST_TARGET = 290  # search ceiling for a Step 2 CK target


def _in_border(program: ProgramFacts) -> bool:
    if program.in_border_region is not None:
        return program.in_border_region
    return program.border_distance_km is not None and program.border_distance_km <= BORDER_REGION_KM


def _candidates(
    a: Applicant, p: ProgramFacts
) -> Iterable[tuple[str, int | None, Applicant, Callable[[Text | str], Text]]]:
    """Profile changes in order of how attainable they are (the text is made from the tier
    it would reach).

    Changes that cannot alter this program's result are skipped: a Step 3 pass where neither
    the program nor an H-1B asks for it; months beyond the point where every USCE rule and
    credit is already met; Spanish outside the border region and Spanish-speaking counties;
    letters beyond the first.
    """
    fails3 = _failures(a.step3_attempts, a.step3_passed)
    step3_matters = p.step3_required == YES or a.visa_need == "h1b"
    if (
        step3_matters
        and not a.step3_passed
        and fails3 < USMLE_MAX_ATTEMPTS
        and a.step3_attempts < USMLE_MAX_ATTEMPTS
    ):
        yield (
            "step3_pass",
            None,
            replace(a, step3_passed=True, step3_attempts=a.step3_attempts + 1),
            lambda tier: gettext_noop("A Step 3 pass would make this %(tier)s", tier=tier),
        )
    # Hands-on months stop mattering once full credit (3) and any stated minimum are met.
    enough = max(3, p.min_usce_months or 0, 1 if p.min_usce_months_strictness else 0)
    hands_on_gap = min(12, max(0, enough - a.usce_hands_on_months))
    for months in range(1, hands_on_gap + 1):
        yield (
            "usce_hands_on",
            months,
            replace(a, usce_hands_on_months=a.usce_hands_on_months + months),
            lambda tier, months=months: ngettext(
                "%(n)s more month of hands-on US clinical experience would make this %(tier)s",
                "%(n)s more months of hands-on US clinical experience would make this %(tier)s",
                months, n=months, tier=tier,
            ),
        )
    border = _in_border(p)
    border_gap = max(0, BORDER_FULL_CLINICAL_MONTHS - a.usce_border_months)
    # Outside the border region these months would only repeat the hands-on candidates.
    for months in range(1, min(12, max(hands_on_gap, border_gap)) + 1 if border else 1):
        yield (
            "usce_border",
            months,
            replace(
                a,
                usce_hands_on_months=a.usce_hands_on_months + months,
                usce_border_months=a.usce_border_months + months,
            ),
            lambda tier, months=months: ngettext(
                "%(n)s more month of hands-on US clinical experience in the border region "
                "would make this %(tier)s",
                "%(n)s more months of hands-on US clinical experience in the border region "
                "would make this %(tier)s",
                months, n=months, tier=tier,
            ),
        )
    nxt = _SPANISH_NEXT.get(a.spanish_level)
    # Spanish counts at border programs and where the county speaks it (community.py).
    if nxt and (border or spanish_share_credit(p.county_spanish_share) > 0):
        yield (
            "spanish",
            None,
            replace(a, spanish_level=nxt),
            lambda tier: gettext_noop(
                "Improving your Spanish from %(level)s to %(next)s would make this %(tier)s",
                level=_SPANISH_LEVEL_WORDS[a.spanish_level], next=_SPANISH_LEVEL_WORDS[nxt],
                tier=tier,
            ),
        )
    if a.us_letters == 0:  # only the first US letter earns credit
        yield (
            "us_letters",
            1,
            replace(a, us_letters=1),
            lambda tier: gettext_noop(
                "A letter of recommendation from a US clinician would make this %(tier)s",
                tier=tier,
            ),
        )


def _step2_target(
    a: Applicant, p: ProgramFacts, current: Tier, contexts: dict[Applicant, _Context]
) -> tuple[int, Applicant, ProgramResult] | None:
    """The lowest Step 2 CK that moves the program up, while Step 2 CK is not passed.

    A higher passed score never gives a worse tier (tested), so a binary search finds it.
    """
    if a.step2_score is not None:
        return None  # a passed exam cannot be retaken to raise its score
    if _failures(a.step2_attempts, False) >= USMLE_MAX_ATTEMPTS:
        return None
    attempts = min(USMLE_MAX_ATTEMPTS, a.step2_attempts + 1)

    def attempt(target: int) -> tuple[Applicant, ProgramResult]:
        changed = replace(a, step2_score=target, step2_attempts=attempts)
        return changed, _score(_context(changed, contexts), p)

    best = attempt(STEP2_HIGHEST_TARGET)
    if not best[1].tier > current:
        return None
    low, high = STEP2_PASSING_SCORE, STEP2_HIGHEST_TARGET
    found = (STEP2_HIGHEST_TARGET, *best)
    while low < high:
        middle = (low + high) // 2
        changed, result = attempt(middle)
        if result.tier > current:
            high = middle
            found = (middle, changed, result)
        else:
            low = middle + 1
    if found[0] != low:
        changed, result = attempt(low)
        found = (low, changed, result)
    return found


def _context(applicant: Applicant, contexts: dict[Applicant, _Context]) -> _Context:
    ctx = contexts.get(applicant)
    if ctx is None:
        ctx = contexts[applicant] = _Context(applicant)
    return ctx


def _suggest(
    applicant: Applicant, program: ProgramFacts, contexts: dict[Applicant, _Context]
) -> Suggestion | None:
    current = _score(_context(applicant, contexts), program)
    if current.tier is Tier.TIER_1:
        return None
    for change, amount, changed, text in _candidates(applicant, program):
        result = _score(_context(changed, contexts), program)
        if result.tier > current.tier:
            return Suggestion(
                change=change,
                amount=amount,
                text=text(_tier_name(result.tier)),
                current_tier=current.tier,
                new_tier=result.tier,
                new_score=result.score,
                changed_applicant=changed,
            )
    target = _step2_target(applicant, program, current.tier, contexts)
    if target is None:
        return None
    score, changed, result = target
    return Suggestion(
        change="step2_target",
        amount=score,
        text=gettext_noop(
            "A Step 2 CK of %(score)s or more would make this %(tier)s",
            score=score, tier=_tier_name(result.tier),
        ),
        current_tier=current.tier,
        new_tier=result.tier,
        new_score=result.score,
        changed_applicant=changed,
    )


def suggest_improvement(*, applicant: Applicant, program: ProgramFacts) -> Suggestion | None:
    """The most attainable profile change that moves this program up a tier, or None.

    Candidates, in order: a Step 3 pass; 1-12 more months of hands-on US clinical experience;
    the same in the border region; Spanish one level up; a first US letter; and, only while
    Step 2 CK is not passed, the lowest Step 2 CK target that works. A passed exam cannot be
    retaken to raise its score, failed attempts cannot be undone and graduation year cannot
    change, so none of those is ever suggested.
    """
    return _suggest(applicant, program, {})


def suggest_improvements(
    *, applicant: Applicant, programs: Iterable[ProgramFacts]
) -> list[Suggestion | None]:
    """``suggest_improvement`` for many programs, sharing the work on each changed profile."""
    contexts: dict[Applicant, _Context] = {}
    return [_suggest(applicant, p, contexts) for p in programs]


def _tier_name(tier: Tier) -> Text:
    return (gettext_noop("Tier %(number)s", number=tier.number) if tier.number
            else gettext_noop(tier.label))
