"""Tier rules: the ONE place that decides tiers from the score and the caps."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tiering.scoring.results import _TIER_BY_RANK, Tier
from tiering.scoring.text import gettext_noop

if TYPE_CHECKING:  # one way: context.py imports nothing of this module
    from tiering.scoring.context import _Context, _Spec

# ---------------------------------------------------------------------------------------------
# Tier rules: the ONE place that decides tiers (start: FACTS §8C; changes from the §9 evidence)
# ---------------------------------------------------------------------------------------------

TIER1_MIN_SCORE = 65  # FACTS §8C proposal (to be calibrated against outcomes)
TIER2_MIN_SCORE = 45  # FACTS §8C proposal
TIER1_MIN_IMG_FRIENDLINESS = 0.7  # FACTS §8C: Tier 1 needs an IMG-friendly program
# FACTS §8C: a university program with IMG-friendliness below 0.5 is a reach.
TIER3_UNIVERSITY_BELOW_FRIENDLINESS = 0.5
# The Step 2 CK z thresholds of the tier rules (TIER1_MIN_Z_*, TIER3_BELOW_Z_*) are in weights.py:
# context.py reads them too, once per applicant and specialty.


def _tier(
    ctx: _Context,
    score: int,
    friend: float,
    share_known: bool,
    visa_known: bool,
    spec: _Spec,
    setting: str,
    first_attempt_pref_missed: bool,
    img_note: str = "",
    screens_note: str = "",
) -> tuple[Tier, tuple[str, ...]]:
    """Apply the tier rules (the constants above) to an eligible program. ``img_note`` is the
    "not IMG-heavy" note citing the figure used (img_share._img_uncached); ``screens_note``
    says the program's evidence that it screens higher than the applicant's Step 2 CK
    (components._screens_higher), "" when it has none."""
    if score >= TIER1_MIN_SCORE:
        by_score = 3
    elif score >= TIER2_MIN_SCORE:
        by_score = 2
    else:
        by_score = 1
    key = (
        spec.code,
        by_score,
        friend < TIER1_MIN_IMG_FRIENDLINESS,
        setting == "university" and friend < TIER3_UNIVERSITY_BELOW_FRIENDLINESS,
        share_known,
        visa_known,
        first_attempt_pref_missed,
        img_note,
        screens_note,
    )
    cached = ctx.tier_cache.get(key)
    if cached is None:
        cached = ctx.tier_cache[key] = _tier_rules(
            by_score, *key[2:], spec=spec, needs_visa=ctx.needs_visa
        )
    return cached


def _tier_rules(
    by_score: int,
    not_img_heavy: bool,
    university_low: bool,
    share_known: bool,
    visa_known: bool,
    first_attempt_pref_missed: bool,
    img_note: str,
    screens_note: str,
    *,
    spec: _Spec,
    needs_visa: bool,
) -> tuple[Tier, tuple[str, ...]]:
    notes: list[tuple[int, str]] = []
    # Reach (Tier 3).
    if spec.reach_any or (spec.reach_separating and not_img_heavy):
        notes.append((1, spec.tier_note_reach))
    if university_low:
        notes.append(
            (
                1,
                gettext_noop(
                    "Tier 3: a university program without a known high IMG share "
                    "(university programs give 22-30%% of first-year posts to IMGs)"
                ),
            )
        )
    # At best Tier 2: unknown is not yes.
    if needs_visa and not visa_known:
        notes.append((2, gettext_noop("Tier 2 at best: the program's visa policy is unknown")))
    if not share_known:
        notes.append((2, gettext_noop(
            "Tier 2 at best: the program's share of IMG residents is unknown"
        )))
    elif not_img_heavy:
        notes.append(
            (2, img_note or gettext_noop(
                "Tier 2 at best: IMGs are not a large share of residents here"
            ))
        )
    # The Step 2 CK floor for Tier 1 holds only where the program screens higher.
    if not spec.tier1_z_ok and screens_note:
        notes.append((2, screens_note))
    elif not spec.tier1_z_ok and spec.tier_note_z1 and not_img_heavy:
        notes.append((2, spec.tier_note_z1))
    if first_attempt_pref_missed:
        notes.append((2, gettext_noop(
            "Tier 2 at best: the program prefers passes on the first attempt"
        )))
    rank = min([by_score, *(cap for cap, _ in notes)])
    shown = tuple(text for cap, text in sorted(notes, key=lambda n: n[0]) if cap < by_score)
    return _TIER_BY_RANK[rank], shown
