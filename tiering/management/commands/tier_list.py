"""Print the list a profile written as JSON gets, for advisors' batch work: the same programs,
tiers and cost as the list page (``--all``: every scored program of the profile's specialties
and states, each saying whether it is on the list).

The JSON object takes the profile form's fields (see docs/tier-list-command.md); specialties are
given by ACGME code or name. Errors print a clear message and exit with status 2.

``--language es`` writes the tier labels, the reasons and the validation messages in Spanish
(the JSON keys and CSV column names stay the same in every language, for scripts).
"""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation
from django.utils.translation import gettext, gettext_noop

from applicants.forms import ProfileForm
from applicants.models import Profile
from programs import current
from programs.models import Specialty
from tiering import choosing, scoring, selection
from tiering.explain import translated
from tiering.facts import facts_of
from tiering.scope import programs_for
from tiering.scored import Scored, applicant_of

# The scoring package's tier labels (tiering.scoring.results, pure Python, not marked for
# translation): listed here so that the catalog holds them and gettext finds them.
SCORING_TIER_LABELS = (
    gettext_noop("Tier 1: realistic, high priority"),
    gettext_noop("Tier 2: moderately realistic"),
    gettext_noop("Tier 3: reach"),
    gettext_noop("Not eligible"),
)

FIELDS = set(ProfileForm.Meta.fields)
BOOLEAN_FIELDS = {"step1_passed", "step3_passed", "border_or_underserved_projects"}
# Each visa and IMG fact comes with what a page prints beside it (programs.current): "verified
# on DATE", its year, or "year not stated"; empty when the fact is unknown.
FACT_COLUMNS = ["j1_accepted", "h1b_sponsored", "img_share_pct", "non_us_img_share_pct"]
CSV_COLUMNS = ["on_list", "tier", "score", "confidence", "acgme_id", "program", "specialty",
               "city", "state", "border_distance_km",
               *(column for key in FACT_COLUMNS for column in (key, f"{key}_as_of")), "why"]


def fail(message: str) -> CommandError:
    return CommandError(message, returncode=2)


