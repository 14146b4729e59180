"""Does the program's own evidence say it screens higher than the applicant's Step 2 CK? Only
then does the Step 2 CK floor for Tier 1 lower the program (docs/scoring.md 5, "The Step 2 CK
gap"); elsewhere the gap stays in the score and is said once per specialty
(``tiering.scoring.gap``)."""

from __future__ import annotations

from tiering.scoring.context import _cite, _Context, _Spec
from tiering.scoring.inputs import STRICT, ProgramFacts
from tiering.scoring.text import Text, gettext_noop
from tiering.scoring.weights import SCREENS_HIGHER_BAND_SD

# The lower edge of each AAMC Residency Explorer score band (programs.models.ScoreBand).
_BAND_LOWER = {"210_225": 210, "226_235": 226, "236_245": 236, "above_245": 246}
_BAND_NAMES = {"210_225": "210-225", "226_235": "226-235", "236_245": "236-245",
               "above_245": gettext_noop("more than 245")}


def _screens_higher(ctx: _Context, p: ProgramFacts, spec: _Spec) -> Text | str:
    """The program's own evidence that it screens higher than the applicant's Step 2 CK (a
    stated minimum above it, or residents' scores a full SD above it), as the tier note; ""
    when the program states none or the score is above the Tier 1 floor anyway."""
    score = ctx.applicant.step2_score
    if score is None or spec.tier1_z_ok:
        return ""
    if p.min_step2_score is not None and p.min_step2_strictness != STRICT \
            and score < p.min_step2_score:
        return gettext_noop(
            "Tier 2 at best: the program states a Step 2 CK of %(min)s%(cite)s; yours is "
            "%(score)s", min=p.min_step2_score, cite=_cite(p, "min_step2_score"), score=score)
    lower = _BAND_LOWER.get(p.step_score_band)
    if lower is not None and lower >= score + SCREENS_HIGHER_BAND_SD * spec.bench.sd:
        return gettext_noop(
            "Tier 2 at best: residents here averaged %(band)s on USMLE Step 1%(cite)s, more "
            "than %(sds)s SD above your Step 2 CK %(score)s",
            band=_BAND_NAMES[p.step_score_band], cite=_cite(p, "step_score_band"),
            sds=f"{SCREENS_HIGHER_BAND_SD:g}", score=score)
    return ""
