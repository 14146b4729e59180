"""The advisor's dashboard: every client with tier counts, progress and flags to act on, read
from the stored lists in a fixed number of queries."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Count, Exists, F, Max, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext, ngettext

from advising.flags import flag_counts, list_flags
from applicants.access import active_links
from applicants.models import Profile, User, VisaNeed
from programs.models import Strictness
from tiering import budget
from tiering.lists import catalog_changed_at, list_is_stale
from tiering.models import EntryEvent, ListEntry, Status, Tier
from tiering.scored import season_year

# ---------------------------------------------------------------------------------------------
# The advisor's dashboard
# ---------------------------------------------------------------------------------------------

APPLIED_STATUSES = (Status.APPLIED, Status.INTERVIEW_INVITED, Status.INTERVIEWED, Status.RANKED)
INTERVIEW_STATUSES = (Status.INTERVIEW_INVITED, Status.INTERVIEWED, Status.RANKED)


@dataclass(frozen=True, slots=True, kw_only=True)
class ClientSummary:
    profile: Profile
    counts: dict[int, int]  # shown tier -> programs in scope and not excluded
    applied: int
    interviews: int
    last_update: datetime
    list_computed_at: datetime | None
    list_stale: bool
    profile_complete: bool
    flags: tuple[str, ...]
    size: int  # programs on the list
    target: int  # the size the guidance suggested when the list was built (0: not built)
    cost_usd: int  # the season's cost of the list (ERAS fee steps and fixed costs)

    @property
    def email(self) -> str:
        return self.profile.user.email

    @property
    def tier_1(self) -> int:
        return self.counts[Tier.TIER_1]


def clients_of(advisor: User) -> QuerySet[Profile]:
    """Profiles of the applicants who linked this advisor and have not revoked the link."""
    return Profile.objects.filter(
        pk__in=active_links().filter(advisor=advisor).values("profile_id")
    )


def client_summaries(advisor: User) -> list[ClientSummary]:
    """Every client of the advisor, with what the dashboard shows, in three queries whatever
    the number of clients. Stored lists are read, not recomputed: recomputing fifty lists would
    take seconds, so a stale list is marked and recomputes when it is opened."""
    clients = list(
        clients_of(advisor)
        .select_related("user", "program_list")
        .prefetch_related("target_specialties")
        .annotate(
            last_event_at=Subquery(
                EntryEvent.objects.filter(entry__profile=OuterRef("pk"))
                .order_by("-created_at").values("created_at")[:1]
            ),
            has_specialties=Exists(
                Profile.target_specialties.through.objects.filter(profile_id=OuterRef("pk"))
            ),
        )
        .order_by("user__email")
    )
    rows = _entry_counts(advisor)
    catalog_time = catalog_changed_at()
    return [_summary(profile, rows.get(profile.pk, []), catalog_time) for profile in clients]


def _entry_counts(advisor: User) -> dict[int, list[dict]]:
    """One grouped query over the entries of all the advisor's clients: per client, specialty
    and shown tier, the counts behind the tier columns, the progress and the list-based flags.
    Progress counts every entry, in scope or not: an application sent before the client dropped
    a specialty was still sent."""
    year = season_year()
    listed = Q(in_scope=True, excluded=False)
    # Scoring's rule: years since graduation > limit (graduation_year + limit < this year).
    past_limit = Q(
        program__max_years_since_graduation_strictness=Strictness.STRICT,
        program__max_years_since_graduation__isnull=False,
        profile__graduation_year__lt=Value(year) - F("program__max_years_since_graduation"),
    )
    rows = (
        ListEntry.objects.filter(
            profile__in=active_links().filter(advisor=advisor).values("profile_id")
        )
        .annotate(shown_tier=Coalesce("override_tier", "computed_tier"))
        .values("profile_id", "program__specialty__code", "program__specialty__name",
                "shown_tier")
        .annotate(
            listed=Count("pk", filter=listed),
            in_scope_n=Count("pk", filter=Q(in_scope=True)),
            applied=Count("pk", filter=Q(status__in=APPLIED_STATUSES)),
            interviews=Count("pk", filter=Q(status__in=INTERVIEW_STATUSES)),
            **flag_counts(listed, year),
            # Only where the client still plans to apply: a program the scoring already put
            # in "Not eligible" for this limit needs no action.
            past_limit=Count(
                "pk", filter=listed & Q(shown_tier__lt=Tier.NOT_ELIGIBLE) & past_limit
            ),
            to_review=Count(
                "pk",
                filter=listed & Q(override_tier__isnull=False,
                                  override_computed_tier__isnull=False)
                & ~Q(override_computed_tier=F("computed_tier")),
            ),
            last_tracking=Max("tracking_updated_at"),
        )
        .order_by()
    )
    by_client: dict[int, list[dict]] = defaultdict(list)
    for row in rows:
        by_client[row["profile_id"]].append(row)
    return by_client


def _summary(profile: Profile, rows: list[dict], catalog_time: datetime | None,
             ) -> ClientSummary:
    counts = {tier.value: 0 for tier in Tier}
    listed: dict[str, int] = {}
    for row in rows:
        code = row["program__specialty__code"]
        counts[row["shown_tier"]] += row["listed"]
        listed[code] = listed.get(code, 0) + row["listed"]
    complete = profile.graduation_year is not None and profile.has_specialties

    flags: list[str] = []
    if not complete:
        flags.append(gettext("Profile incomplete: no list yet"))
    flags += list_flags(profile, rows)  # visa answers, Tier 1 gaps, signals
    short = _budget_shortfall(profile, listed)
    if short:
        flags.append(short)
    if profile.visa_need == VisaNeed.H1B and not profile.step3_passed:
        flags.append(gettext("Needs an H-1B but has not passed Step 3"))
    past_limit = sum(row["past_limit"] for row in rows)
    if past_limit:
        flags.append(ngettext(
            "%(n)s program in Tiers 1-3 past a required graduation-year limit",
            "%(n)s programs in Tiers 1-3 past a required graduation-year limit",
            past_limit) % {"n": past_limit})
    to_review = sum(row["to_review"] for row in rows)
    if to_review:
        flags.append(ngettext("%(n)s tier change to review: the computed tier moved",
                              "%(n)s tier changes to review: the computed tier moved",
                              to_review) % {"n": to_review})

    updates = [profile.updated_at, profile.last_event_at,
               *(row["last_tracking"] for row in rows)]
    return ClientSummary(
        profile=profile,
        counts=counts,
        applied=sum(row["applied"] for row in rows),
        interviews=sum(row["interviews"] for row in rows),
        last_update=max(moment for moment in updates if moment is not None),
        list_computed_at=_built_at(profile),
        list_stale=complete and list_is_stale(profile, catalog_time=catalog_time),
        profile_complete=complete,
        flags=tuple(flags),
        size=sum(listed.values()),
        target=_target(profile),
        cost_usd=budget.season_cost(listed).total_usd,
    )


def _target(profile: Profile) -> int:
    try:
        return profile.program_list.target
    except ObjectDoesNotExist:
        return 0


def _built_at(profile: Profile) -> datetime | None:
    try:
        return profile.program_list.built_at
    except ObjectDoesNotExist:
        return None


def _budget_shortfall(profile: Profile, listed: dict[str, int]) -> str:
    """The flag text when the budget, not the candidates, set the list's size, or when
    programs added by hand took the list over the budget; else ""."""
    if profile.budget_usd is None:
        return ""
    size = sum(listed.values())
    cost = budget.season_cost(listed).total_usd
    if cost > profile.budget_usd:
        return gettext("The list costs $%(cost)s, $%(over)s over the budget of $%(budget)s") % {
            "cost": f"{cost:,}", "over": f"{cost - profile.budget_usd:,}",
            "budget": f"{profile.budget_usd:,}"}
    try:
        the_list = profile.program_list
    except ObjectDoesNotExist:
        return ""
    if the_list.budget_limited:
        return gettext("Budget $%(budget)s buys %(size)s of the %(target)s programs the "
                       "guidance suggests") % {"budget": f"{profile.budget_usd:,}", "size": size,
                                               "target": the_list.target}
    return ""


# Dashboard sort keys and the direction of a first click: names A-Z, the latest update first,
# the fewest Tier 1 programs first (the clients who need a wider list), the most flags first.
CLIENT_SORTS: dict[str, tuple[Callable[[ClientSummary], Any], bool]] = {
    "client": (lambda s: s.email, False),
    "updated": (lambda s: s.last_update, True),
    "tier1": (lambda s: s.tier_1, False),
    "flags": (lambda s: len(s.flags), True),
}
DEFAULT_CLIENT_SORT = "-flags"


def sort_clients(summaries: Sequence[ClientSummary], sort: str) -> tuple[list[ClientSummary], str]:
    """The clients in the requested order (ties by email) and the sort actually used."""
    key = sort.removeprefix("-")
    if key not in CLIENT_SORTS:
        sort, key = DEFAULT_CLIENT_SORT, DEFAULT_CLIENT_SORT.removeprefix("-")
    by_email = sorted(summaries, key=lambda s: s.email)
    return sorted(by_email, key=CLIENT_SORTS[key][0], reverse=sort.startswith("-")), sort


def sort_links(current: str) -> dict[str, dict[str, str]]:
    links = {}
    for key, (_sort_key, descending_first) in CLIENT_SORTS.items():
        first = f"-{key}" if descending_first else key
        if current.removeprefix("-") == key:
            target = key if current.startswith("-") else f"-{key}"
            order = "descending" if current.startswith("-") else "ascending"
        else:
            target, order = first, "none"
        links[key] = {"sort": target, "aria": order}
    return links