class Command(BaseCommand):
    help = "Print the tiered program list for a profile given as JSON (--format json or csv)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--profile", required=True, type=Path,
                            help="JSON file with the profile ('-' reads standard input).")
        parser.add_argument("--format", choices=["json", "csv"], default="json")
        parser.add_argument("--all", action="store_true", dest="everything",
                            help="Every scored program of the specialties and states, not only "
                                 "the list.")
        parser.add_argument("--language", choices=[code for code, _ in settings.LANGUAGES],
                            default=settings.LANGUAGE_CODE,
                            help="Language of the tier labels and messages (default: %(default)s).")

    def handle(self, *args: Any, profile: Path, format: str, language: str,
               everything: bool = False, **options: Any) -> None:
        with translation.override(language):
            self._handle(profile, format, everything)

    def _handle(self, profile: Path, format: str, everything: bool) -> None:
        data = self._read(profile)
        form = ProfileForm(data=self._form_data(data), instance=Profile())
        if not form.is_valid():
            problems = " ".join(
                f"{name}: {' '.join(errors)}" for name, errors in form.errors.items()
            )
            raise fail(f"Invalid profile: {problems}")
        specialties = form.cleaned_data["target_specialties"]
        if not specialties:
            raise fail("Invalid profile: target_specialties: give at least one specialty.")
        states = form.cleaned_data["target_states"]
        programs = list(programs_for(specialties, states))
        applicant = applicant_of(form.instance)
        facts = [facts_of(p) for p in programs]
        results = scoring.score_programs(applicant=applicant, programs=facts)
        scored = [Scored(p, f, r) for p, f, r in zip(programs, facts, results, strict=True)]
        # The list as the page builds it: the same rule, size and budget.
        chosen = choosing.choose(applicant=applicant, scored=scored, states=states,
                                 budget_usd=form.instance.budget_usd)
        by_id = {item.program.acgme_id: item for item in scored}
        rows = [(by_id[i].program, by_id[i].result, True) for i in chosen.chosen]
        if everything:
            rest = sorted((item for item in scored if item.program.acgme_id not in chosen.chosen),
                          key=lambda i: (-i.result.tier.rank, -i.result.score, i.program.name))
            rows += [(item.program, item.result, False) for item in rest]
        if format == "csv":
            self._write_csv(rows)
        else:
            self.stdout.write(json.dumps({
                "size": chosen.size, "target": chosen.target,
                "cost_usd": chosen.cost.total_usd, "budget_usd": form.instance.budget_usd,
                "budget_limited": chosen.budget_limited,
                "tiers": {str(t.number): sum(n for (_, tier), n in chosen.counts.items()
                                             if tier is t) for t in selection.LIST_TIERS},
                "programs": [self._as_dict(p, r, on) for p, r, on in rows],
            }, indent=2))

    def _read(self, path: Path) -> dict[str, Any]:
        try:
            text = sys.stdin.read() if str(path) == "-" else path.read_text(encoding="utf-8")
        except OSError as exc:
            raise fail(f"Cannot read {path}: {exc.strerror}") from exc
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise fail(f"{path} is not valid JSON: {exc.msg} at line {exc.lineno}, "
                       f"column {exc.colno}") from exc
        if not isinstance(data, dict):
            raise fail(f"{path} must hold one JSON object with the profile's fields.")
        unknown = sorted(set(data) - FIELDS)
        if unknown:
            raise fail(f"Unknown field(s): {', '.join(unknown)}. "
                       f"Known fields: {', '.join(sorted(FIELDS))}.")
        return data

    def _form_data(self, data: dict[str, Any]) -> dict[str, Any]:
        form_data: dict[str, Any] = {}
        for name, value in data.items():
            if name in BOOLEAN_FIELDS:
                if not isinstance(value, bool):
                    raise fail(f"Invalid profile: {name}: use true or false.")
                if value:
                    form_data[name] = "on"
            elif name == "target_specialties":
                form_data[name] = [self._specialty_pk(item) for item in self._list(name, value)]
            elif name == "target_states":
                form_data[name] = [str(item).upper() for item in self._list(name, value)]
            elif value is not None:
                form_data[name] = value
        for name in ("step1_attempts", "step2_attempts", "step3_attempts",
                     "usce_hands_on_months", "usce_observership_months", "usce_border_months",
                     "us_letters", "research_experiences"):
            form_data.setdefault(name, 0)
        form_data.setdefault("citizenship", "needs_visa")
        form_data.setdefault("visa_need", "j1")
        form_data.setdefault("ecfmg_status", "in_progress")
        form_data.setdefault("spanish_level", "none")
        return form_data

    @staticmethod
    def _list(name: str, value: Any) -> list:
        if not isinstance(value, list):
            raise fail(f"Invalid profile: {name}: give a list, e.g. [\"140\", \"120\"].")
        return value

    @staticmethod
    def _specialty_pk(item: Any) -> int:
        text = str(item).strip()
        specialty = (Specialty.objects.filter(code=text).first()
                     or Specialty.objects.filter(name__iexact=text).first())
        if specialty is None:
            raise fail(f"Invalid profile: target_specialties: no specialty with code or name "
                       f"{text!r} in the catalog.")
        return specialty.pk

    @staticmethod
    def _as_dict(program, result: scoring.ProgramResult, on_list: bool) -> dict[str, Any]:
        return {
            "on_list": on_list,
            "tier": gettext(result.tier.label),
            "tier_number": result.tier.number,
            "eligible": result.eligible,
            "score": result.score,
            "confidence": round(result.confidence, 2),
            "confidence_label": result.confidence_label,
            "acgme_id": program.acgme_id,
            "program": program.name,
            "specialty": program.specialty.name,
            "city": program.city,
            "state": program.state,
            "border_distance_km": program.border_distance_km,
            "in_border_region": program.in_border_region,
            **_facts(program),
            "hard_reasons": [translated(text) for text in result.hard_reasons],
            "reasons": [{"points": r.points, "text": translated(r.text)} for r in result.reasons],
            "to_verify": [translated(text) for text in result.to_verify],
        }

    def _write_csv(self, rows) -> None:
        writer = csv.writer(self.stdout, lineterminator="\n")
        writer.writerow(CSV_COLUMNS)
        for program, result, on_list in rows:
            why = [translated(text) for text in
                   (result.hard_reasons or [r.text for r in result.reasons[:3]])]
            writer.writerow([
                "yes" if on_list else "no", gettext(result.tier.label), result.score,
                f"{result.confidence:.2f}",
                program.acgme_id, program.name, program.specialty.name, program.city, program.state,
                "" if program.border_distance_km is None else program.border_distance_km,
                *("" if value is None else value for value in _facts(program).values()),
                " | ".join(why),
            ])


def _facts(program) -> dict[str, Any]:
    """The program's current visa and IMG facts, each followed by its "_as_of"."""
    out: dict[str, Any] = {}
    for key in FACT_COLUMNS:
        fact = current.fact(program, key)
        out[key] = fact.value
        out[f"{key}_as_of"] = fact.when
    return out
