"""Confirming an e-mail address at sign-up, without telling anyone which addresses have an
account: every sign-up gets the same answer, and the e-mail goes to the address either way (a
link for a new account; a note for the owner of an existing one)."""

from __future__ import annotations

from django.core import signing
from django.core.mail import send_mail
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from applicants.models import User

SALT = "applicants.confirm-email"
LINK_DAYS = 3  # long enough for a slow inbox, short enough that an old e-mail is useless


def confirmation_token(user: User) -> str:
    # The e-mail is part of the token: a link stops working if the address changes.
    return signing.dumps({"user": user.pk, "email": user.email}, salt=SALT)


def user_of_token(token: str) -> User | None:
    try:
        data = signing.loads(token, salt=SALT, max_age=LINK_DAYS * 24 * 3600)
    except signing.BadSignature:  # also raised for an expired link
        return None
    return User.objects.filter(pk=data.get("user"), email=data.get("email")).first()


def email_confirm(user: User) -> None:
    """The address is confirmed: the account opens."""
    user.is_active = True
    user.email_confirmed_at = timezone.now()
    user.save(update_fields=["is_active", "email_confirmed_at"])


def send_confirmation(request: HttpRequest, user: User) -> None:
    link = request.build_absolute_uri(
        reverse("confirm_email", kwargs={"token": confirmation_token(user)}))
    send_mail(
        gettext("Confirm your e-mail address for Residency Planner"),
        render_to_string("registration/confirm_email.txt",
                         {"email": user.email, "link": link, "days": LINK_DAYS,
                          "user_is_advisor": user.role == User.Role.ADVISOR}),
        None, [user.email],
    )


def send_already_registered(request: HttpRequest, user: User) -> None:
    send_mail(
        gettext("Someone tried to sign up to Residency Planner with your address"),
        render_to_string("registration/already_registered.txt", {
            "email": user.email,
            "login": request.build_absolute_uri(reverse("login")),
            "reset": request.build_absolute_uri(reverse("password_reset")),
        }),
        None, [user.email],
    )
