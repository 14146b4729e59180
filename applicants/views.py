from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from applicants.access import get_applicant_for, is_owner
from applicants.forms import ProfileForm, SignupForm
from applicants.models import Profile
from applicants.signals import profile_saved


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "home.html")


def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("applicants:my_profile")
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            user = form.save()
            Profile.objects.create(user=user)
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, _("Welcome! Fill in your profile to see your program list."))
        return redirect("applicants:my_profile")
    return render(request, "registration/signup.html", {"form": form})


@login_required
def my_profile(request: HttpRequest) -> HttpResponse:
    profile, _created = Profile.objects.get_or_create(user=request.user)
    return redirect("applicants:profile", pk=profile.pk)


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
        if form.is_valid():
            form.save()
            if profile.is_complete:
                # The list belongs to tiering, which listens for this (imports run upwards).
                profile_saved.send(sender=Profile, profile=profile)
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
