"""Advisor pages: the dashboard, corrections to a client's list, notes and history; the
applicant's "My advisors" page; the advisor sign-up.

A client's list, profile and program pages are the applicant's own views: ``get_applicant_for``
lets the linked advisor in. Every change here is a POST followed by a redirect and a message.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language, gettext_lazy, override
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from advising import services as advising
from advising.dashboard import DEFAULT_CLIENT_SORT, sort_clients, sort_links
from advising.forms import (
    AcceptCodeForm,
    AdvisorSignupForm,
    ExcludeForm,
    InviteAdvisorForm,
    ListChangeForm,
    NoteForm,
    OverrideForm,
    RestoreForm,
)
from advising.freshness import FIELDS, catalog_programs, freshness_table, verify_next
from advising.models import AdvisorInvitation, AdvisorNote
from advising.services import AdvisingError
from applicants.access import get_applicant_for, is_linked_advisor, is_owner
from applicants.confirmation import send_confirmation
from applicants.mail import mail_send
from applicants.models import AdvisorLink, Profile, User
from programs.verification import can_verify, is_staff_reviewer
from tiering.models import EntryEvent, ListBuild, ListEntry, Tier, builds_with_names

logger = logging.getLogger(__name__)

CLIENTS_PER_PAGE = 25
EVENTS_PER_PAGE = 50

# What the table's caption says each order is.
CLIENT_SORT_NAMES = {"client": gettext_lazy("client"), "updated": gettext_lazy("last update"),
                     "tier1": gettext_lazy("Tier 1 programs"),
                     "flags": gettext_lazy("what to act on")}


VERIFY_NEXT_SHOWN = 25  # on the staff freshness page
ADVISOR_VERIFY_NEXT_SHOWN = 10  # on an advisor's dashboard: a short to-do, not a queue


def _advisor_only(user: User) -> None:
    if user.role != User.Role.ADVISOR:
        raise PermissionDenied(_("This page is for advisors."))


def _applicant_only(user: User) -> None:
    if user.role != User.Role.APPLICANT:
        raise PermissionDenied(_("This page is for applicants."))


def _first_error(form: forms.Form) -> str:
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        return f"{label}: {errors[0]}" if label else str(errors[0])
    return _("Please check the form.")


def _act(request: HttpRequest, form: forms.Form, action: Callable[[dict], str]) -> None:
    """Run ``action`` on valid input and flash its message, or flash why not."""
    if not form.is_valid():
        messages.error(request, _first_error(form))
        return
    try:
        message = action(form.cleaned_data)
    except AdvisingError as error:
        messages.error(request, str(error))
        return
    messages.success(request, message)


def _back(request: HttpRequest, default: str) -> HttpResponseRedirect:
    """Back to the page the form was on (the list keeps its filters and row anchor)."""
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(default)


# ---------------------------------------------------------------------------------------------
# The advisor's dashboard and codes
# ---------------------------------------------------------------------------------------------


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    _advisor_only(request.user)
    summaries, sort = sort_clients(
        advising.client_summaries(request.user), request.GET.get("sort") or DEFAULT_CLIENT_SORT
    )
    page = Paginator(summaries, CLIENTS_PER_PAGE).get_page(request.GET.get("page"))
    codes = AdvisorInvitation.objects.filter(
        created_by=request.user, kind=AdvisorInvitation.Kind.CLIENT_LINK, used_at__isnull=True
    ).order_by("-created_at")
    # The clients' programs whose answers would change their lists most: worth a call.
    to_verify = [item for item in verify_next(
        ADVISOR_VERIFY_NEXT_SHOWN,
        entries=ListEntry.objects.filter(profile__in=advising.clients_of(request.user)),
    ) if any(item.impact)]
    return render(request, "advising/dashboard.html", {
        "to_verify": to_verify, "can_verify": can_verify(request.user),
        "unconfirmed": request.user.email_confirmed_at is None,
        "page": page, "total": len(summaries), "sort": sort, "sort_links": sort_links(sort),
        "sort_name": CLIENT_SORT_NAMES.get(sort.removeprefix("-"), sort),
        "query": f"sort={sort}", "codes": codes, "tiers": list(Tier),
    })


@login_required
@require_POST
def code_create(request: HttpRequest) -> HttpResponse:
    _advisor_only(request.user)
    if request.user.email_confirmed_at is None:
        # A code from an address nobody confirmed would hand clients' lists to anyone.
        messages.error(request, _("Confirm your e-mail address first: then you can issue "
                                  "client codes."))
        return redirect("advising:advisor_dashboard")
    invitation = advising.invitation_issue(AdvisorInvitation.Kind.CLIENT_LINK, by=request.user)
    messages.success(
        request,
        _("New client code: %(code)s. Give it to one client; they enter it under “My "
          "advisors” and you see their list. It works once.") % {"code": invitation.code},
    )
    return redirect("advising:advisor_dashboard")


@login_required
@require_POST
def confirmation_resend(request: HttpRequest) -> HttpResponse:
    """An advisor who lost the confirmation e-mail asks for another link."""
    _advisor_only(request.user)
    if request.user.email_confirmed_at is None:
        if send_confirmation(request, request.user):
            messages.success(request, _("We sent a new link to %(email)s.")
                             % {"email": request.user.email})
        else:
            messages.warning(request, _("Several links went to %(email)s in the last hour: "
                                        "open the newest one, or ask again later.")
                             % {"email": request.user.email})
    return redirect("advising:advisor_dashboard")


# ---------------------------------------------------------------------------------------------
# The applicant's advisors
# ---------------------------------------------------------------------------------------------


def _own_profile(request: HttpRequest) -> Profile:
    _applicant_only(request.user)
    profile, _created = Profile.objects.get_or_create(user=request.user)
    return profile


@login_required
def my_advisors(request: HttpRequest) -> HttpResponse:
    profile = _own_profile(request)
    links = list(
        AdvisorLink.objects.filter(profile=profile).select_related("advisor")
        .order_by("-created_at", "-pk")
    )
    return render(request, "advising/my_advisors.html", {
        "profile": profile,
        "active": [link for link in links if link.revoked_at is None],
        "past": [link for link in links if link.revoked_at is not None],
        "invite_form": InviteAdvisorForm(),
        "code_form": AcceptCodeForm(),
    })


def _linked_message(request: HttpRequest, link: AdvisorLink) -> str:
    # A courtesy to the advisor: the link already works, so a mail failure must not undo it.
    dashboard_url = request.build_absolute_uri(reverse("advising:advisor_dashboard"))
    # In the advisor's own language when they saved one, else the one of this page.
    with override(link.advisor.language or get_language()):
        subject = _("A new client linked you as their advisor")
        message = _("%(email)s linked you as their advisor on Residency Planner. Their list is "
                    "on your dashboard:\n%(url)s\n") % {"email": link.profile.user.email,
                                                          "url": dashboard_url}
    # Queued and counted like every e-mail (applicants/mail.py): link/revoke cycles cannot
    # flood the advisor.
    mail_send(request, to=link.advisor.email, subject=subject, body=message)
    return _("%(email)s is now your advisor: they see your profile and list, can move programs "
             "between tiers and leave notes. You can remove them here at any time.") % {
        "email": link.advisor.email}


@login_required
@require_POST
def advisor_invite(request: HttpRequest) -> HttpResponse:
    profile = _own_profile(request)
    _act(request, InviteAdvisorForm(request.POST), lambda data: _linked_message(
        request, advising.link_create_by_email(profile, data["email"])))
    return redirect("advising:my_advisors")


@login_required
@require_POST
def advisor_accept_code(request: HttpRequest) -> HttpResponse:
    profile = _own_profile(request)
    _act(request, AcceptCodeForm(request.POST), lambda data: _linked_message(
        request, advising.link_accept_code(profile, data["code"])))
    return redirect("advising:my_advisors")


@login_required
@require_POST
def advisor_revoke(request: HttpRequest, link_id: int) -> HttpResponse:
    link = get_object_or_404(
        AdvisorLink.objects.select_related("advisor", "profile"),
        pk=link_id, profile__user=request.user,
    )
    advising.link_revoke(link, by=request.user)
    messages.success(request, _("%(email)s no longer sees your profile and list.") % {
        "email": link.advisor.email})
    return redirect("advising:my_advisors")


# ---------------------------------------------------------------------------------------------
# The advisor's corrections to a client's list
# ---------------------------------------------------------------------------------------------


def _client_for_advisor(request: HttpRequest, pk: int) -> Profile:
    """The client's profile for their linked advisor; 404 to strangers, 403 to the applicant
    (who sees the advisor's decisions but does not make them)."""
    profile = get_applicant_for(request.user, pk)
    if not is_linked_advisor(request.user, profile):
        raise PermissionDenied(_("Only the applicant's advisor changes this."))
    return profile


def _entry_for_advisor(request: HttpRequest, pk: int, entry_id: int) -> ListEntry:
    profile = _client_for_advisor(request, pk)
    return get_object_or_404(
        ListEntry.objects.select_related("program"), pk=entry_id, profile=profile
    )


def _program_url(entry: ListEntry) -> str:
    url = reverse("tiering:explanation",
                  kwargs={"pk": entry.profile_id, "acgme_id": entry.program.acgme_id})
    return f"{url}#advisor"


@login_required
@require_POST
def entry_override(request: HttpRequest, pk: int, entry_id: int) -> HttpResponse:
    entry = _entry_for_advisor(request, pk, entry_id)

    def override(data: dict) -> str:
        advising.entry_override_tier(
            entry, tier=data["tier"], reason=data["reason"], by=request.user,
            revision=data["revision"],
        )
        return _("%(program)s is now in %(tier)s on your client's list.") % {
            "program": entry.program.name, "tier": Tier(data["tier"]).label}

    _act(request, OverrideForm(request.POST), override)
    return _back(request, _program_url(entry))


@login_required
@require_POST
def entry_clear_override(request: HttpRequest, pk: int, entry_id: int) -> HttpResponse:
    entry = _entry_for_advisor(request, pk, entry_id)
    form = ListChangeForm(request.POST)
    try:
        advising.entry_clear_override(
            entry, by=request.user,
            revision=form.cleaned_data["revision"] if form.is_valid() else None)
    except AdvisingError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("%(program)s is back in its computed tier, %(tier)s.") % {
            "program": entry.program.name, "tier": Tier(entry.computed_tier).label})
    return _back(request, _program_url(entry))


