"""Advisors and their clients: codes, links, the advisor's corrections and the dashboard.

Writes that span models are the ``<noun>_<verb>`` services below. Each correction of a list
entry also writes an ``EntryEvent``, so that who changed what, when and why can be read back.
A refused action raises ``AdvisingError`` with a message meant for the person who asked.
"""

from __future__ import annotations

import secrets
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ObjectDoesNotExist
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, F, Max, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from advising.flags import flag_counts, list_flags
from advising.models import AdvisorInvitation, AdvisorNote
from applicants.access import active_links
from applicants.models import AdvisorLink, Profile, User, VisaNeed
from programs.models import Strictness
from tiering import budget
from tiering.lists import catalog_changed_at, list_is_stale
from tiering.models import EntryEvent, ListEntry, Status, Tier
from tiering.scored import season_year

# 16 random bytes: 128 bits, far beyond guessing, and 22 URL-safe characters that fit the
# 32-character column and survive being pasted into an email.
CODE_BYTES = 16

INVALID_CODE = "This code is not valid or was already used. Ask for a new one."
# Linking by email is immediate and opens the applicant's scores and visa status to the advisor,
# so the applicant must know whether it happened: a vague "if an advisor has this email..."
# would leave them guessing. The message says only that no *advisor* uses the email, the same
# whether the address is unknown or belongs to an applicant, so applicants' accounts stay
# hidden; advisors give their email to clients to be found, so confirming one exists is the point.
NO_ADVISOR_WITH_EMAIL = (
    "No advisor account uses this email. Check the address with your advisor, or ask them for a "
    "code instead."
)
# A link opens an applicant's scores and visa status to the advisor, so both ends of it must be
# addresses their owners have proved they read: an advisor who signed up with a mistyped or
# borrowed address cannot be found by it, nor take clients by code, until the address confirms.
ADVISOR_NOT_CONFIRMED = (
    "This advisor has not confirmed their e-mail address yet. Ask them to open the link we sent "
    "them, then try again."
)
APPLICANT_NOT_CONFIRMED = "Confirm your own e-mail address first: open the link we sent you."


class AdvisingError(Exception):
    """An action refused for a reason the user can act on; the message says which."""


# ---------------------------------------------------------------------------------------------
# Codes and links
# ---------------------------------------------------------------------------------------------


def invitation_new_code() -> str:
    return secrets.token_urlsafe(CODE_BYTES)


def invitation_issue(kind: str, *, by: User) -> AdvisorInvitation:
    """A one-use code: staff issue advisor sign-up codes, advisors issue client-link codes."""
    if kind == AdvisorInvitation.Kind.CLIENT_LINK and by.role != User.Role.ADVISOR:
        raise AdvisingError("Only advisors issue codes for their clients.")
    if kind == AdvisorInvitation.Kind.ADVISOR_SIGNUP and not by.is_staff:
        raise AdvisingError("Only staff issue advisor sign-up codes.")
    return AdvisorInvitation.objects.create(code=invitation_new_code(), kind=kind, created_by=by)


def _invitation_claim(code: str, kind: str, user: User | None) -> bool:
    """Mark an unused code used. A conditional UPDATE, so two people racing for one code
    cannot both win, on SQLite as on PostgreSQL."""
    claimed = AdvisorInvitation.objects.filter(
        code=code, kind=kind, used_at__isnull=True
    ).update(used_by=user, used_at=timezone.now())
    return claimed == 1


def advisor_register(*, email: str, password: str, code: str) -> User:
    """Create an advisor account with a staff-issued sign-up code; the code works once.

    The account opens at once (staff vouched for the person with the code) but its address is
    unconfirmed: clients can link it only after the advisor opens the e-mailed link."""
    code = code.strip()
    with transaction.atomic():
        if not _invitation_claim(code, AdvisorInvitation.Kind.ADVISOR_SIGNUP, None):
            raise AdvisingError(INVALID_CODE)
        user = User.objects.create_user(email=email, password=password, role=User.Role.ADVISOR)
        AdvisorInvitation.objects.filter(code=code).update(used_by=user)
    return user


def _link(profile: Profile, advisor: User) -> AdvisorLink:
    if advisor.pk == profile.user_id:
        raise AdvisingError("You cannot be your own advisor.")
    if advisor.email_confirmed_at is None:
        raise AdvisingError(ADVISOR_NOT_CONFIRMED)
    if profile.user.email_confirmed_at is None:
        raise AdvisingError(APPLICANT_NOT_CONFIRMED)
    if active_links().filter(profile=profile, advisor=advisor).exists():
        raise AdvisingError(f"{advisor.email} is already your advisor.")
    try:
        with transaction.atomic():
            return AdvisorLink.objects.create(profile=profile, advisor=advisor)
    except IntegrityError:  # the same link made a moment ago, in another request
        raise AdvisingError(f"{advisor.email} is already your advisor.") from None


def link_create_by_email(profile: Profile, email: str) -> AdvisorLink:
    """Link the advisor with this email to the applicant's profile, at once."""
    advisor = User.objects.filter(
        email__iexact=email.strip(), role=User.Role.ADVISOR, is_active=True
    ).first()
    if advisor is None:
        raise AdvisingError(NO_ADVISOR_WITH_EMAIL)
    return _link(profile, advisor)


