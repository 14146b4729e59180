"""Advisors and their clients: codes, links and the advisor's corrections (the dashboard's
summaries are in advising/dashboard.py).

Writes that span models are the ``<noun>_<verb>`` services below. Each correction of a list
entry also writes an ``EntryEvent``, so that who changed what, when and why can be read back,
and raises the list's revision, as the applicant's own changes do: a tracker preview or a page
made before an advisor's change is then refused, not applied over it.
A refused action raises ``AdvisingError`` with a message meant for the person who asked.
"""

from __future__ import annotations

import secrets

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from advising.dashboard import (  # noqa: F401 (the dashboard's names are imported from here)
    ClientSummary,
    client_summaries,
    clients_of,
)
from advising.models import AdvisorInvitation, AdvisorNote
from applicants.access import active_links
from applicants.models import AdvisorLink, Profile, User
from tiering.models import ApplicantList, EntryEvent, ListEntry, Tier

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


LIST_CHANGED = gettext_noop(
    "Your client's list changed since this page was loaded (a change was made in the "
    "meantime), so nothing was changed. Look at the program again and make your change once "
    "more."
)


def _bump(entry: ListEntry, revision: int | None) -> None:
    """The list changes: its revision moves (tiering.models.ApplicantList). With the revision
    the page was loaded with, refuse when another change came first: one statement, so of two
    changes made from the same page, the second is refused."""
    lists = ApplicantList.objects.filter(profile_id=entry.profile_id)
    if revision is not None:
        lists = lists.filter(revision=revision)
    if not lists.update(revision=F("revision") + 1) and revision is not None:
        raise AdvisingError(gettext(LIST_CHANGED))


def _label(tier: int | None) -> str:
    return Tier(tier).label if tier else ""


def _required(text: str, message: str) -> str:
    text = text.strip()
    if not text:
        raise AdvisingError(message)
    return text


def entry_override_tier(entry: ListEntry, *, tier: int, reason: str, by: User,
                        revision: int | None = None) -> ListEntry:
    """Put a program in another tier, with the reason the applicant will read.

    The computed tier at this moment is kept, so that a later recomputation that moves it can
    be pointed out next to the advisor's decision.
    """
    reason = _required(reason, "Give the reason for the new tier: your client reads it.")
    tier = Tier(tier)
    before = entry.tier
    with transaction.atomic():
        _bump(entry, revision)
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


def entry_clear_override(entry: ListEntry, *, by: User, revision: int | None = None,
                         ) -> ListEntry:
    """Give the program back its computed tier."""
    if entry.override_tier is None:
        raise AdvisingError("This program has no tier change to remove.")
    before = entry.override_tier
    with transaction.atomic():
        _bump(entry, revision)
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


def entry_exclude(entry: ListEntry, *, reason: str, by: User, revision: int | None = None,
                  ) -> ListEntry:
    """Take a program off the list the applicant works from; it stays visible, folded."""
    reason = _required(reason, "Give the reason for excluding the program: your client reads it.")
    if entry.excluded:
        raise AdvisingError("This program is already excluded.")
    with transaction.atomic():
        _bump(entry, revision)
        entry.excluded = True
        entry.excluded_reason = reason
        entry.save(update_fields=["excluded", "excluded_reason"])
        EntryEvent.objects.create(entry=entry, actor=by, kind=EntryEvent.Kind.EXCLUDE,
                                  text=reason)
    return entry


def entry_restore(entry: ListEntry, *, by: User, reason: str = "",
                  revision: int | None = None) -> ListEntry:
    if not entry.excluded:
        raise AdvisingError("This program is not excluded.")
    with transaction.atomic():
        _bump(entry, revision)
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
