"""What the pages say: the parts of one program's score and its explanation (the programs a
page shows are scored again here, with their reasons), why a program is on the list, and the
list as a whole (composition, border programs, visas to verify, cost)."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.utils import translation
from django.utils.translation import gettext, gettext_lazy, ngettext

from applicants.models import Profile
from programs.models import Program
from tiering import scoring
from tiering.facts import cached_facts
from tiering.models import ListEntry, Tier
from tiering.scope import whole_programs
from tiering.scored import STORED_TIER, Scored, applicant_of
from tiering.scoring.few_imgs import few_imgs_note
from tiering.scoring.gap import score_gaps
from tiering.scoring.text import Text

# What each component is called on the page, and its most points (scoring/weights.py).
COMPONENT_NAMES = {
    scoring.C_IMG: gettext_lazy("IMG presence"),
    scoring.C_STEP2: "Step 2 CK",
    scoring.C_ATTEMPTS: gettext_lazy("Exam attempts"),
    scoring.C_VISA: gettext_lazy("Visa"),
    scoring.C_YOG: gettext_lazy("Years since graduation"),
    scoring.C_USCE: gettext_lazy("US clinical experience and letters"),
    scoring.C_BORDER: gettext_lazy("Border mission fit"),
    scoring.C_SPANISH: gettext_lazy("Spanish-speaking community"),
    scoring.C_SHORTAGE: gettext_lazy("Shortage area"),
    scoring.C_GEO: gettext_lazy("Geographic preference"),
    scoring.C_PREFERENCES: gettext_lazy("Stated preferences missed"),
}

CONFIDENCE_LABELS = {"high": gettext_lazy("high"), "medium": gettext_lazy("medium"),
                     "low": gettext_lazy("low")}


def translated(text: object, *, english: bool | None = None) -> str:
    """What the scoring said (a ``scoring.text.Text``), in the active language: the message
    is translated first and the numbers filled in after, so each language places them.
    ``english``: whether the active language is English, when the caller has asked."""
    if not isinstance(text, Text):
        return str(text)
    if english is None:
        english = translation.get_language() in (None, "en")
    if english or text.msgid == "":
        return str(text)
    if text.plural is None:
        message = gettext(text.msgid)
    else:
        message = ngettext(text.msgid, text.plural, text.n)
    message = message % {key: _translated_param(value) for key, value in text.params.items()}
    if text.lowered:
        message = message[:1].lower() + message[1:]
    return message


def _translated_param(value: object) -> str:
    if isinstance(value, tuple):
        return ", ".join(_translated_param(item) for item in value)
    return translated(value)


def component_maxima(specialty_code: str) -> dict[str, float]:
    """The most points each component can give in this specialty: where Step 2 CK does not
    separate matched from unmatched applicants, its points move to IMG presence."""
    separates = scoring.benchmark_for(specialty_code).separates
    return {
        scoring.C_IMG: scoring.WEIGHT_IMG if separates else scoring.WEIGHT_IMG_NON_SEPARATING,
        scoring.C_STEP2: (scoring.WEIGHT_STEP2 if separates
                          else scoring.WEIGHT_STEP2_NON_SEPARATING),
        scoring.C_ATTEMPTS: scoring.WEIGHT_ATTEMPTS,
        scoring.C_VISA: scoring.WEIGHT_VISA,
        scoring.C_YOG: scoring.WEIGHT_YOG,
        scoring.C_USCE: scoring.WEIGHT_USCE,
        scoring.C_BORDER: scoring.WEIGHT_BORDER,
        scoring.C_SPANISH: scoring.WEIGHT_SPANISH_COMMUNITY,
        scoring.C_SHORTAGE: scoring.WEIGHT_SHORTAGE_AREA,
        scoring.C_GEO: scoring.WEIGHT_GEO_PREFERENCE,
        scoring.C_PREFERENCES: 0.0,
    }


def _whole_parts(values: list[float]) -> list[int]:
    """Whole numbers that add up to the rounded total (largest remainder), so the parts shown
    add up to the score shown."""
    total = round(sum(values))
    floors = [math.floor(v) for v in values]
    order = sorted(range(len(values)), key=lambda i: floors[i] - values[i])
    for i in order[:max(0, total - sum(floors))]:
        floors[i] += 1
    return floors


# Components shown only when they give points: they apply to some programs only.
_ONLY_WHEN_SCORED = (scoring.C_PREFERENCES, scoring.C_BORDER, scoring.C_SPANISH,
                     scoring.C_SHORTAGE, scoring.C_GEO)


def score_parts(result: scoring.ProgramResult, *, step2_score: int | None = None,
                names: Mapping[str, str] | None = None) -> list[dict]:
    """The components that make the score, largest first, each as points out of its most.
    ``names``: the components' names in the active language (``Words``), when the caller
    has them."""
    maxima = component_maxima(result.acgme_id[:3])
    shown = [(code, points) for code, points in result.components.items()
             if points or code not in _ONLY_WHEN_SCORED]
    wholes = _whole_parts([points for _, points in shown])
    parts = []
    for (code, _), points in zip(shown, wholes, strict=True):
        name = str(COMPONENT_NAMES[code]) if names is None else names[code]
        if code == scoring.C_STEP2 and step2_score is not None:
            name = f"Step 2 CK {step2_score}"
        parts.append({"component": code, "name": name, "points": points,
                      "max": round(maxima[code])})
    return sorted(parts, key=lambda part: -part["points"])


@dataclass(frozen=True, slots=True)
class Words:
    """What every row's explanation words alike, in the active language: looked up once per
    page instead of once per row (each lazy name and each language check is a lookup in the
    request's translation state, about a thousand of them on a list page)."""

    english: bool
    names: Mapping[str, str]  # the components' names
    confidence: Mapping[str, str]  # the confidence labels


def words() -> Words:
    return Words(english=translation.get_language() in (None, "en"),
                 names={code: str(name) for code, name in COMPONENT_NAMES.items()},
                 confidence={code: str(label) for code, label in CONFIDENCE_LABELS.items()})


def explanation_of(result: scoring.ProgramResult, *, step2_score: int | None = None,
                   said: Words | None = None) -> dict:
    """``said``: ``words()``, when the caller explains more than one program."""
    said = said or words()
    english = said.english
    parts = score_parts(result, step2_score=step2_score, names=said.names) \
        if result.eligible else []
    return {
        "eligible": result.eligible,
        "parts": parts,
        "parts_total": sum(part["points"] for part in parts),
        "hard_reasons": [translated(text, english=english) for text in result.hard_reasons],
        "reasons": [
            {"component": r.component, "points": r.points,
             "text": translated(r.text, english=english)}
            for r in result.reasons
        ],
        "tier_notes": [translated(text, english=english) for text in result.tier_notes],
        "to_verify": [translated(text, english=english) for text in result.to_verify],
        "confidence_label": said.confidence.get(result.confidence_label,
                                                str(result.confidence_label)),
        "components": dict(result.components),
    }


def brief_explanation(result: scoring.ProgramResult, *, reasons: int = 3,
                      checks: int = 1) -> dict:
    """The first ``reasons`` reasons and ``checks`` facts to verify of a scored program, and
    its confidence, as ``explanation_of`` says them: what a workbook row shows
    (``tracker.rows.program_text``), without translating the rest."""
    return {
        "reasons": [
            {"component": r.component, "points": r.points, "text": translated(r.text)}
            for r in result.reasons[:reasons]
        ],
        "to_verify": [translated(text) for text in result.to_verify[:checks]],
        "confidence_label": str(CONFIDENCE_LABELS.get(result.confidence_label,
                                                      result.confidence_label)),
    }


def attach_explanations(profile: Profile, entries: Iterable[ListEntry], *,
                        applicant: scoring.Applicant | None = None) -> None:
    """Score the entries' programs again and set ``entry.explanation`` (not stored).
    ``applicant``: the profile's, when the caller has built it."""
    entries = list(entries)
    if not entries or not profile.is_complete:
        return
    results = scoring.score_programs(
        applicant=applicant or applicant_of(profile),
        programs=[cached_facts(e.program) for e in entries],
    )
    said = words()
    for entry, result in zip(entries, results, strict=True):
        entry.explanation = explanation_of(result, step2_score=profile.step2_score, said=said)


def candidate_entries(profile: Profile, programs: Iterable[Program], *,
                      applicant: scoring.Applicant | None = None) -> list[ListEntry]:
    """Unsaved entries for candidates, scored again with their reasons, so they render like
    the list's rows. ``programs``: whole, or the light rows of ``ranked_scope``, read whole
    here (the page shows them)."""
    programs = whole_programs(programs)
    results = scoring.score_programs(applicant=applicant or applicant_of(profile),
                                     programs=[cached_facts(p) for p in programs])
    entries = []
    said = words()
    for program, result in zip(programs, results, strict=True):
        entry = ListEntry(profile=profile, program=program,
                          computed_tier=STORED_TIER[result.tier], score=result.score,
                          confidence=result.confidence)
        entry.explanation = explanation_of(result, step2_score=profile.step2_score, said=said)
        # A program the list's rule leaves out for few IMGs says so where it is a candidate.
        note = few_imgs_note(cached_facts(program)) if result.eligible else None
        entry.few_imgs = translated(note) if note is not None else ""
        entries.append(entry)
    return entries


def no_eligible_reasons(scored: Iterable[Scored], top: int = 3) -> list[tuple[str, int]]:
    """The most common hard reasons, by how many programs each closes."""
    counts: dict[str, int] = {}
    for item in scored:
        for reason in item.result.hard_reasons:
            # The citation in brackets differs per program; count the rule itself.
            rule = translated(reason).split(" (")[0]
            counts[rule] = counts.get(rule, 0) + 1
    return sorted(counts.items(), key=lambda kv: -kv[1])[:top]


def choice_text(entry: ListEntry, specialty_names: Mapping[str, str]) -> str:
    """Why the entry is on the list, in words. A tier an advisor changed is said first, so no
    line speaks of the computed tier as if it were the one shown; the next candidate left out
    is said once per tier and specialty (``next_candidates``), not on every row."""
    choice = entry.choice or {}
    code, params = choice.get("code"), choice.get("params", {})
    moved = ""
    if entry.override_tier and entry.override_tier != entry.computed_tier:
        moved = gettext("Moved to %(tier)s by the advisor; the scoring placed it in "
                        "%(computed)s. ") % {"tier": Tier(entry.override_tier).label,
                                             "computed": Tier(entry.computed_tier).label}
    if code == "pinned":
        return moved + gettext("Pinned: kept on the list whatever the rebuild.")
    if code == "added":
        return moved + gettext("Added by hand from the candidates.")
    if code == "tracked":
        return moved + gettext("Kept: you or your advisor already worked on it.")
    if code != "ranked":
        return moved.strip()
    specialty = specialty_names.get(params.get("specialty", ""), gettext("this specialty"))
    text = gettext("Tier %(tier)s place %(rank)s of %(taken)s in %(specialty)s (of "
                   "%(available)s candidates), score %(score)s") % {
        "tier": params["tier"], "rank": params["rank"], "taken": params["taken"],
        "specialty": specialty, "available": params["available"], "score": params["score"]}
    if params.get("border_first") and params.get("tier") == 3:
        text += gettext("; a reach program in the border region, which reach places go to "
                        "first")
    elif params.get("border_first"):
        text += gettext("; a border-region program, which the list takes first for the "
                        "mission you bring")
    return moved + text + "."


def place_of(entry: ListEntry) -> int:
    """The entry's place in its tier and specialty (hand-kept ones after the ranked ones)."""
    params = (entry.choice or {}).get("params", {})
    return params.get("rank", 10_000) if (entry.choice or {}).get("code") == "ranked" \
        else 10_000


def next_candidates(entries: Iterable[ListEntry], specialty_names: Mapping[str, str],
                    program_names: Mapping[str, str] | None = None) -> dict[int, list[str]]:
    """Per shown tier: the next candidate left out in each specialty, said once. A list built
    since the entries keep the next candidate's ACGME id (tiering.choice_field) names it from
    ``program_names`` (ACGME id: name, ``next_candidate_ids`` says which)."""
    out: dict[int, dict[str, str]] = {}
    for entry in entries:
        params = (entry.choice or {}).get("params", {})
        if (entry.choice or {}).get("code") != "ranked" \
                or not (params.get("next_name") or params.get("next_id")) \
                or entry.tier != entry.computed_tier:
            continue
        name = params.get("next_name") or (program_names or {}).get(params["next_id"],
                                                                    params["next_id"])
        code = params.get("specialty", "")
        out.setdefault(entry.tier, {})[code] = gettext(
            "%(specialty)s: the next candidate, %(name)s (score %(score)s), was left out.") % {
            "specialty": specialty_names.get(code, code), "name": name,
            "score": params["next_score"]}
    return {tier: [texts[c] for c in sorted(texts, key=lambda c: specialty_names.get(c, c))]
            for tier, texts in out.items()}


def next_candidate_ids(entries: Iterable[ListEntry]) -> set[str]:
    """The ACGME ids of the next candidates the entries name by id."""
    return {params["next_id"] for entry in entries
            if (params := (entry.choice or {}).get("params", {})).get("next_id")}


def score_gap_texts(applicant: scoring.Applicant, codes: Iterable[str], *,
                    only: str | None = None) -> list[str]:
    """The Step 2 CK gap per target specialty, as its own signal (``scoring.gap``), in the
    active language; ``only``: the one of this specialty."""
    return [translated(gap.text) for gap in score_gaps(applicant, codes)
            if only is None or gap.specialty_code == only]


def applicant_notices(applicant: scoring.Applicant) -> list[str]:
    """What the scoring warns about the applicant's own inputs, in the active language."""
    return [translated(text) for text in scoring.applicant_warnings(applicant=applicant)]
