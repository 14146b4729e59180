"""ERAS program signals: the season's allowance per specialty, the proposal of which programs on
the list to signal (each with its reason), the applicant's or advisor's choice, and the limit
that refuses more signals than the season allows, wherever signals are set (this page, the
tracker's form, the uploaded workbook).

Whether a program is signalled is ``ListEntry.signal``, so the workbook's Signal column follows
the plan; gold signals are marked by ``strategy.models.GoldSignal``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from applicants.models import Profile, User
from strategy.models import GoldSignal
from strategy.season import (
    PARTICIPATION_DEFAULT,
    PARTICIPATION_NOT_STATED,
    SignalAllowance,
    allowance_for,
)
from tiering.models import ApplicantList, EntryEvent, ListEntry, Tier
from tiering.scope import with_programs
from tiering.scoring import CONFIDENCE_HIGH
from tiering.scoring.divisions import DIVISION_NAMES, division_of

GOLD, SILVER, SIGNAL = "gold", "silver", "signal"
KIND_NAMES = {GOLD: "Gold", SILVER: "Silver", SIGNAL: "Signal"}

# Judgement: a Tier 1 program scoring this much, with high confidence in the facts, is one
# that should interview the applicant without a signal; a signal is better spent elsewhere.
# Tier 1 starts at 65 (FACTS §8C); 80 is halfway from there to the top of the scale's usual
# range for IMG-friendly programs.
INTERVIEW_ANYWAY_SCORE = 80


class SignalLimitError(ValueError):
    """More signals than the season allows; the message names the number allowed."""


@dataclass
class SignalRow:
    entry: ListEntry
    kind: str  # what is planned now: "gold" | "silver" | "signal" | ""
    proposed: str  # what the proposal says: the same values
    reason: str  # why it is proposed, or why not
    participation: str  # what we know about the program's taking part in signalling
    can_signal: bool  # False when the program cannot receive a signal (not in ERAS)

    @property
    def program(self):  # noqa: ANN201 (a Program)
        return self.entry.program


@dataclass
class SpecialtySignals:
    code: str
    name: str
    allowance: SignalAllowance | None
    rows: list[SignalRow] = field(default_factory=list)

    @property
    def planned(self) -> int:
        return sum(1 for row in self.rows if row.kind)

    @property
    def planned_gold(self) -> int:
        return sum(1 for row in self.rows if row.kind == GOLD)

    @property
    def proposed(self) -> list[SignalRow]:
        return [row for row in self.rows if row.proposed]

    @property
    def differs(self) -> bool:
        return any(row.kind != row.proposed for row in self.rows)

    @property
    def shown(self) -> list[SignalRow]:
        """The rows the page shows open: proposed or planned."""
        return [row for row in self.rows if row.proposed or row.kind]

    @property
    def rest(self) -> list[SignalRow]:
        """The other programs of the list, folded under a count."""
        return [row for row in self.rows if not (row.proposed or row.kind)]

    @property
    def common_participation(self) -> str:
        """What we know about taking part that most programs share: said once, above them;
        a row says only what differs."""
        said = Counter(row.participation for row in self.rows).most_common(1)
        return said[0][0] if said and said[0][1] >= 2 else ""

    @property
    def unused(self) -> int:
        """Signals the season allows that the proposal leaves unused."""
        if self.allowance is None:
            return 0
        return max(0, self.allowance.total - len(self.proposed))

    @property
    def unused_reason(self) -> str:
        """Why some of the season's signals are not proposed; "" when all are."""
        if not self.unused:
            return ""
        return ngettext(
            "%(n)s of the %(total)s signals is not proposed: no other program of the list in "
            "%(specialty)s can use it (not eligible, not in ERAS, or a reach program outside "
            "the border region and the chosen divisions). Add programs to the list to use it.",
            "%(n)s of the %(total)s signals are not proposed: no other program of the list in "
            "%(specialty)s can use them (not eligible, not in ERAS, or a reach program outside "
            "the border region and the chosen divisions). Add programs to the list to use them.",
            self.unused) % {"n": self.unused, "total": self.allowance.total,
                            "specialty": self.name}


