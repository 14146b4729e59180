"""Count the scoring's judgements of the catalog that a reader would find wrong, for the
acceptance persona (J-1, Step 2 CK 222 first attempt, native Spanish, 3 border months).

Run against a database holding the shipped catalog (docs/scoring.md):

    python manage.py import_catalog fixtures/catalog.csv
    python manage.py audit_catalog_judgements [-v 2]

It scores every program and counts each kind of problem: reasons that contradict the facts
table, IMG shares of different years judged together, stale J-1 refusals closing programs,
armed-forces programs open to non-citizens, border J-1 core programs out of Tier 1-2, and
catalog defects (no coordinates, city names in one case, names repeated under two ids); then
the tiers and first reasons of five programs the advisors know. ``-v 2`` prints each
contradiction. ``tests/tiering/test_catalog_judgements.py`` holds the same rules as tests.
"""

from __future__ import annotations

import re
from collections import Counter

from django.core.management.base import BaseCommand

from programs.models import Program
from tiering import scoring
from tiering.facts import facts_of

AS_OF = 2026
SHARE = re.compile(
    r"(Non-US(?:-citizen)? IMGs|IMGs) (?:are|were) (?:about )?(\d+)% of residents", re.I
)
ARMED = re.compile(
    r"\b(Army|Navy|Naval|Air Force|Uniformed Services|National Capital Consortium|"
    r"Military Medical Center|David Grant Medical Center|Keesler Medical Center)\b"
)


def applicant() -> scoring.Applicant:
    fields = dict(
        step1_passed=True, step1_attempts=1, step2_score=222, step2_attempts=1,
        step3_passed=False, step3_attempts=0, graduation_year=AS_OF - 2, visa_need="j1",
        ecfmg_certified=True, usce_hands_on_months=3, usce_observership_months=0,
        usce_border_months=3, us_letters=1, research_experiences=0,
        border_or_underserved_projects=False, spanish_level="native", as_of_year=AS_OF,
    )
    return scoring.Applicant(**fields)


