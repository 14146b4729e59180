"""The language of the pages: the account's saved choice, applied on every request.

Visitors get the language of the switcher's cookie, else of their browser (Accept-Language),
through Django's LocaleMiddleware. A signed-in user's saved choice (``User.language``) wins over
both, on any device, and is written back to the cookie so that the pages stay in that language
after logging out. URLs carry no language prefix: the same address serves either language.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.views.i18n import set_language as django_set_language

LANGUAGE_CODES = frozenset(code for code, _ in settings.LANGUAGES)


def saved_language(user: Any) -> str:
    """The user's saved language if it is one we serve, else ''."""
    language = getattr(user, "language", "") if getattr(user, "is_authenticated", False) else ""
    return language if language in LANGUAGE_CODES else ""


def set_language_cookie(response: HttpResponse, language: str) -> None:
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME, language,
        max_age=settings.LANGUAGE_COOKIE_AGE, path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN, secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY, samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )


class UserLanguageMiddleware:
    """After AuthenticationMiddleware: a signed-in user's saved language replaces the one
    LocaleMiddleware chose from the cookie or the browser."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = saved_language(request.user)
        if language:
            translation.activate(language)
            request.LANGUAGE_CODE = language
        response = self.get_response(request)
        # The view may have changed it (the switcher) or signed the user in or out.
        language = saved_language(request.user)
        cookie = settings.LANGUAGE_COOKIE_NAME
        if (language and request.COOKIES.get(cookie) != language
                and cookie not in response.cookies):
            set_language_cookie(response, language)
        return response


def set_language(request: HttpRequest) -> HttpResponse:
    """Django's set_language view (cookie, redirect to ``next``), which also saves the choice
    on the account of a signed-in user."""
    response = django_set_language(request)
    language = request.POST.get("language", "")
    if request.method == "POST" and language in LANGUAGE_CODES:
        user = request.user
        if user.is_authenticated and user.language != language:
            user.language = language
            user.save(update_fields=["language"])
    return response


@receiver(user_logged_in, dispatch_uid="applicants.language.adopt_chosen_language")
def adopt_chosen_language(sender: Any, request: HttpRequest | None, user: Any,
                          **kwargs: Any) -> None:
    """A visitor who chose a language with the switcher and then signs in keeps it: it becomes
    the account's choice unless the account already has one."""
    if request is None or getattr(user, "language", None) != "":
        return
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
    if chosen in LANGUAGE_CODES:
        user.language = chosen
        user.save(update_fields=["language"])