def link_accept_code(profile: Profile, code: str) -> AdvisorLink:
    """Link the advisor who issued this client-link code; the code works once."""
    code = code.strip()
    invitation = (
        AdvisorInvitation.objects.select_related("created_by")
        .filter(code=code, kind=AdvisorInvitation.Kind.CLIENT_LINK, used_at__isnull=True)
        .first()
    )
    advisor = invitation.created_by if invitation else None
    if advisor is None or advisor.role != User.Role.ADVISOR or not advisor.is_active:
        raise AdvisingError(INVALID_CODE)
    with transaction.atomic():
        link = _link(profile, advisor)  # refuses before the code is spent
        if not _invitation_claim(code, AdvisorInvitation.Kind.CLIENT_LINK, profile.user):
            raise AdvisingError(INVALID_CODE)
    return link


def link_revoke(link: AdvisorLink, *, by: User) -> AdvisorLink:
    """End a link; the advisor's next request is refused. Only the applicant revokes."""
    if link.profile.user_id != by.pk:
        raise AdvisingError("Only the applicant can remove their advisor.")
    if link.revoked_at is None:
        link.revoked_at = timezone.now()
        link.save(update_fields=["revoked_at"])
    return link


# ---------------------------------------------------------------------------------------------
# The advisor's corrections
# ---------------------------------------------------------------------------------------------


def _label(tier: int | None) -> str:
    return Tier(tier).label if tier else ""


def _required(text: str, message: str) -> str:
    text = text.strip()
    if not text:
        raise AdvisingError(message)
    return text


def entry_override_tier(entry: ListEntry, *, tier: int, reason: str, by: User) -> ListEntry:
    """Put a program in another tier, with the reason the applicant will read.

    The computed tier at this moment is kept, so that a later recomputation that moves it can
    be pointed out next to the advisor's decision.
    """
    reason = _required(reason, "Give the reason for the new tier: your client reads it.")
    tier = Tier(tier)
    before = entry.tier
    with transaction.atomic():
        entry.override_tier = tier
        entry.override_reason = reason
        entry.override_by = by
        entry.override_at = timezone.now()
        entry.override_computed_tier = entry.computed_tier
        entry.save(update_fields=["override_tier", "override_reason", "override_by",
                                  "override_at", "override_computed_tier"])
        EntryEvent.objects.create(entry=entry, actor=by, kind=EntryEvent.Kind.OVERRIDE,
                                  before=_label(before), after=_label(tier), text=reason)
    return entry


def entry_clear_override(entry: ListEntry, *, by: User) -> ListEntry:
    """Give the program back its computed tier."""
    if entry.override_tier is None:
        raise AdvisingError("This program has no tier change to remove.")
    before = entry.override_tier
    with transaction.atomic():
        entry.override_tier = None
        entry.override_reason = ""
        entry.override_by = None
        entry.override_at = None
        entry.override_computed_tier = None
        entry.save(update_fields=["override_tier", "override_reason", "override_by",
                                  "override_at", "override_computed_tier"])
        EntryEvent.objects.create(entry=entry, actor=by, kind=EntryEvent.Kind.CLEAR_OVERRIDE,
                                  before=_label(before), after=_label(entry.computed_tier))
    return entry


def entry_exclude(entry: ListEntry, *, reason: str, by: User) -> ListEntry:
    """Take a program off the list the applicant works from; it stays visible, folded."""
    reason = _required(reason, "Give the reason for excluding the program: your client reads it.")
    if entry.excluded:
        raise AdvisingError("This program is already excluded.")
    with transaction.atomic():
        entry.excluded = True
        entry.excluded_reason = reason
        entry.save(update_fields=["excluded", "excluded_reason"])
        EntryEvent.objects.create(entry=entry, actor=by, kind=EntryEvent.Kind.EXCLUDE,
                                  text=reason)
    return entry


def entry_restore(entry: ListEntry, *, by: User, reason: str = "") -> ListEntry:
    if not entry.excluded:
        raise AdvisingError("This program is not excluded.")
    with transaction.atomic():
        entry.excluded = False
        entry.excluded_reason = ""
        entry.save(update_fields=["excluded", "excluded_reason"])
        EntryEvent.objects.create(entry=entry, actor=by, kind=EntryEvent.Kind.RESTORE,
                                  text=reason.strip())
    return entry


def note_add(profile: Profile, *, text: str, by: User, entry: ListEntry | None = None,
             ) -> AdvisorNote:
    """A note for the client, on one program of their list or on the list as a whole."""
    text = _required(text, "A note cannot be empty.")
    if entry is not None and entry.profile_id != profile.pk:
        raise ValueError("The entry belongs to another applicant's list.")
    with transaction.atomic():
        note = AdvisorNote.objects.create(profile=profile, entry=entry, author=by, text=text)
        if entry is not None:
            # Also in the program's history, between the tier changes it may explain.
            EntryEvent.objects.create(entry=entry, actor=by, kind=EntryEvent.Kind.NOTE, text=text)
    return note


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

