"""What the advisor's dashboard flags on a client's list ("To act on"): the list-based checks an
experienced advisor makes before the client applies.

The counts come from the dashboard's one grouped query over all the clients' entries
(``advising.dashboard._entry_counts`` adds ``flag_counts``); the words are made here, in
Python, so no query is added per client.
"""

from __future__ import annotations

from django.db.models import Count, Q
from django.utils.translation import gettext, ngettext

from applicants.models import Profile, VisaNeed
from programs.models import TriState
from strategy.season import allowance_for
from tiering.models import Tier
from tiering.scoring import FACT_AGE_VERIFY

_VISA_NAMES = {VisaNeed.J1: "J-1", VisaNeed.H1B: "H-1B"}


def flag_counts(listed: Q, year: int) -> dict[str, Count]:
    """Annotations for the grouped query: per client, specialty and shown tier."""
    refused = (Q(profile__visa_need=VisaNeed.J1, program__j1_accepted=TriState.NO)
               | Q(profile__visa_need=VisaNeed.H1B, program__h1b_sponsored=TriState.NO)
               | (~Q(profile__visa_need=VisaNeed.NONE) & Q(program__citizens_only=TriState.YES)))
    unknown = (Q(profile__visa_need=VisaNeed.J1, program__j1_accepted=TriState.UNKNOWN)
               | Q(profile__visa_need=VisaNeed.H1B, program__h1b_sponsored=TriState.UNKNOWN))
    # A known answer on the needed visa that is 3 or more seasons old, or undated: the
    # scoring's own line for "verify" (FACT_AGE_VERIFY).
    old = year - FACT_AGE_VERIFY
    stale = (
        (Q(profile__visa_need=VisaNeed.J1) & ~Q(program__j1_accepted=TriState.UNKNOWN)
         & (Q(program__provenance__j1_accepted__year__lte=old)
            | Q(program__provenance__j1_accepted__year__isnull=True)))
        | (Q(profile__visa_need=VisaNeed.H1B) & ~Q(program__h1b_sponsored=TriState.UNKNOWN)
           & (Q(program__provenance__h1b_sponsored__year__lte=old)
              | Q(program__provenance__h1b_sponsored__year__isnull=True)))
    )
    tier_1 = Q(shown_tier=Tier.TIER_1)
    return {
        "visa_refused": Count("pk", filter=listed & refused),
        "visa_unknown": Count("pk", filter=listed & unknown),
        "visa_unknown_tier_1": Count("pk", filter=listed & tier_1 & unknown),
        "stale_tier_1": Count("pk", filter=listed & tier_1 & stale),
        "signalled": Count("pk", filter=listed & Q(signal=True)),
    }


def list_flags(profile: Profile, rows: list[dict]) -> list[str]:
    """The list-based flags of one client, most urgent first (``rows``: the grouped query's
    rows of this client)."""
    if not rows:
        return []
    flags: list[str] = []
    visa = _VISA_NAMES.get(profile.visa_need, "")
    refused = sum(row["visa_refused"] for row in rows)
    if refused:
        flags.append(ngettext(
            "%(n)s program on the list refuses the %(visa)s or takes citizens only: check it "
            "first or remove it",
            "%(n)s programs on the list refuse the %(visa)s or take citizens only: check them "
            "first or remove them", refused) % {"n": refused, "visa": visa})
    unknown = sum(row["visa_unknown"] for row in rows)
    if unknown:
        tier_1 = sum(row["visa_unknown_tier_1"] for row in rows)
        flags.append(ngettext(
            "Visa policy to verify on %(n)s program of the list (%(tier_1)s in Tier 1)",
            "Visa policy to verify on %(n)s programs of the list (%(tier_1)s in Tier 1)",
            unknown) % {"n": unknown, "tier_1": tier_1})
    stale = sum(row["stale_tier_1"] for row in rows)
    if stale:
        flags.append(ngettext(
            "%(n)s Tier 1 program's %(visa)s answer is %(age)s or more seasons old: verify it",
            "%(n)s Tier 1 programs' %(visa)s answers are %(age)s or more seasons old: verify "
            "them", stale) % {"n": stale, "visa": visa, "age": FACT_AGE_VERIFY})
    flags += _tier_1_missing(profile, rows)
    flags += _signals_missing(rows)
    return flags


def _tier_1_missing(profile: Profile, rows: list[dict]) -> list[str]:
    """A target specialty without a Tier 1 program on the list."""
    with_tier_1 = {row["program__specialty__code"] for row in rows
                   if row["shown_tier"] == Tier.TIER_1 and row["listed"]}
    return [gettext("No Tier 1 program in %(specialty)s on the list") % {"specialty": s.name}
            for s in sorted(profile.target_specialties.all(), key=lambda s: s.name)
            if s.code not in with_tier_1]


def _signals_missing(rows: list[dict]) -> list[str]:
    """Specialties on the list with signals allowed and none planned."""
    listed: dict[str, tuple[str, int, int]] = {}
    for row in rows:
        code = row["program__specialty__code"]
        name, n, signalled = listed.get(code, (row["program__specialty__name"], 0, 0))
        listed[code] = (name, n + row["listed"], signalled + row["signalled"])
    missing = []
    for code, (name, n, signalled) in sorted(listed.items(), key=lambda kv: kv[1][0]):
        allowance = allowance_for(code)
        if n and not signalled and allowance and allowance.total:
            missing.append(gettext("%(specialty)s (%(n)s allowed)")
                           % {"specialty": name, "n": allowance.total})
    if not missing:
        return []
    return [gettext("No signals planned: %(specialties)s") % {"specialties": ", ".join(missing)}]
