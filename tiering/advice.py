"""Advice on Step 3 and the Transitional Year, for the profiles it applies to.

Pure module: no Django, no database, no I/O. It reads the scoring's ``Applicant`` and the codes
of the specialties applied to, and says what to do before applying, each piece with its source
(the labels such as F4.3 are the fact sheet's ids, cited in full in ``docs/scoring.md`` and
``docs/strategy.md``).

- **Step 3 is required for an H-1B** in residency: HHS made Steps 1, 2 and 3 the FLEX
  equivalent in 1992 (F4.3); programs that offer the H-1B ask for it by the rank-list deadline
  or Match Day (F4.4).
- **Step 3 is recommended before applying** to Internal Medicine or Family Medicine after a
  failed attempt: program directors cite "any failed USMLE attempt" among the most important
  reasons not to interview (74.1%, importance 4.4 of 5, 2021 NRMP Program Director Survey,
  F7.4), and IM programs that take IMGs with attempts state a Step 3 preference (Three Crosses
  Regional Hospital IM, F6.5). Passing Step 3 shows the exams are behind the applicant; that it
  offsets a failed attempt is the advisors' guidance, not a measured effect.
- **A Transitional Year is a bridge, not a destination**: one year of general training, after
  which the resident needs a PGY-2 (advanced) position elsewhere. NRMP's Charting Outcomes
  leaves out applicants who rank preliminary or transitional programs first (F9.2), so no match
  figure says how a Transitional Year leads on; advisors' guidance is to apply to one only with
  a PGY-2 plan.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from tiering.scoring import Applicant, failed_attempts
from tiering.scoring.text import gettext_noop

INTERNAL_MEDICINE, FAMILY_MEDICINE, TRANSITIONAL_YEAR = "140", "120", "999"
# Specialties where the guidance recommends Step 3 after a failed attempt.
STEP3_AFTER_ATTEMPTS_SPECIALTIES: frozenset[str] = frozenset({INTERNAL_MEDICINE, FAMILY_MEDICINE})
# "Several attempts": a Step taken more than once, i.e. one failed sitting or more. A single
# failed attempt is what program directors screen on (2021 NRMP PD Survey, F7.4).
FAILED_ATTEMPTS_FOR_STEP3_ADVICE = 1

STEP3_REQUIRED, STEP3_RECOMMENDED, TRANSITIONAL_BRIDGE = (
    "step3_required", "step3_recommended", "transitional_bridge")


@dataclass(frozen=True, slots=True, kw_only=True)
class Advice:
    code: str
    title: str  # scoring.text.Text: English, translated when shown (explain.translated)
    text: str
    sources: tuple[str, ...]  # each a citation with its fact-sheet id and year


SOURCE_H1B_STEP3 = ("HHS 1992 release designating USMLE Steps 1, 2 and 3 the FLEX "
                    "equivalent for H-1B physicians; University of Michigan and University of "
                    "Washington H-1B pages (F4.3, current)")
SOURCE_H1B_BY_MATCH_DAY = ("University of Pittsburgh Internal Medicine visa guidelines: H-1B "
                           "only with all three Steps passed by Match Day (F4.4, 2023)")
SOURCE_PD_SURVEY = ("NRMP Program Director Survey 2021: \"any failed USMLE attempt\" cited by "
                    "74.1%, importance 4.4 of 5 (F7.4, 2021)")
SOURCE_THREE_CROSSES = ("Three Crosses Regional Hospital Internal Medicine, Las Cruces NM: "
                        "\"Step 3 preferred\", \"one attempt permitted\" (F6.5, program page)")
SOURCE_CHARTING_OUTCOMES = ("NRMP Charting Outcomes in the Match, International Graduates, "
                            "2026: applicants who rank a preliminary or transitional program "
                            "first are left out (F9.2, 2026)")
SOURCE_TY_POSITIONS = ("2025 Main Match: more than 2,200 preliminary and transitional-year "
                       "positions offered (F1.10, 2025)")
SOURCE_GUIDANCE = "Advisors' guidance for IMGs (a judgement; no NRMP or AAMC figure)"


def advice_for(*, applicant: Applicant, specialty_codes: Iterable[str]) -> list[Advice]:
    """The advice that applies to this applicant and these specialties, most binding first."""
    codes = frozenset(specialty_codes)
    out: list[Advice] = []
    if not applicant.step3_passed and applicant.visa_need == "h1b":
        out.append(Advice(
            code=STEP3_REQUIRED, title=gettext_noop("Step 3 is required for an H-1B"),
            text=gettext_noop(
                "An H-1B for residency requires USMLE Steps 1, 2 and 3 passed, and programs "
                "that offer it ask for Step 3 by the rank-list deadline or Match Day. Pass "
                "Step 3 before you apply, or apply on a J-1."),
            sources=(SOURCE_H1B_STEP3, SOURCE_H1B_BY_MATCH_DAY),
        ))
    failures = failed_attempts(applicant)
    in_im_fm = sorted(codes & STEP3_AFTER_ATTEMPTS_SPECIALTIES)
    if not applicant.step3_passed and in_im_fm \
            and failures[0] + failures[1] >= FAILED_ATTEMPTS_FOR_STEP3_ADVICE:
        names = (gettext_noop("Internal Medicine and Family Medicine") if len(in_im_fm) == 2
                 else gettext_noop("Internal Medicine") if in_im_fm == [INTERNAL_MEDICINE]
                 else gettext_noop("Family Medicine"))
        out.append(Advice(
            code=STEP3_RECOMMENDED, title=gettext_noop("Pass Step 3 before you apply"),
            text=gettext_noop(
                "You took Step 1 or Step 2 CK more than once. For %(specialties)s, the guidance "
                "is to pass Step 3 before applying: program directors screen on failed "
                "attempts, and a Step 3 pass shows the exams are behind you.",
                specialties=names),
            sources=(SOURCE_PD_SURVEY, SOURCE_THREE_CROSSES, SOURCE_GUIDANCE),
        ))
    if TRANSITIONAL_YEAR in codes:
        alone = codes == {TRANSITIONAL_YEAR}
        out.append(Advice(
            code=TRANSITIONAL_BRIDGE,
            title=gettext_noop("A Transitional Year is a bridge only with a PGY-2 plan"),
            text=gettext_noop(
                "A Transitional Year is one year of general training: after it you need a "
                "PGY-2 (advanced) position elsewhere. Apply to it only as a bridge to a PGY-2 "
                "position you have a plan for - it is your only specialty, so the list has no "
                "program that continues after that year.") if alone else gettext_noop(
                "A Transitional Year is one year of general training: after it you need a "
                "PGY-2 (advanced) position elsewhere. Apply to it only as a bridge to a PGY-2 "
                "position you have a plan for."),
            sources=(SOURCE_CHARTING_OUTCOMES, SOURCE_TY_POSITIONS, SOURCE_GUIDANCE),
        ))
    return out
