"""The model's outputs: tiers, reasons, one program's result and a suggested change."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass

from tiering.scoring.inputs import Applicant

CONFIDENCE_HIGH = 0.75
CONFIDENCE_MEDIUM = 0.5

# ---------------------------------------------------------------------------------------------
# Outputs
# ---------------------------------------------------------------------------------------------


class Tier(enum.Enum):
    """Where a program lands for one applicant.

    Ordering: a better tier compares as *greater*: ``TIER_1 > TIER_2 > TIER_3 > NOT_ELIGIBLE``.
    Sort best first with ``sorted(results, key=lambda r: r.tier, reverse=True)``.
    """

    TIER_1 = "tier1"
    TIER_2 = "tier2"
    TIER_3 = "tier3"
    NOT_ELIGIBLE = "not_eligible"

    @property
    def label(self) -> str:
        return _TIER_LABELS[self]

    @property
    def rank(self) -> int:
        """3 for Tier 1 down to 0 for Not eligible: higher is better."""
        return _TIER_RANKS[self]

    @property
    def number(self) -> int | None:
        """1, 2 or 3; None when not eligible."""
        return 4 - self.rank if self.rank else None

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Tier):
            return NotImplemented
        return self.rank < other.rank

    def __le__(self, other: object) -> bool:
        if not isinstance(other, Tier):
            return NotImplemented
        return self.rank <= other.rank

    def __gt__(self, other: object) -> bool:
        if not isinstance(other, Tier):
            return NotImplemented
        return self.rank > other.rank

    def __ge__(self, other: object) -> bool:
        if not isinstance(other, Tier):
            return NotImplemented
        return self.rank >= other.rank


_TIER_LABELS = {
    Tier.TIER_1: "Tier 1: realistic, high priority",
    Tier.TIER_2: "Tier 2: moderately realistic",
    Tier.TIER_3: "Tier 3: reach",
    Tier.NOT_ELIGIBLE: "Not eligible",
}
_TIER_RANKS = {Tier.TIER_1: 3, Tier.TIER_2: 2, Tier.TIER_3: 1, Tier.NOT_ELIGIBLE: 0}
_TIER_BY_RANK = {rank: tier for tier, rank in _TIER_RANKS.items()}


@dataclass(frozen=True, slots=True, kw_only=True)
class Reason:
    """One signed contribution to the score, in words an applicant understands."""

    component: str
    points: float
    text: str

    @property
    def display(self) -> str:
        """The points and the text, e.g. "+18 Non-US IMGs are 45% of residents here (...)"."""
        return f"{round(self.points):+d} {self.text}"


@dataclass(frozen=True, kw_only=True)
class ProgramResult:
    """How one program comes out for one applicant.

    ``reasons`` are the signed contributions (their points add up to ``score`` before it is
    capped at 0-100); ``components`` holds the same points per component. ``tier_notes`` say
    which rule held the tier below what the score alone would give; ``to_verify`` lists what to
    ask or check with the program. Not slotted: see ``_result``.
    """

    acgme_id: str
    eligible: bool
    tier: Tier
    score: int  # 0-100; 0 when not eligible
    confidence: float  # 0-1
    confidence_label: str  # "high" | "medium" | "low"
    hard_reasons: tuple[str, ...]  # why not eligible (empty when eligible)
    reasons: tuple[Reason, ...]  # signed contributions (empty when not eligible)
    tier_notes: tuple[str, ...]  # why the tier is lower than the score alone would give
    to_verify: tuple[str, ...]  # things to ask or check with the program
    components: Mapping[str, float]  # points per COMPONENTS key; empty when not eligible


_new_object = object.__new__
_set_attribute = object.__setattr__


def _result(
    acgme_id: str,
    eligible: bool,
    tier: Tier,
    score: int,
    confidence: float,
    hard_reasons: tuple[str, ...],
    reasons: tuple[Reason, ...],
    tier_notes: tuple[str, ...],
    to_verify: tuple[str, ...],
    components: Mapping[str, float],
) -> ProgramResult:
    """Build a ProgramResult without the generated frozen ``__init__``.

    The generated ``__init__`` of a frozen dataclass sets each of the 11 fields through
    ``object.__setattr__``; for the national catalog that alone costs about 10 ms per profile.
    This fills the same fields in one step. The result is an ordinary frozen ProgramResult
    (equal to one built with the constructor; tested).
    """
    result = _new_object(ProgramResult)
    _set_attribute(
        result,
        "__dict__",
        {
            "acgme_id": acgme_id,
            "eligible": eligible,
            "tier": tier,
            "score": score,
            "confidence": confidence,
            "confidence_label": _confidence_label(confidence),
            "hard_reasons": hard_reasons,
            "reasons": reasons,
            "tier_notes": tier_notes,
            "to_verify": to_verify,
            "components": components,
        },
    )
    return result


@dataclass(frozen=True, slots=True, kw_only=True)
class Suggestion:
    """The most attainable change that moves one program up a tier."""

    change: str  # "step3_pass" | "usce_hands_on" | "usce_border" | "spanish" | "us_letters"
    #              | "step2_target"
    amount: int | None  # months, letters or the Step 2 CK target; None for a pass or Spanish
    text: str  # e.g. "A Step 3 pass would make this Tier 2"
    current_tier: Tier
    new_tier: Tier
    new_score: int
    changed_applicant: Applicant


def _confidence_label(value: float) -> str:
    if value >= CONFIDENCE_HIGH:
        return "high"
    if value >= CONFIDENCE_MEDIUM:
        return "medium"
    return "low"
