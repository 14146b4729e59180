"""The list as a whole, in the reader's words: its composition and cost for the top of the
list page (``list_summary``), what the budget did to it (``budget_note_text``) and what keeps it
below its target (``short_list``, ``list_notices``). A program's own reasons are in
``tiering.explain``."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from applicants.models import Profile
from tiering import budget, scoring
from tiering.models import ApplicantList, ListEntry, Status, Tier


@dataclass(frozen=True, slots=True, kw_only=True)
class ListSummary:
    """The list as a whole, for the top of the list page."""

    size: int
    target: int
    budget_limited: bool
    budget_note: str  # in the applicant's words
    budget_note_code: str  # as stored (code and figures), to say it to another reader
    counts: dict[tuple[str, int], int]  # (specialty code, shown tier) -> programs
    specialties: dict[str, str]  # code -> name, for the specialties on the list
    tiers: dict[int, int]  # shown tier -> programs
    border: int
    visa_to_verify: int
    cost: budget.Cost
    budget_usd: int | None
    over_budget_usd: int  # what the list costs beyond the budget (hand-made additions)
    revision: int

    def count(self, code: str, tier: int) -> int:
        return self.counts.get((code, tier), 0)


def list_summary(profile: Profile, entries: Iterable[ListEntry], *,
                 the_list: ApplicantList | None = None) -> ListSummary:
    """Composition, border programs, visas to verify and cost of the entries on the list.
    ``the_list``: the profile's, when the caller has loaded it."""
    entries = list(entries)
    counts: dict[tuple[str, int], int] = {}
    tiers = {tier.value: 0 for tier in Tier}
    specialties: dict[str, str] = {}
    per_specialty: dict[str, int] = {}
    border = visa_to_verify = 0
    year = timezone.now().year  # the season, as tiering.scored.season_year
    visa_key = {"j1": "j1_accepted", "h1b": "h1b_sponsored"}.get(profile.visa_need)
    for entry in entries:
        program = entry.program
        code = program.acgme_id[:3]
        specialties[code] = program.specialty.name
        counts[(code, entry.tier)] = counts.get((code, entry.tier), 0) + 1
        tiers[entry.tier] += 1
        if entry.status != Status.WITHDRAWN:  # the tracker's Summary counts the same way
            per_specialty[code] = per_specialty.get(code, 0) + 1
        border += bool(program.in_border_region)
        if visa_key:
            fact_year = (program.provenance or {}).get(visa_key, {}).get("year")
            if getattr(program, visa_key) != "yes" or fact_year is None \
                    or year - fact_year >= scoring.FACT_AGE_VERIFY:
                visa_to_verify += 1
    cost = budget.season_cost(per_specialty)
    if the_list is None:
        the_list = ApplicantList.objects.get_or_create(profile=profile)[0]
    over = max(0, cost.total_usd - profile.budget_usd) if profile.budget_usd is not None else 0
    return ListSummary(
        size=len(entries), target=the_list.target, budget_limited=the_list.budget_limited,
        budget_note=budget_note_text(the_list.budget_note),
        budget_note_code=the_list.budget_note, counts=counts,
        specialties=dict(sorted(specialties.items(), key=lambda kv: kv[1])),
        tiers=tiers, border=border, visa_to_verify=visa_to_verify, cost=cost,
        budget_usd=profile.budget_usd, over_budget_usd=over, revision=the_list.revision,
    )