@login_required
@require_POST
def entry_exclude(request: HttpRequest, pk: int, entry_id: int) -> HttpResponse:
    entry = _entry_for_advisor(request, pk, entry_id)

    def exclude(data: dict) -> str:
        advising.entry_exclude(entry, reason=data["reason"], by=request.user,
                               revision=data["revision"])
        return _("%(program)s is excluded from your client's list.") % {
            "program": entry.program.name}

    _act(request, ExcludeForm(request.POST), exclude)
    return _back(request, _program_url(entry))


@login_required
@require_POST
def entry_restore(request: HttpRequest, pk: int, entry_id: int) -> HttpResponse:
    entry = _entry_for_advisor(request, pk, entry_id)

    def restore(data: dict) -> str:
        advising.entry_restore(entry, reason=data["reason"], by=request.user,
                               revision=data["revision"])
        return _("%(program)s is back on your client's list.") % {
            "program": entry.program.name}

    _act(request, RestoreForm(request.POST), restore)
    return _back(request, _program_url(entry))


@login_required
@require_POST
def note_add(request: HttpRequest, pk: int) -> HttpResponse:
    profile = _client_for_advisor(request, pk)
    form = NoteForm(request.POST, profile=profile)

    def add(data: dict) -> str:
        advising.note_add(profile, text=data["text"], by=request.user, entry=data["entry"])
        return _("Your note is saved; your client sees it on their list.")

    _act(request, form, add)
    entry = form.cleaned_data.get("entry") if form.is_valid() else None
    default = (_program_url(entry) if entry else
               reverse("tiering:list", kwargs={"pk": profile.pk}))
    return _back(request, default)


