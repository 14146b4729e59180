from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from applicants.forms import ProfileForm, SignupForm
from applicants.models import Profile, User


def get_applicant_for(user: User, pk: int) -> Profile:
    """The profile with this pk if ``user`` may see it; 404 otherwise (never 403: a stranger
    must not learn that the applicant exists)."""
    profile = get_object_or_404(Profile.objects.select_related("user"), pk=pk)
    if profile.user_id != user.pk:
        raise Http404("No such applicant.")
    return profile


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
        messages.success(request, "Welcome! Fill in your profile to see your program list.")
        return redirect("applicants:my_profile")
    return render(request, "registration/signup.html", {"form": form})


@login_required
def my_profile(request: HttpRequest) -> HttpResponse:
    profile, _ = Profile.objects.get_or_create(user=request.user)
    return redirect("applicants:profile", pk=profile.pk)


@login_required
def profile(request: HttpRequest, pk: int) -> HttpResponse:
    profile = get_applicant_for(request.user, pk)
    form = ProfileForm(request.POST or None, instance=profile)
    if request.method == "POST":
        if form.is_valid():
            form.save()
            messages.success(request, "Your profile is saved.")
            return redirect(reverse("applicants:profile", kwargs={"pk": profile.pk}))
        messages.error(request, "Please correct the fields marked below.")
    return render(request, "applicants/profile_form.html", {"form": form, "profile": profile})
