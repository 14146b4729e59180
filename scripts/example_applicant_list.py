"""The example applicant's list, measured on the catalog loaded in the database.

Run from the repository root, against a scratch database holding the shipped catalog:

    export DEBUG=1 DATABASE_URL=sqlite:////tmp/rp23.sqlite3
    .venv/bin/python manage.py migrate -v0
    .venv/bin/python manage.py import_catalog fixtures/catalog.csv
    .venv/bin/python scripts/example_applicant_list.py

The applicant is the product's example: needs a J-1, Step 2 CK 222 at the first attempt,
graduated 2 years ago, native Spanish, 3 months of hands-on clinical experience in the border
region; Internal Medicine and Family Medicine; budget $3,000. The script builds the list the
way the page does (``list_rebuild``) for a throw-away account and prints the tier counts per
specialty, the size and cost, the border-region programs on and off the list, programs with
under 5% IMGs on it, and how ties at the cut were filled. It runs on the code before and after
the change.
"""

from __future__ import annotations

import os
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "residency_planner.settings")

import django  # noqa: E402

django.setup()

from django.utils import timezone  # noqa: E402

from applicants.models import Profile, User  # noqa: E402
from programs.models import Specialty  # noqa: E402
from tiering.lists import list_rebuild  # noqa: E402
from tiering.models import ListEntry  # noqa: E402
from tiering.scope import score_scope  # noqa: E402
from tiering.scoring import Tier  # noqa: E402

EMAIL = "example-applicant@example.org"
BORDER_IM = ("1404811424", "1404800906", "1404821524", "1400300540")  # El Paso, Knapp,
# VBMC, Canyon Vista: the four border IM programs this applicant exists for


def latest_share(program) -> float | None:
    """The IMG share that decides (docs/scoring.md 3.2): the newer year's, or the larger."""
    years = {k: (program.provenance or {}).get(k, {}).get("year") or 0
             for k in ("img_share_pct", "non_us_img_share_pct")}
    total, non_us = program.img_share_pct, program.non_us_img_share_pct
    if total is None:
        return non_us
    if non_us is None or years["img_share_pct"] > years["non_us_img_share_pct"]:
        return total
    if years["non_us_img_share_pct"] > years["img_share_pct"]:
        return non_us
    return max(total, non_us)


def main() -> None:
    User.objects.filter(email=EMAIL).delete()
    user = User.objects.create_user(email=EMAIL, password="not-used-anywhere-23")
    profile, _ = Profile.objects.update_or_create(user=user, defaults=dict(
        step1_passed=True, step1_attempts=1, step2_score=222, step2_attempts=1,
        graduation_year=timezone.now().year - 2, visa_need="j1", ecfmg_status="certified",
        spanish_level="native", usce_hands_on_months=3, usce_border_months=3,
        budget_usd=3000))
    profile.target_specialties.set(Specialty.objects.filter(code__in=["140", "120"]))
    try:
        result = list_rebuild(profile)
        scored = {s.program.acgme_id: s for s in score_scope(profile)}
        chosen = result.selection
        on_list = list(chosen.chosen)
        print(f"List: {chosen.size} programs (target {chosen.target}), "
              f"cost ${chosen.cost.total_usd:,}, budget-limited: {chosen.budget_limited}")
        per = Counter((scored[i].program.acgme_id[:3], scored[i].result.tier.number)
                      for i in on_list)
        for code in ("140", "120"):
            print(f"  {code}: " + ", ".join(f"Tier {t} {per[(code, t)]}" for t in (1, 2, 3)))
        print("  all: " + ", ".join(
            f"Tier {t} {sum(n for (_, tt), n in per.items() if tt == t)}" for t in (1, 2, 3)))
        border = [i for i in on_list if scored[i].program.in_border_region]
        print(f"Border-region programs on the list: {len(border)}")
        left = sorted((s for i, s in scored.items() if i not in chosen.chosen
                       and s.program.in_border_region
                       and s.result.tier in (Tier.TIER_1, Tier.TIER_2)
                       and i not in chosen.duplicates),
                      key=lambda s: (s.result.tier.number, -s.result.score))
        print(f"Eligible Tier 1-2 border programs left out: {len(left)}")
        for s in left:
            share = latest_share(s.program)
            why = f", {share:g}% IMGs" if share is not None and share < 5 else ""
            print(f"    Tier {s.result.tier.number} {s.result.score} {s.program.acgme_id} "
                  f"{s.program.name[:55]} ({s.program.city}{why})")
        few = [(i, latest_share(scored[i].program)) for i in on_list]
        few = [(i, v) for i, v in few if v is not None and v < 5]
        print(f"List programs with under 5% IMGs: {len(few)}")
        for i, v in few:
            s = scored[i]
            print(f"    Tier {s.result.tier.number} {v:g}% {i} {s.program.name[:55]} "
                  f"J-1 {s.program.j1_accepted}")
        for i in BORDER_IM:
            s = scored.get(i)
            if s:
                where = "on the list" if i in chosen.chosen else "not on the list"
                print(f"  {i} {s.program.name[:50]}: Tier {s.result.tier.number}, score "
                      f"{s.result.score}, {where}")
        # Ties at the cut: per (specialty, tier), the chosen and left-out programs that share
        # the score of the first one left out.
        for code in ("140", "120"):
            for tier in (Tier.TIER_1, Tier.TIER_2, Tier.TIER_3):
                group = [s for s in scored.values() if s.program.acgme_id[:3] == code
                         and s.result.tier is tier and s.program.acgme_id not in
                         chosen.duplicates]
                out = [s for s in group if s.program.acgme_id not in chosen.chosen]
                if not out or len(out) == len(group):
                    continue
                cut = max(s.result.score for s in out)
                tied_in = [s for s in group if s.program.acgme_id in chosen.chosen
                           and s.result.score == cut]
                tied_out = [s for s in out if s.result.score == cut]
                if tied_in:
                    states_in = Counter(s.program.state for s in tied_in)
                    states_out = Counter(s.program.state for s in tied_out)
                    print(f"Ties at score {cut}, {code} Tier {tier.number}: {len(tied_in)} in, "
                          f"{len(states_in)} states "
                          f"({dict(states_in.most_common(6))}), {len(tied_out)} out "
                          f"({dict(states_out.most_common(6))})")
        tier_3 = [i for i in on_list if scored[i].result.tier is Tier.TIER_3]
        border_3 = sum(bool(scored[i].program.in_border_region) for i in tier_3)
        no_3 = sum(scored[i].program.j1_accepted == "no" for i in tier_3)
        print(f"Tier 3 on the list: {len(tier_3)}, border {border_3}, J-1 'no' on file {no_3}")
        tier_1_of = {s.program.acgme_id for s in scored.values()
                     if s.result.tier is Tier.TIER_1}
        entries = ListEntry.objects.filter(profile=profile).count()
        print(f"Stored entries: {entries}; Tier 1 candidates: {len(tier_1_of)}")
    finally:
        user.delete()


if __name__ == "__main__":
    main()