BUILDS_SHOWN = 20  # the latest builds; older ones matter less than the changes by hand


@login_required
def history(request: HttpRequest, pk: int) -> HttpResponse:
    """Every recorded change to the client's list, newest first, with who made it."""
    profile = get_applicant_for(request.user, pk)
    events = (
        EntryEvent.objects.filter(entry__profile=profile)
        .select_related("actor", "entry__program")
        .order_by("-created_at", "-pk")
    )
    page = Paginator(events, EVENTS_PER_PAGE).get_page(request.GET.get("page"))
    notes = (
        AdvisorNote.objects.filter(profile=profile, entry__isnull=True)
        .select_related("author")
    )
    builds = builds_with_names(list(
        ListBuild.objects.filter(profile=profile).select_related("actor")[:BUILDS_SHOWN]))
    return render(request, "advising/history.html", {
        "profile": profile, "is_owner": is_owner(request.user, profile), "page": page,
        "notes": notes, "builds": builds,
    })


# ---------------------------------------------------------------------------------------------
# Advisor sign-up
# ---------------------------------------------------------------------------------------------


def advisor_signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("home")
    # Staff may send the code as a link: /accounts/signup/advisor/?code=...
    form = AdvisorSignupForm(request.POST or None, initial={"code": request.GET.get("code", "")})
    if request.method == "POST" and form.is_valid():
        try:
            user = advising.advisor_register(
                email=form.cleaned_data["email"],
                password=form.cleaned_data["password1"],
                code=form.cleaned_data["code"],
            )
        except AdvisingError as error:
            form.add_error("code", str(error))
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            send_confirmation(request, user)
            messages.success(request, _(
                "Welcome! We sent a link to %(email)s: open it to confirm your address, then "
                "give your clients a code from this page to see their lists.")
                % {"email": user.email})
            return redirect("advising:advisor_dashboard")
    return render(request, "advising/signup.html", {"form": form})


@login_required
def freshness(request: HttpRequest) -> HttpResponse:
    """Staff: how fresh the catalog's facts are, and which programs to verify next."""
    if not is_staff_reviewer(request.user):
        raise PermissionDenied
    programs = catalog_programs()
    chosen = [code for code in request.GET.getlist("specialty") if code]
    specialties = sorted({(p.specialty.code, p.specialty.name) for p in programs},
                         key=lambda s: s[1])
    rows = freshness_table(programs)
    return render(request, "advising/freshness.html", {
        "fields": FIELDS.values(), "rows": rows,
        "next": verify_next(VERIFY_NEXT_SHOWN, programs, specialties=chosen),
        "specialties": specialties, "chosen": chosen,
        "no_visa_source": [row for row in rows if row.no_visa_source],
        "not_located": [p for p in programs if p.latitude is None],
    })