def budget_note_text(stored: str, *, owner: bool = True) -> str:
    """What the budget did to the list, in the active language. The list stores the note as
    its code and figures (``tiering.lists.budget_note``); a note stored as words by an earlier
    version is shown as it is. ``owner``: the applicant reads it ("your budget"), else their
    advisor ("the client's budget")."""
    try:
        note = json.loads(stored) if stored.startswith("{") else None
    except ValueError:
        note = None
    if not isinstance(note, dict):
        return stored
    figures = {key: f"{value:,}" if isinstance(value, int) else value
               for key, value in note.get("params", {}).items()}
    code = note.get("code")
    if code == "short":
        return ""  # not a budget note: the list's own limits (short_list)
    if code == "below_fixed":
        return (gettext(
            "Your budget of $%(budget)s does not cover the fixed costs of $%(fixed)s (ECFMG "
            "ERAS token $%(token)s, USMLE transcript $%(transcript)s): no program can be "
            "applied to. $%(more)s more would buy the list the guidance suggests (%(full)s "
            "programs).") if owner else gettext(
            "The client's budget of $%(budget)s does not cover the fixed costs of $%(fixed)s "
            "(ECFMG ERAS token $%(token)s, USMLE transcript $%(transcript)s): no program can "
            "be applied to. $%(more)s more would buy the list the guidance suggests (%(full)s "
            "programs).")) % figures
    if code == "below_tier_1":
        return (gettext(
            "Your budget of $%(budget)s buys %(size)s programs, fewer than your %(tier_1)s "
            "Tier 1 programs alone: the list holds the best %(size)s of them. $%(more)s more "
            "would buy the list the guidance suggests (%(full)s programs).") if owner else
            gettext(
            "The client's budget of $%(budget)s buys %(size)s programs, fewer than the "
            "%(tier_1)s Tier 1 programs alone: the list holds the best %(size)s of them. "
            "$%(more)s more would buy the list the guidance suggests (%(full)s programs).")
            ) % figures
    return (gettext(
        "Your budget of $%(budget)s set the list at %(size)s programs; the guidance suggests "
        "%(full)s ($%(full_cost)s), $%(more)s more.") if owner else gettext(
        "The client's budget of $%(budget)s set the list at %(size)s programs; the guidance "
        "suggests %(full)s ($%(full_cost)s), $%(more)s more.")) % figures


@dataclass(frozen=True, slots=True, kw_only=True)
class ShortList:
    """What keeps a list below its target when the budget does not."""

    removed: int  # programs removed by hand
    eligible: int | None  # candidates the rule could choose at the last build; None: unknown
    few_imgs: int  # eligible programs left out for under 5% IMGs


def short_list(summary: ListSummary, *, removed: int) -> ShortList | None:
    """What keeps the list below its target, when the budget does not: the removals by hand
    (counted now) and the candidates the last build had (stored with it)."""
    if summary.budget_limited or summary.size >= summary.target:
        return None
    try:
        note = json.loads(summary.budget_note_code or "{}")
    except ValueError:
        note = {}
    params = note.get("params", {}) if note.get("code") == "short" else {}
    return ShortList(removed=removed, eligible=params.get("eligible"),
                     few_imgs=params.get("few_imgs", 0))


def list_notices(summary: ListSummary, *, owner: bool = True,
                 short: ShortList | None = None) -> list[str]:
    """What the list's size and cost mean for the applicant, for the "Before you apply" panel,
    in the active language. A list shorter than its target names the real limit and what would
    lift it."""
    notices = []
    if summary.over_budget_usd:
        notices.append((gettext(
            "The list costs $%(over)s more than your budget because of programs added or kept "
            "by hand.") if owner else gettext(
            "The list costs $%(over)s more than the client's budget because of programs added "
            "or kept by hand.")) % {"over": intcomma(summary.over_budget_usd)})
    if summary.budget_limited:
        notices.append(budget_note_text(summary.budget_note_code, owner=owner))
    elif summary.size < summary.target:
        limits = []
        if short and short.removed:
            limits.append(ngettext(
                "%(n)s program removed by hand: rebuild the list to fill its place with the "
                "next candidate, or put it back",
                "%(n)s programs removed by hand: rebuild the list to fill their places with "
                "the next candidates, or put them back", short.removed) % {"n": short.removed})
        if short and short.eligible is not None and short.eligible < summary.target:
            limits.append(ngettext(
                "only %(n)s program in the specialties and states chosen can go on the list",
                "only %(n)s programs in the specialties and states chosen can go on the list",
                short.eligible) % {"n": intcomma(short.eligible)}
                + (ngettext(" (%(few)s more has under 5%% IMGs and is left out)",
                            " (%(few)s more have under 5%% IMGs and are left out)",
                            short.few_imgs) % {"few": short.few_imgs} if short.few_imgs else "")
                + gettext(": add states or a specialty"))
        if not limits:
            limits.append(gettext("programs changed by hand since the list was built: rebuild "
                                  "it"))
        notices.append(gettext("Fewer than the target of %(target)s: %(limits)s.") % {
            "target": summary.target, "limits": "; ".join(limits)})
    return notices
