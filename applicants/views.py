from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.hashers import make_password
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from applicants.access import get_applicant_for, is_owner
from applicants.confirmation import (
    LINK_DAYS,
    LinkState,
    email_confirm,
    link_check,
    send_confirmation,
    send_link_or_note,
)
from applicants.forms import EmailForm, ProfileForm, SignupForm
from applicants.models import Profile, User
from applicants.same_time import answered_no_sooner
from applicants.signals import profile_saved


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "home.html")


def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("applicants:my_profile")
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        with answered_no_sooner():
            _sign_up(request, form, email)
        # The same answer either way: the page never tells which addresses have an account.
        return render(request, "registration/signup_sent.html",
                      {"email": email, "days": LINK_DAYS})
    return render(request, "registration/signup.html", {"form": form})


def _sign_up(request: HttpRequest, form: SignupForm, email: str) -> None:
    """A new address gets its account and the confirmation link; a taken one, the link again
    or a note to its owner."""
    existing = User.objects.filter(email__iexact=email).first()
    if existing is None:
        try:
            with transaction.atomic():
                user = form.save(commit=False)
                user.is_active = False  # until the address is confirmed
                user.save()
                Profile.objects.create(user=user)
        except IntegrityError:  # the same address signed up a moment ago
            existing = User.objects.get(email__iexact=email)
        else:
            send_confirmation(request, user)
    if existing is not None:
        # The new account's password is hashed above; this one is too, and thrown away, so
        # that most of the time is the same either way (answered_no_sooner evens the rest).
        make_password(form.cleaned_data["password1"])
        send_link_or_note(request, existing)


def confirmation_again(request: HttpRequest) -> HttpResponse:
    """"Send the link again", from the log-in and sign-up pages: a new confirmation link for
    an account that waits for one, the same answer for any address."""
    form = EmailForm(request.POST or None, initial={"email": request.GET.get("email", "")})
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        with answered_no_sooner():
            user = User.objects.filter(email__iexact=email).first()
            if user is not None:
                send_link_or_note(request, user)
        return render(request, "registration/signup_sent.html",
                      {"email": email, "days": LINK_DAYS})
    return render(request, "registration/confirm_again.html", {"form": form})


def confirm_email(request: HttpRequest, token: str) -> HttpResponse:
    check = link_check(token)
    if check.state == LinkState.USED:
        messages.info(request, _("Your address is already confirmed. Log in with your e-mail "
                                 "address and password."))
        return redirect("login")
    if check.state == LinkState.INVALID or not email_confirm(check.user):
        return render(request, "registration/confirm_invalid.html", {"days": LINK_DAYS},
                      status=400)
    user = check.user
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    # Log-in may have completed the profile (the parts built on applicants listen for it, e.g.
    # a list tried before signing up): then the list is the place to land.
    target = role_home(user)
    if user.role != User.Role.APPLICANT:
        messages.success(request, _("Your address is confirmed. Clients can now link you."))
    elif target == reverse("applicants:my_profile"):
        messages.success(request, _("Your address is confirmed. Welcome! Fill in your profile "
                                    "to see your program list."))
    else:
        messages.success(request, _("Your address is confirmed. Welcome!"))
    return redirect(target)


@login_required
def my_profile(request: HttpRequest) -> HttpResponse:
    if request.user.role != User.Role.APPLICANT:
        return redirect(role_home(request.user))  # advisors and staff have no profile
    profile, _created = Profile.objects.get_or_create(user=request.user)
    return redirect("applicants:profile", pk=profile.pk)


def role_home(user: User) -> str:
    """Where each role starts: staff in the admin, advisors on their dashboard, applicants on
    their list (or their profile until it can give one)."""
    if user.is_staff or user.role == User.Role.STAFF:
        return reverse("programs:review")  # the review queue of verified facts and reports
    if user.role == User.Role.ADVISOR:
        return reverse("advising:advisor_dashboard")
    profile = Profile.objects.filter(user=user).first()
    if profile is not None and profile.is_complete:
        return reverse("tiering:list", kwargs={"pk": profile.pk})
    return reverse("applicants:my_profile")


@login_required
def landing(request: HttpRequest) -> HttpResponse:
    """After log-in: each role's own start page."""
    return redirect(role_home(request.user))


def profile_save(form: ProfileForm) -> bool:
    """Save the profile and rebuild its list as one unit, unless it changed since the form was
    loaded: the version moves from the loaded one to the next, or nothing is written."""
    profile = form.instance
    loaded = form.cleaned_data.get("version")
    with transaction.atomic():
        current = Profile.objects.filter(pk=profile.pk)
        if loaded is not None:
            current = current.filter(version=loaded)
        # One statement takes the row's lock: of two saves at once, the second waits, then
        # finds the version moved and writes nothing.
        if not current.update(version=F("version") + 1):
            form.add_error(None, _(
                "Your profile was changed in another tab or window since this page was loaded. "
                "Your changes were not saved: reload the page to see the current profile, then "
                "make them again."))
            return False
        profile.version = Profile.objects.values_list("version", flat=True).get(pk=profile.pk)
        form.save()
        if profile.is_complete:
            # The list belongs to tiering, which listens for this (imports run upwards).
            profile_saved.send(sender=Profile, profile=profile)
    return True


@login_required
def profile(request: HttpRequest, pk: int) -> HttpResponse:
    profile = get_applicant_for(request.user, pk)
    owner = is_owner(request.user, profile)
    if request.method == "POST" and not owner:
        raise PermissionDenied(_("Only the applicant edits the profile."))
    form = ProfileForm(request.POST or None, instance=profile)
    if not owner:
        for field in form.fields.values():
            field.disabled = True
        form.helper.inputs = []
        form.helper.layout.fields.pop()  # the Save button
    if request.method == "POST":
        if form.is_valid() and profile_save(form):
            if profile.is_complete:
                messages.success(request, _("Your profile is saved and your list is updated."))
                return redirect(reverse("tiering:list", kwargs={"pk": profile.pk}))
            messages.success(
                request, _("Your profile is saved. Choose at least one specialty to see your list.")
            )
            return redirect(reverse("applicants:profile", kwargs={"pk": profile.pk}))
        messages.error(request, _("Please correct the fields marked below."))
    return render(
        request, "applicants/profile_form.html",
        {"form": form, "profile": profile, "is_owner": owner},
    )
