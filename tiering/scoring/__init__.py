"""How realistic is each residency program for one applicant?

Pure module: no Django, no database, no I/O. Frozen dataclasses in, frozen dataclasses out.

The model runs in three steps (explained for advisors in ``docs/scoring.md``):

1. **Hard gates.** Only what a program states as *required*, or what the law says, can make a
   program "Not eligible". A stated preference costs points; an unknown fact never excludes.
2. **Score (0-100).** Weighted components, each with its evidence, plus *border mission fit*
   for programs in the US-Mexico border region.
3. **Tier.** Thresholds on the score, then caps: an unknown visa policy or IMG share can be at
   best Tier 2 ("unknown is not yes"), and the Step 2 CK evidence from NRMP Charting Outcomes
   2026 limits what a low score can reach in specialties where the score matters.

Every number below names its source. Labels such as ``(F9.5)`` are the IDs of the figures in
the fact sheet the model was built from, and "FACTS §8B/§8C" is that sheet's proposed starting
model; the full citations (publisher, title, year, URL) are in ``docs/scoring.md``.

The model lives in one module per step: ``inputs`` (what it reads), ``weights`` (every number,
with its source), ``context`` (the applicant's own values, once per profile), ``gates``,
``components`` (one program's score), with ``community`` (fit beyond the border),
``img_share``, ``visa`` and ``preferences`` (its parts that take most rules), ``tiers`` (the
tier rules), ``results`` (what it returns) and ``suggestions`` (what would move a program up).
This package re-exports the public names.
"""

from tiering.scoring.community import (
    MISSION_CAP,
    SHORTAGE_FULL_SCORE,
    SPANISH_SHARE_FULL,
    SPANISH_SHARE_NATIONAL,
    WEIGHT_SHORTAGE_AREA,
    WEIGHT_SPANISH_COMMUNITY,
    fits_community,
    spanish_share_credit,
)
from tiering.scoring.context import benchmark_for, failed_attempts, specialty_code_of, step2_z
from tiering.scoring.img_share import img_figure
from tiering.scoring.inputs import *  # noqa: F403
from tiering.scoring.results import (
    CONFIDENCE_HIGH,
    CONFIDENCE_MEDIUM,
    ProgramResult,
    Reason,
    Suggestion,
    Tier,
)
from tiering.scoring.suggestions import (
    STEP2_HIGHEST_TARGET,
    applicant_warnings,
    score_program,
    score_programs,
    suggest_improvement,
    suggest_improvements,
)
from tiering.scoring.tiers import *  # noqa: F403
from tiering.scoring.weights import *  # noqa: F403