class Command(BaseCommand):
    help = ("Count the scoring's judgements of the catalog that a reader would find wrong, "
            "for the acceptance persona.")

    def _print(self, *parts: object) -> None:
        self.stdout.write(" ".join(str(part) for part in parts))

    def handle(self, *args: object, verbosity: int = 1, **options: object) -> None:
        programs = list(Program.objects.select_related("specialty").order_by("acgme_id"))
        facts = [facts_of(p) for p in programs]
        results = scoring.score_programs(applicant=applicant(), programs=facts)
        c: Counter = Counter()
        for program, f, r in zip(programs, facts, results, strict=True):
            total, non_us = program.img_share_pct, program.non_us_img_share_pct
            prov = program.provenance or {}
            y_total = prov.get("img_share_pct", {}).get("year")
            y_non_us = prov.get("non_us_img_share_pct", {}).get("year")
            texts = [x.text for x in r.reasons] + list(r.tier_notes)
            used_non_us = any(t.startswith("Non-US IMGs are") for t in texts)
            if total is not None and non_us is not None and y_total != y_non_us:
                c["catalog: total and non-US share from different years"] += 1
                if non_us > total:
                    c["catalog: older non-US share above newer total (shown, each with its "
                      "year)"] += 1
            if used_non_us and total is not None and y_total != y_non_us:
                c["judged: non-US share of one year beside a total of another"] += 1
            if used_non_us and total is not None and non_us is not None and non_us > total:
                c["judged: non-US share above the total share in one judgement"] += 1
            contradiction = False
            for t in texts:
                for who, pct in SHARE.findall(t):
                    table = non_us if who.lower().startswith("non-us") else total
                    if table is None or round(table) != int(pct):
                        contradiction = True
                    if who.lower().startswith("non-us") and total is not None \
                            and y_total != y_non_us:
                        contradiction = True  # an older figure judged over the newer total
                if "IMGs are not a large share" in t and total is not None and total >= 42:
                    contradiction = True
            c["reasons contradicting the facts table"] += contradiction
            if contradiction and verbosity > 1:
                self._print("   contradiction:", program.acgme_id, total, y_total, non_us,
                            y_non_us, texts[0])
            j1_year = f.fact_years.get("j1_accepted")
            stale_no = program.j1_accepted == "no" and j1_year is not None and AS_OF - j1_year >= 3
            if stale_no:
                c["J-1 'no' 3+ seasons old"] += 1
                if not r.eligible:
                    c["J-1 'no' 3+ seasons old: Not eligible"] += 1
                    if any("J-1" in h for h in r.hard_reasons):
                        c["J-1 'no' 3+ seasons old: Not eligible because of that 'no'"] += 1
                if program.acgme_id.startswith("140") and any(
                    v.get("source") == "freida-2025" for v in prov.values()
                ):
                    c["IM: 2021 'no' kept although FREIDA 2025 has the program"] += 1
            if program.j1_accepted == "no" and not stale_no and not r.eligible:
                c["J-1 'no' current or undated: Not eligible"] += 1
            if program.setting == "military" or ARMED.search(program.name):
                c["armed-forces programs (rule)"] += 1
                if r.eligible:
                    c["armed-forces programs eligible for a J-1 applicant"] += 1
                    if r.tier.number in (2, 3):
                        c["armed-forces programs in Tier 2-3 for a J-1 applicant"] += 1
                    if program.j1_accepted == "unknown":
                        c["armed-forces programs with visa unknown, eligible"] += 1
            newest_total = total
            if (
                program.acgme_id[:3] in ("140", "120", "320", "400")
                and program.in_border_region and program.j1_accepted == "yes"
                and newest_total is not None and newest_total > 50
                and r.tier.number not in (1, 2)
            ):
                c["case applicant: border J-1 majority-IMG core program not in Tier 1-2"] += 1
                self._print("   not Tier 1-2:", program.acgme_id, program.name, r.tier.label,
                            r.tier_notes)
            if program.latitude is None:
                c["without coordinates"] += 1
            if program.city.isupper() or program.city.islower():
                c["city names all capitals or all lowercase"] += 1
        names = Counter((p.name, p.specialty_id, p.city) for p in programs)
        c["program names repeated under two ids (same specialty and city)"] = sum(
            1 for n in names.values() if n > 1
        )
        keys = [
            "reasons contradicting the facts table",
            "judged: non-US share above the total share in one judgement",
            "judged: non-US share of one year beside a total of another",
            "catalog: total and non-US share from different years",
            "catalog: older non-US share above newer total (shown, each with its year)",
            "J-1 'no' 3+ seasons old",
            "J-1 'no' 3+ seasons old: Not eligible",
            "J-1 'no' 3+ seasons old: Not eligible because of that 'no'",
            "J-1 'no' current or undated: Not eligible",
            "IM: 2021 'no' kept although FREIDA 2025 has the program",
            "armed-forces programs (rule)",
            "armed-forces programs eligible for a J-1 applicant",
            "armed-forces programs in Tier 2-3 for a J-1 applicant",
            "armed-forces programs with visa unknown, eligible",
            "case applicant: border J-1 majority-IMG core program not in Tier 1-2",
            "without coordinates",
            "city names all capitals or all lowercase",
            "program names repeated under two ids (same specialty and city)",
        ]
        for key in keys + sorted(set(c) - set(keys)):
            self._print(f"{c[key]:5d}  {key}")
        wanted = {
            "1404811424": "Texas Tech El Paso IM",
            "1400300540": "Canyon Vista IM",
            "1404800900": "HCA Las Palmas Del Sol IM",
            "1403400002": "Three Crosses IM",
            "1400512012": "Naval Medical Center San Diego IM",
        }
        by_id = {p.acgme_id: (p, r) for p, r in zip(programs, results, strict=True)}
        for acgme_id, label in wanted.items():
            if acgme_id not in by_id:
                continue  # a catalog without that program (a test's, or a partial import)
            p, r = by_id[acgme_id]
            self._print(f"\n{label} ({acgme_id}): {r.tier.label}, score {r.score}")
            for line in [*r.hard_reasons, *(x.text for x in r.reasons[:1]), *r.tier_notes,
                         *r.to_verify[:2]]:
                self._print("   ", line)