def participation_of(entry: ListEntry) -> tuple[bool, str]:
    """(can it receive a signal, what we know). Only participating programs can (F3.7); the
    catalog records no participation in signalling, so only what is on file is said."""
    program = entry.program
    if program.participates_in_eras == "no":
        return False, _("Does not take part in ERAS (catalog), so it cannot receive a signal.")
    default = PARTICIPATION_DEFAULT.get(program.acgme_id[:3])
    return True, str(default or PARTICIPATION_NOT_STATED)


def _fit(entry: ListEntry, divisions: set[str]) -> list[str]:
    """What makes the program a fit beyond its tier, in words."""
    program = entry.program
    fit = []
    if program.in_border_region:
        fit.append(_("in the US-Mexico border region, whose programs state border health and "
                     "Spanish-speaking care as their mission"))
    division = division_of(program.state)
    if division in divisions:
        fit.append(_("in %(division)s, a division you name in your geographic preferences")
                   % {"division": DIVISION_NAMES[division]})
    return fit


def why_not(entry: ListEntry) -> str:
    """Why the proposal leaves a program out; "" when it may be proposed."""
    if entry.tier == Tier.NOT_ELIGIBLE:
        return _("Not eligible: a signal cannot open a program that screens you out.")
    if entry.tier == Tier.TIER_3:
        return _("Tier 3 (reach): a signal is better spent where you are realistic.")
    if (entry.tier == Tier.TIER_1 and entry.score >= INTERVIEW_ANYWAY_SCORE
            and entry.confidence >= CONFIDENCE_HIGH):
        return _("Tier 1, score %(score).0f with high confidence: likely to interview you "
                 "without a signal.") % {"score": entry.score}
    return ""


def propose(entries: Iterable[ListEntry], allowance: SignalAllowance | None,
            divisions: Iterable[str] = ()) -> dict[int, tuple[str, str]]:
    """The proposal for one specialty's entries: entry id -> (kind, reason).

    Realistic programs first (Tier 1 and 2), not those likely to interview the applicant
    anyway, and only programs that can receive a signal; the best fits first (border region, a
    chosen division), then the highest scores. Gold signals go to the first ones. When the
    realistic programs leave signals unused, the rest go where a signal can still help rather
    than to nobody (judgement): Tier 1 programs likely to interview anyway, then reach programs
    that fit the mission (border region, a chosen division). What is still unused is explained
    (``SpecialtySignals.unused_reason``)."""
    if allowance is None or not allowance.total:
        return {}
    chosen = set(divisions)
    can = [e for e in entries if e.tier != Tier.NOT_ELIGIBLE and participation_of(e)[0]]

    def best_fit_first(e: ListEntry) -> tuple:
        return (-len(_fit(e, chosen)), -e.score, e.program.name)

    realistic = sorted((e for e in can if not why_not(e)), key=best_fit_first)
    anyway = sorted((e for e in can if e.tier == Tier.TIER_1 and why_not(e)), key=best_fit_first)
    reach = sorted((e for e in can if e.tier == Tier.TIER_3 and _fit(e, chosen)),
                   key=best_fit_first)
    pool = [*((e, "realistic") for e in realistic), *((e, "anyway") for e in anyway),
            *((e, "reach") for e in reach)]
    proposal: dict[int, tuple[str, str]] = {}
    for place, (entry, why) in enumerate(pool[:allowance.total]):
        if allowance.tiered:
            kind = GOLD if place < allowance.gold else SILVER
        else:
            kind = SIGNAL
        tier = Tier(entry.tier).label
        if why == "realistic":
            reason = _("%(tier)s, score %(score).0f: realistic for you") % {
                "tier": tier, "score": entry.score}
        elif why == "anyway":
            reason = _("%(tier)s, score %(score).0f: likely to interview you anyway, but no "
                       "other realistic program on the list is left to signal, and an unused "
                       "signal helps nobody") % {"tier": tier, "score": entry.score}
        else:
            reason = _("%(tier)s, score %(score).0f: a reach program that fits your mission; "
                       "a signal shows interest where your scores alone may not bring an "
                       "interview") % {"tier": tier, "score": entry.score}
        fit = _fit(entry, chosen)
        if fit:
            reason += "; " + "; ".join(fit)
        if kind == GOLD:
            reason += "; " + _("among your strongest fits, so a gold signal")
        proposal[entry.pk] = (kind, reason + ".")
    return proposal


