"""How many programs to apply to, per specialty and tier, and what that costs.

Pure module: no Django, no database, no I/O. Money is in whole US dollars.

- **How many.** Published advisor guidance for a non-US IMG with low scores applying to Internal
  Medicine or Family Medicine is 80-120 programs in all. The target moves inside that range
  with how far the Step 2 CK is below the specialty benchmark. Programs are taken Tier 1
  first, then Tier 2, then Tier 3, never more than a tier has.
- **What it costs.** ERAS 2026 fees: $11 per program for the first 30 in a specialty, $30 each
  after that, the count starting again for each specialty; plus the ECFMG ERAS token and the
  USMLE transcript once per season.
- **What a budget buys.** The largest plan within the budget: Tier 3 is cut first, then Tier 2,
  and programs are spread across specialties to use the cheap first 30 of each.

Sources are named next to each constant; full citations are in ``docs/scoring.md``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from tiering.scoring import Tier

# ERAS fees, 2026 season: $11 per program for the first 30 in a specialty, $30 from the 31st;
# the count resets for each specialty (AAMC, "Fees for 2026 ERAS Season"; F3.1).
ERAS_FEE_FIRST_PROGRAMS_USD = 11
ERAS_FEE_LATER_PROGRAMS_USD = 30
ERAS_CHEAP_PROGRAMS_PER_SPECIALTY = 30
# ECFMG ERAS token, required for IMGs, non-refundable: $165. This is the ERAS 2024 figure, the
# last one verified; the current season's fee was not verified (ECFMG, ecfmg.org/eras; F3.4).
ECFMG_ERAS_TOKEN_USD = 165
# USMLE transcript, charged once per season: $80 (AAMC, "Fees for ERAS Residency Applications",
# 2024 season; F3.2).
USMLE_TRANSCRIPT_USD = 80
FIXED_COSTS_USD = ECFMG_ERAS_TOKEN_USD + USMLE_TRANSCRIPT_USD

# Published advisor guidance, not a primary source (the project's fact sheet has none): a non-US
# IMG with low scores applying to Internal Medicine or Family Medicine should apply to 80-120
# programs in all. Replace when NRMP or AAMC publish application-count evidence for this group.
ADVISOR_TOTAL_LOW = 80
ADVISOR_TOTAL_HIGH = 120
# The target rises linearly from ADVISOR_TOTAL_LOW at a Step 2 CK at the specialty benchmark
# (z = 0) to ADVISOR_TOTAL_HIGH at 2 SD below it (judgement). Without a z: the midpoint.
STEP2_Z_FOR_HIGH_TOTAL = -2.0
# Strong profiles apply to fewer: the guidance above is for low scores only, so above the
# benchmark the target falls linearly to STRONG_PROFILE_TOTAL at 1 SD above it. Judgement: no
# NRMP or AAMC figure gives an application count for non-US IMGs with high scores.
STRONG_PROFILE_TOTAL = 50
STEP2_Z_FOR_STRONG_TOTAL = 1.0

TIERS_IN_ORDER: tuple[Tier, ...] = (Tier.TIER_1, Tier.TIER_2, Tier.TIER_3)


# ---------------------------------------------------------------------------------------------
# Fees
# ---------------------------------------------------------------------------------------------


def eras_fee(programs: int) -> int:
    """ERAS 2026 fee for applying to this many programs in ONE specialty."""
    if programs < 0:
        raise ValueError("programs cannot be negative")
    cheap = min(programs, ERAS_CHEAP_PROGRAMS_PER_SPECIALTY)
    return (cheap * ERAS_FEE_FIRST_PROGRAMS_USD
            + (programs - cheap) * ERAS_FEE_LATER_PROGRAMS_USD)


def eras_cost(programs_by_specialty: Mapping[str, int]) -> int:
    """ERAS 2026 fees for several specialties (the cheap first 30 count in each)."""
    return sum(eras_fee(n) for n in programs_by_specialty.values())


def marginal_fee(already: int) -> int:
    if already < ERAS_CHEAP_PROGRAMS_PER_SPECIALTY:
        return ERAS_FEE_FIRST_PROGRAMS_USD
    return ERAS_FEE_LATER_PROGRAMS_USD


# ---------------------------------------------------------------------------------------------
# Outputs
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class PlanLine:
    specialty_code: str
    tier: Tier
    available: int  # eligible programs in this specialty and tier
    count: int  # programs planned (or, in ``BudgetResult.left_out``, not bought)


@dataclass(frozen=True, slots=True, kw_only=True)
class Cost:
    eras_by_specialty: Mapping[str, int]
    eras_usd: int
    ecfmg_token_usd: int  # 0 when the plan is empty
    usmle_transcript_usd: int  # 0 when the plan is empty
    total_usd: int


@dataclass(frozen=True, slots=True, kw_only=True)
class Plan:
    lines: tuple[PlanLine, ...]  # Tier 1 lines first, then Tier 2, then Tier 3; by specialty
    programs: int
    cost: Cost

    def count(self, specialty_code: str, tier: Tier) -> int:
        for line in self.lines:
            if line.specialty_code == specialty_code and line.tier is tier:
                return line.count
        return 0

    def programs_by_specialty(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for line in self.lines:
            out[line.specialty_code] = out.get(line.specialty_code, 0) + line.count
        return out

    def programs_in_tier(self, tier: Tier) -> int:
        return sum(line.count for line in self.lines if line.tier is tier)


@dataclass(frozen=True, slots=True, kw_only=True)
class BudgetResult:
    budget_usd: int
    affordable: Plan  # the largest plan within the budget
    left_out: tuple[PlanLine, ...]  # per specialty and tier: recommended but not affordable
    left_out_programs: int
    extra_usd_needed: int  # more money needed for the full recommendation; 0 when covered
    covers_fixed_costs: bool
    missing_for_fixed_usd: int  # more money needed before any application is possible
    message: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Recommendation:
    target_total: int  # the advisor-guidance target for this applicant
    recommended: Plan  # never more than is available; may be below the target
    budget: BudgetResult | None  # only when a budget was given
    notes: tuple[str, ...]


# ---------------------------------------------------------------------------------------------
# Planning
# ---------------------------------------------------------------------------------------------


def target_total(step2_z: float | None) -> int:
    """Advisor-guidance target (80-120) for a Step 2 CK this many SDs from the benchmark."""
    if step2_z is None:
        return round((ADVISOR_TOTAL_LOW + ADVISOR_TOTAL_HIGH) / 2)
    if step2_z > 0:
        strength = min(1.0, step2_z / STEP2_Z_FOR_STRONG_TOTAL)
        return round(ADVISOR_TOTAL_LOW - strength * (ADVISOR_TOTAL_LOW - STRONG_PROFILE_TOTAL))
    share = min(1.0, max(0.0, step2_z / STEP2_Z_FOR_HIGH_TOTAL))
    return round(ADVISOR_TOTAL_LOW + share * (ADVISOR_TOTAL_HIGH - ADVISOR_TOTAL_LOW))


def season_cost(programs_by_specialty: Mapping[str, int]) -> Cost:
    """ERAS fees plus the fixed costs of a season; an empty plan costs nothing."""
    by_specialty = {code: eras_fee(n) for code, n in sorted(programs_by_specialty.items()) if n}
    eras = sum(by_specialty.values())
    applying = any(programs_by_specialty.values())
    token = ECFMG_ERAS_TOKEN_USD if applying else 0
    transcript = USMLE_TRANSCRIPT_USD if applying else 0
    return Cost(eras_by_specialty=by_specialty, eras_usd=eras, ecfmg_token_usd=token,
                usmle_transcript_usd=transcript, total_usd=eras + token + transcript)


def _allocate(limits: Mapping[tuple[str, Tier], int], *, max_programs: int | None,
              max_eras_usd: int | None) -> dict[tuple[str, Tier], int]:
    """Take programs Tier 1 first, then 2, then 3, each time from the specialty where the next
    program is cheapest (then the one with the fewest so far, then by code).

    Stops at ``max_programs``. With ``max_eras_usd``, a tier whose next program no longer fits
    is closed and the next tier may still use what is left (Tier 3 is cut first, then Tier 2).
    """
    chosen = {key: 0 for key in limits}
    per_specialty: dict[str, int] = {}
    total = 0
    spent = 0
    for tier in TIERS_IN_ORDER:
        open_codes = sorted(code for code, t in limits if t is tier and limits[(code, tier)] > 0)
        while open_codes and (max_programs is None or total < max_programs):
            code = min(open_codes, key=lambda c: (marginal_fee(per_specialty.get(c, 0)),
                                                  per_specialty.get(c, 0), c))
            fee = marginal_fee(per_specialty.get(code, 0))
            if max_eras_usd is not None and spent + fee > max_eras_usd:
                break
            chosen[(code, tier)] += 1
            per_specialty[code] = per_specialty.get(code, 0) + 1
            total += 1
            spent += fee
            if chosen[(code, tier)] >= limits[(code, tier)]:
                open_codes.remove(code)
    return chosen


def _plan(available: Mapping[tuple[str, Tier], int], counts: Mapping[tuple[str, Tier], int],
          ) -> Plan:
    lines = tuple(
        PlanLine(specialty_code=code, tier=tier, available=available[(code, tier)],
                 count=counts.get((code, tier), 0))
        for tier in TIERS_IN_ORDER
        for code in sorted(c for c, t in available if t is tier)
    )
    by_specialty: dict[str, int] = {}
    for line in lines:
        by_specialty[line.specialty_code] = by_specialty.get(line.specialty_code, 0) + line.count
    return Plan(lines=lines, programs=sum(line.count for line in lines),
                cost=season_cost(by_specialty))


def _usd(amount: int) -> str:
    return f"${amount:,}"


def recommend(*, available: Mapping[tuple[str, Tier], int], budget_usd: float | None = None,
              step2_z: float | None = None) -> Recommendation:
    """Recommended applications per specialty and tier, their cost, and what a budget buys.

    ``available``: eligible programs per (ACGME specialty code, tier); "Not eligible" and zero
    counts are ignored. ``step2_z``: (Step 2 CK - benchmark) / SD in the main specialty, as
    given by ``tiering.scoring.step2_z``; None uses the middle of the 80-120 guidance.
    """
    if budget_usd is not None and budget_usd < 0:
        raise ValueError("budget_usd cannot be negative")
    for (code, tier), n in available.items():
        if n < 0:
            raise ValueError(f"negative count for {code} {tier.label}")
    pool = {key: n for key, n in available.items() if key[1] is not Tier.NOT_ELIGIBLE and n > 0}
    target = target_total(step2_z)
    recommended = _plan(pool, _allocate(pool, max_programs=target, max_eras_usd=None))

    notes = [
        f"{ADVISOR_TOTAL_LOW}-{ADVISOR_TOTAL_HIGH} programs in all is published advisor guidance "
        "for non-US IMGs with low scores in Internal Medicine or Family Medicine, not an NRMP "
        "or AAMC figure.",
        f"ERAS 2026 charges {_usd(ERAS_FEE_FIRST_PROGRAMS_USD)} per program for the first "
        f"{ERAS_CHEAP_PROGRAMS_PER_SPECIALTY} in each specialty and "
        f"{_usd(ERAS_FEE_LATER_PROGRAMS_USD)} after that.",
        f"Fixed costs: ECFMG ERAS token {_usd(ECFMG_ERAS_TOKEN_USD)} (the 2024 figure, the last "
        f"verified) and USMLE transcript {_usd(USMLE_TRANSCRIPT_USD)}. NRMP registration and "
        "interview costs are not included.",
    ]
    if recommended.programs < target:
        notes.append(
            f"Only {recommended.programs} eligible programs in your specialties, fewer than the "
            f"{target} the guidance suggests: apply to all of them. Adding a specialty widens "
            "the list, but applying to fewer specialties was associated with matching (BMC "
            "Medical Education 2024), so weigh it with an advisor."
        )

    budget = None
    if budget_usd is not None:
        budget = _budget(pool, recommended, int(budget_usd))
    return Recommendation(target_total=target, recommended=recommended, budget=budget,
                          notes=tuple(notes))


def _budget(pool: Mapping[tuple[str, Tier], int], recommended: Plan, budget: int) -> BudgetResult:
    wanted = {(line.specialty_code, line.tier): line.count for line in recommended.lines}
    covers_fixed = budget >= FIXED_COSTS_USD
    missing_fixed = max(0, FIXED_COSTS_USD - budget)
    if covers_fixed:
        counts = _allocate(wanted, max_programs=None, max_eras_usd=budget - FIXED_COSTS_USD)
    else:
        counts = {}
    affordable = _plan(pool, counts)
    left_out = tuple(
        PlanLine(specialty_code=line.specialty_code, tier=line.tier, available=line.available,
                 count=line.count - affordable.count(line.specialty_code, line.tier))
        for line in recommended.lines
        if line.count > affordable.count(line.specialty_code, line.tier)
    )
    left_out_programs = sum(line.count for line in left_out)
    extra = max(0, recommended.cost.total_usd - budget)

    if recommended.programs == 0:
        message = "No eligible programs to apply to yet."
    elif not covers_fixed:
        message = (f"Your budget of {_usd(budget)} does not cover the fixed costs of "
                   f"{_usd(FIXED_COSTS_USD)} (ECFMG ERAS token {_usd(ECFMG_ERAS_TOKEN_USD)}, "
                   f"USMLE transcript {_usd(USMLE_TRANSCRIPT_USD)}): nothing is affordable. "
                   f"{_usd(missing_fixed)} more is needed to apply at all, "
                   f"{_usd(extra)} more for the full recommendation.")
    elif affordable.programs == 0:
        message = (f"Your budget of {_usd(budget)} covers the fixed costs but no program: "
                   f"{_usd(extra)} more is needed for the full recommendation.")
    elif left_out_programs == 0:
        message = (f"Your budget of {_usd(budget)} covers the full recommendation of "
                   f"{recommended.programs} programs ({_usd(recommended.cost.total_usd)}).")
    else:
        message = (f"Your budget of {_usd(budget)} buys {affordable.programs} of the "
                   f"{recommended.programs} recommended programs "
                   f"({_usd(affordable.cost.total_usd)}); {left_out_programs} are left out (Tier 3 "
                   f"is cut first, then Tier 2). {_usd(extra)} more would cover them all.")
    return BudgetResult(
        budget_usd=budget, affordable=affordable, left_out=left_out,
        left_out_programs=left_out_programs, extra_usd_needed=extra,
        covers_fixed_costs=covers_fixed, missing_for_fixed_usd=missing_fixed, message=message,
    )
