"""Confirming an e-mail address at sign-up, without telling anyone which addresses have an
account: every sign-up gets the same answer, and the e-mail goes to the address either way (a
link for an account that waits for confirmation; a note for the owner of an open one).

A link confirms once. It carries a digest of the account's state (its password and whether
the address is confirmed): once confirmed it only sends the person to log in, and a password
change ends it (the third hardening issue: it used to sign in whoever opened it, every time,
for three days, even after a password reset).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from django.core import signing
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext

from applicants.mail import mail_send
from applicants.models import User

SALT = "applicants.confirm-email"
LINK_DAYS = 3  # long enough for a slow inbox, short enough that an old e-mail is useless


def _state(user: User) -> str:
    confirmed = user.email_confirmed_at.isoformat() if user.email_confirmed_at else ""
    return salted_hmac(SALT, f"{user.pk}|{user.password}|{confirmed}").hexdigest()[:20]


def confirmation_token(user: User) -> str:
    # The e-mail is part of the token: a link stops working if the address changes.
    return signing.dumps({"user": user.pk, "email": user.email, "state": _state(user)},
                         salt=SALT)


class LinkState(enum.Enum):
    VALID = "valid"  # confirms the address, once
    USED = "used"  # the address is already confirmed: log in
    INVALID = "invalid"  # broken, expired, or the password changed since it was sent


@dataclass(frozen=True, slots=True)
class LinkCheck:
    state: LinkState
    user: User | None = None


def link_check(token: str) -> LinkCheck:
    try:
        data = signing.loads(token, salt=SALT, max_age=LINK_DAYS * 24 * 3600)
    except signing.BadSignature:  # also raised for an expired link
        return LinkCheck(LinkState.INVALID)
    user = User.objects.filter(pk=data.get("user"), email=data.get("email")).first()
    if user is None:
        return LinkCheck(LinkState.INVALID)
    if user.email_confirmed_at is not None:
        return LinkCheck(LinkState.USED, user)
    if not constant_time_compare(str(data.get("state", "")), _state(user)):
        return LinkCheck(LinkState.INVALID)
    return LinkCheck(LinkState.VALID, user)


def email_confirm(user: User) -> bool:
    """The address is confirmed: the account opens. False when another request confirmed it
    a moment ago (the link works once)."""
    now = timezone.now()
    confirmed = User.objects.filter(pk=user.pk, email_confirmed_at__isnull=True).update(
        is_active=True, email_confirmed_at=now)
    user.is_active, user.email_confirmed_at = True, now
    return bool(confirmed)


def send_confirmation(request: HttpRequest, user: User) -> bool:
    link = request.build_absolute_uri(
        reverse("confirm_email", kwargs={"token": confirmation_token(user)}))
    return mail_send(
        request, to=user.email,
        subject=gettext("Confirm your e-mail address for Residency Planner"),
        body=render_to_string("registration/confirm_email.txt",
                              {"email": user.email, "link": link, "days": LINK_DAYS,
                               "user_is_advisor": user.role == User.Role.ADVISOR}),
    )


def send_already_registered(request: HttpRequest, user: User) -> bool:
    return mail_send(
        request, to=user.email,
        subject=gettext("Someone tried to sign up to Residency Planner with your address"),
        body=render_to_string("registration/already_registered.txt", {
            "email": user.email,
            "login": request.build_absolute_uri(reverse("login")),
            "reset": request.build_absolute_uri(reverse("password_reset")),
        }),
    )


def send_link_or_note(request: HttpRequest, user: User) -> bool:
    """What an address that already has an account gets when someone signs up with it or asks
    for the link again: the link while it waits for confirmation, else a note to its owner."""
    if user.email_confirmed_at is None:
        return send_confirmation(request, user)
    return send_already_registered(request, user)