# ---------------------------------------------------------------------------------------------
# Limits
# ---------------------------------------------------------------------------------------------


def limit_problems(planned: Iterable[tuple[str, str]]) -> list[str]:
    """Messages for every specialty where the planned signals exceed the season's allowance.

    ``planned``: one (specialty code, kind) per signalled program; a signal without a kind in
    a two-kind specialty counts as silver."""
    totals: Counter[str] = Counter()
    golds: Counter[str] = Counter()
    for code, kind in planned:
        totals[code] += 1
        golds[code] += kind == GOLD
    problems = []
    for code, total in sorted(totals.items()):
        allowance = allowance_for(code)
        if allowance is None:
            continue  # the number is not on file: nothing to refuse with
        if total > allowance.total:
            values = {"specialty": allowance.specialty, "allowed": allowance.total,
                      "season": allowance.season, "gold": allowance.gold,
                      "silver": allowance.silver, "total": total,
                      "remove": total - allowance.total}
            problems.append((
                _("%(specialty)s allows %(allowed)s signals in the %(season)s (%(gold)s gold, "
                  "%(silver)s silver); this would make %(total)s. Remove %(remove)s.")
                if allowance.tiered else
                _("%(specialty)s allows %(allowed)s signals in the %(season)s; this would make "
                  "%(total)s. Remove %(remove)s.")) % values)
        elif allowance.tiered and golds[code] > allowance.gold:
            problems.append(
                _("%(specialty)s allows %(gold)s gold signals in the %(season)s; this would "
                  "make %(total)s.") % {"specialty": allowance.specialty, "gold": allowance.gold,
                                        "season": allowance.season, "total": golds[code]})
    return problems


def problems_after(profile: Profile, changes: Mapping[int, bool]) -> list[str]:
    """The limit problems of the profile's list once ``changes`` (entry id -> signal) are
    made; used by the tracker's form and upload."""
    rows = ListEntry.objects.filter(profile=profile).values_list(
        "pk", "signal", "program__acgme_id", "gold_signal")
    planned = []
    for pk, signal, acgme_id, gold in rows:
        if changes.get(pk, signal):
            planned.append((acgme_id[:3], GOLD if gold else SILVER))
    return limit_problems(planned)


# ---------------------------------------------------------------------------------------------
# The plan and its changes
# ---------------------------------------------------------------------------------------------


def signal_plan(profile: Profile, entries: list[ListEntry] | None = None,
                ) -> list[SpecialtySignals]:
    """Per specialty on the list: the allowance, every program with what is planned, what is
    proposed and why."""
    if entries is None:
        entries = with_programs(ListEntry.objects.on_list().filter(profile=profile))
    gold = set(GoldSignal.objects.filter(entry__profile=profile).values_list("entry_id",
                                                                             flat=True))
    divisions = profile.geographic_divisions or []
    by_code: dict[str, list[ListEntry]] = {}
    for entry in entries:
        by_code.setdefault(entry.program.acgme_id[:3], []).append(entry)
    plan = []
    for code, group in sorted(by_code.items(), key=lambda item: item[1][0].program.specialty.name):
        allowance = allowance_for(code)
        proposal = propose(group, allowance, divisions)
        section = SpecialtySignals(code=code, name=group[0].program.specialty.name,
                                   allowance=allowance)
        for entry in sorted(group, key=lambda e: (e.tier, -e.score, e.program.name)):
            kind = ""
            if entry.signal:
                kind = (GOLD if entry.pk in gold else SILVER) if allowance and allowance.tiered \
                    else SIGNAL
            can, participation = participation_of(entry)
            proposed, reason = proposal.get(entry.pk, ("", ""))
            if not proposed:
                reason = why_not(entry) or (
                    participation if not can else
                    _("Realistic, but other programs fit you better for the signals you have.")
                    if allowance else "")
            section.rows.append(SignalRow(entry=entry, kind=kind, proposed=proposed,
                                          reason=reason, participation=participation,
                                          can_signal=can))
        plan.append(section)
    return plan


