"""The Step 2 CK gap per target specialty: how the applicant's score compares with the non-US
IMGs who matched there, said as its own signal on the list and on each program's page, and how
it steers the list's specialty mix and size (docs/scoring.md section 5, "The Step 2 CK gap", and
section 10, "Building the list").

The gap no longer empties Tier 1 of a specialty: it lowers a program's tier only where the
program screens higher (``tiering.scoring.tiers``). What the gap still says about the
specialty as a whole is said here, once, instead of on every program.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from tiering.scoring.context import benchmark_for, step2_z
from tiering.scoring.inputs import Applicant
from tiering.scoring.text import Text, gettext_noop
from tiering.scoring.weights import _CO, TIER1_MIN_Z_NON_SEPARATING, TIER1_MIN_Z_SEPARATING

# Estimated chance that a non-US IMG who preferred the specialty matched in it, by Step 2 CK
# band: <220, 220-229, 230-239, 240-249, 250+. FACTS F9.18 [D]: an equal-variance normal model
# on the matched and unmatched means, pooled SD and counts of NRMP Charting Outcomes, Non-US
# IMGs, 2026 (F9.5-F9.14), evaluated at 215/225/235/245/255. Not an NRMP figure; it ignores
# interviews, visa, graduation year and clinical experience.
MATCH_CHANCE_BAND_EDGES = (220, 230, 240, 250)
MATCH_CHANCE_BAND_NAMES = (gettext_noop("below 220"), "220-229", "230-239", "240-249",
                           gettext_noop("250 or more"))
MATCH_CHANCE: Mapping[str, tuple[float, float, float, float, float]] = {
    "140": (0.25, 0.32, 0.40, 0.49, 0.58),  # Internal Medicine
    "120": (0.56, 0.55, 0.53, 0.51, 0.50),  # Family Medicine (flat: F9.6)
    "320": (0.48, 0.58, 0.68, 0.76, 0.83),  # Pediatrics
    "400": (0.44, 0.49, 0.55, 0.61, 0.66),  # Psychiatry
    "180": (0.19, 0.25, 0.32, 0.41, 0.49),  # Neurology
    "300": (0.21, 0.30, 0.40, 0.51, 0.62),  # Pathology
    "440": (0.11, 0.15, 0.21, 0.27, 0.35),  # General Surgery
    "110": (0.28, 0.37, 0.48, 0.58, 0.69),  # Emergency Medicine
    "220": (0.12, 0.18, 0.27, 0.37, 0.49),  # Obstetrics and Gynecology
    "040": (0.17, 0.23, 0.30, 0.38, 0.47),  # Anesthesiology
}


def _band(score: int) -> int:
    return sum(score >= edge for edge in MATCH_CHANCE_BAND_EDGES)


def match_chance(specialty_code: str, step2_score: int | None) -> float | None:
    """F9.18's estimate at the score's band; None without a score or an estimate."""
    chances = MATCH_CHANCE.get(specialty_code)
    if chances is None or step2_score is None:
        return None
    return chances[_band(step2_score)]


def specialty_weights(applicant: Applicant, codes: Iterable[str]) -> dict[str, float]:
    """How the list's places are shared across the specialties: in proportion to the
    applicant's estimated match chance in each (F9.18). A specialty without an estimate gets
    the mean of the others (1.0 each when none has one, or Step 2 CK is not passed)."""
    codes = sorted(set(codes))
    known = {c: match_chance(c, applicant.step2_score) for c in codes}
    values = [v for v in known.values() if v is not None]
    fallback = sum(values) / len(values) if values else 1.0
    return {c: (v if v is not None else fallback) for c, v in known.items()}


def list_z(applicant: Applicant, codes: Iterable[str]) -> float | None:
    """The Step 2 CK z of the list's mix: each specialty's z weighted by its share of the list,
    which the list size guidance is read against (``budget.target_total``)."""
    weights = specialty_weights(applicant, codes)
    if applicant.step2_score is None or not weights:
        return None
    total = sum(weights.values())
    return sum(w * (step2_z(applicant=applicant, specialty_code=c) or 0.0)
               for c, w in weights.items()) / total


@dataclass(frozen=True, slots=True, kw_only=True)
class ScoreGap:
    """The applicant's Step 2 CK in one target specialty, when it is below the Tier 1 floor."""

    specialty_code: str
    z: float
    chance: float | None
    text: Text


def score_gaps(applicant: Applicant, codes: Iterable[str]) -> list[ScoreGap]:
    """One signal per target specialty where the Step 2 CK is below the specialty's Tier 1
    floor (z < -0.5 where Step 2 CK separates outcomes, z < -1.0 where it does not), naming the
    applicant's stronger specialty when there is one. Empty without a passed Step 2 CK."""
    score = applicant.step2_score
    codes = sorted(set(codes))
    if score is None or not codes:
        return []
    chances = {c: match_chance(c, score) for c in codes}
    zs = {c: step2_z(applicant=applicant, specialty_code=c) or 0.0 for c in codes}

    def strength(c: str) -> tuple:
        return (chances[c] is not None, chances[c] or 0.0, zs[c])

    strongest = max(codes, key=strength)
    gaps = []
    for code in codes:
        bench = benchmark_for(code)
        floor = TIER1_MIN_Z_SEPARATING if bench.separates else TIER1_MIN_Z_NON_SEPARATING
        if zs[code] >= floor:
            continue
        name = gettext_noop(bench.specialty) if bench.specialty else gettext_noop(
            "this specialty")
        if bench.source == _CO:
            versus = gettext_noop(
                "non-US IMGs who matched in %(specialty)s (%(mean)s, SD %(sd)s; NRMP Charting "
                "Outcomes 2026)", specialty=name, mean=f"{bench.mean:g}", sd=f"{bench.sd:g}")
        else:
            versus = gettext_noop(
                "first-year residents in %(specialty)s (%(mean)s, SD %(sd)s; %(source)s)",
                specialty=name, mean=f"{bench.mean:g}", sd=f"{bench.sd:g}",
                source=bench.source)
        estimate: Text | str = ""
        if chances[code] is not None:
            estimate = gettext_noop(
                " About %(pct)s%% of non-US IMGs scoring %(band)s who preferred %(specialty)s "
                "matched (our estimate from the same report).",
                pct=round(chances[code] * 100), band=MATCH_CHANCE_BAND_NAMES[_band(score)],
                specialty=name)
        stronger: Text | str = ""
        if strongest != code and strength(strongest) > strength(code):
            other = benchmark_for(strongest).specialty or strongest
            stronger = gettext_noop(" %(specialty)s is your stronger specialty.",
                                    specialty=gettext_noop(other))
        gaps.append(ScoreGap(specialty_code=code, z=zs[code], chance=chances[code],
                             text=gettext_noop(
                                 "Your Step 2 CK %(score)s is %(sds)s SD below %(versus)s: "
                                 "even Tier 1 there is uncertain.%(estimate)s%(stronger)s",
                                 score=score, sds=f"{-zs[code]:.1f}", versus=versus,
                                 estimate=estimate, stronger=stronger)))
    return gaps