def signals_save(profile: Profile, choice: Mapping[int, str], *, actor: User,
                 reasons: Mapping[int, str] | None = None) -> int:
    """Set the signals of the profile's list to ``choice`` (entry id -> kind, "" for none) for
    the entries it names. Refuses (SignalLimitError, nothing written) more signals than the
    season allows, or a signal to a program that cannot receive one. Returns the number of
    programs whose signal changed."""
    reasons = reasons or {}
    with transaction.atomic():
        Profile.objects.select_for_update().filter(pk=profile.pk).first()
        entries = {e.pk: e for e in ListEntry.objects.for_list().filter(profile=profile)}
        gold = {g.entry_id: g for g in GoldSignal.objects.filter(entry__profile=profile)}
        planned = []
        for pk, entry in entries.items():
            kind = choice.get(pk, (GOLD if pk in gold else SILVER) if entry.signal else "")
            if kind and pk in choice and not participation_of(entry)[0]:
                raise SignalLimitError(f"{entry.program.name} does not take part in ERAS, so "
                                       "it cannot receive a signal.")
            if kind:
                planned.append((entry.program.acgme_id[:3], kind))
        problems = limit_problems(planned)
        if problems:
            raise SignalLimitError(" ".join(problems))
        now = timezone.now()
        changed, events = [], []
        for pk, kind in choice.items():
            entry = entries.get(pk)
            if entry is None:
                continue
            was = (GOLD if pk in gold else SILVER) if entry.signal else ""
            allowance = allowance_for(entry.program.acgme_id[:3])
            if kind and not (allowance and allowance.tiered):
                kind, was = SIGNAL, SIGNAL if entry.signal else ""
            if kind == was:
                continue
            if kind == GOLD:
                GoldSignal.objects.update_or_create(entry=entry,
                                                    defaults={"reason": reasons.get(pk, "")})
            elif pk in gold:
                gold[pk].delete()
            if entry.signal != bool(kind):
                entry.signal = bool(kind)
                entry.tracking_updated_at = now
                changed.append(entry)
            events.append(EntryEvent(entry=entry, actor=actor, kind=EntryEvent.Kind.TRACKING,
                                     text="Signal", before=KIND_NAMES.get(was, "No"),
                                     after=KIND_NAMES.get(kind, "No")))
        if changed:
            ListEntry.objects.bulk_update(changed, ["signal", "tracking_updated_at"])
        EntryEvent.objects.bulk_create(events)
        if events and not changed:  # a gold/silver change alone: the stamp still moves
            ListEntry.objects.filter(pk__in=[e.entry_id for e in events]).update(
                tracking_updated_at=now)
        if events:  # the list page shows the signals: its cached copy is no longer current
            ApplicantList.touch([profile.pk])
        return len(events)


def signals_use_proposal(profile: Profile, *, actor: User) -> int:
    """Replace the signals on the list by the proposal."""
    choice: dict[int, str] = {}
    reasons: dict[int, str] = {}
    for section in signal_plan(profile):
        for row in section.rows:
            choice[row.entry.pk] = row.proposed
            if row.proposed:
                reasons[row.entry.pk] = row.reason
    return signals_save(profile, choice, actor=actor, reasons=reasons)
