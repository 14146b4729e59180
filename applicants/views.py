from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, QuerySet
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from applicants import scoring
from applicants.access import get_applicant_for, is_owner
from applicants.forms import ListFilterForm, ProfileForm, SignupForm
from applicants.lists import (
    SCORING_TIER,
    applicant_of,
    facts_of,
    list_ensure_current,
    list_plan,
    list_recompute,
)
from applicants.models import ListEntry, Profile, Tier
from programs.facts import program_facts


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
def my_list(request: HttpRequest) -> HttpResponse:
    profile, _ = Profile.objects.get_or_create(user=request.user)
    return redirect("applicants:list", pk=profile.pk)


@login_required
def profile(request: HttpRequest, pk: int) -> HttpResponse:
    profile = get_applicant_for(request.user, pk)
    owner = is_owner(request.user, profile)
    if request.method == "POST" and not owner:
        raise PermissionDenied("Only the applicant edits the profile.")
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
                list_recompute(profile)
                messages.success(request, "Your profile is saved and your list is updated.")
                return redirect(reverse("applicants:list", kwargs={"pk": profile.pk}))
            messages.success(
                request, "Your profile is saved. Choose at least one specialty to see your list."
            )
            return redirect(reverse("applicants:profile", kwargs={"pk": profile.pk}))
        messages.error(request, "Please correct the fields marked below.")
    return render(
        request, "applicants/profile_form.html",
        {"form": form, "profile": profile, "is_owner": owner},
    )


ROWS_PER_TIER = 10  # on the overview; a tier's own view pages through all of its programs
TIER_PAGE_SIZE = 50


def _list_entries(profile: Profile) -> QuerySet[ListEntry]:
    return (
        ListEntry.objects.filter(profile=profile, in_scope=True)
        .for_list()
        .annotate(shown_tier=Coalesce("override_tier", "computed_tier"))
    )


@login_required
def tier_list(request: HttpRequest, pk: int) -> HttpResponse:
    profile = get_applicant_for(request.user, pk)
    context: dict = {"profile": profile, "is_owner": is_owner(request.user, profile)}
    if not profile.is_complete:
        return render(request, "applicants/tier_list.html", {**context, "incomplete": True})
    list_ensure_current(profile)

    entries = _list_entries(profile)
    specialties = sorted(
        {(e["program__specialty__code"], e["program__specialty__name"])
         for e in entries.values("program__specialty__code", "program__specialty__name")},
        key=lambda s: s[1],
    )
    states = sorted(set(entries.values_list("program__state", flat=True)))
    form = ListFilterForm(request.GET or None, specialties=specialties, states=states)
    shown = entries
    if form.is_valid():
        if form.cleaned_data["specialty"]:
            shown = shown.filter(program__specialty__code=form.cleaned_data["specialty"])
        if form.cleaned_data["state"]:
            shown = shown.filter(program__state=form.cleaned_data["state"])
        if form.cleaned_data["border"]:
            shown = shown.filter(program__in_border_region=True)
    ordering = form.ordering()

    counts = {tier.value: 0 for tier in Tier}
    for row in shown.filter(excluded=False).values("shown_tier").annotate(n=Count("pk")):
        counts[row["shown_tier"]] = row["n"]
    only_tier = request.GET.get("tier")
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("tier", None)
    sections = []
    for tier in Tier:
        if only_tier and only_tier != str(tier.value):
            continue
        tier_entries = shown.filter(excluded=False, shown_tier=tier.value).order_by(*ordering)
        if only_tier:
            page = Paginator(tier_entries, TIER_PAGE_SIZE).get_page(request.GET.get("page"))
            rows = page.object_list
        else:
            page = None
            rows = tier_entries[:ROWS_PER_TIER]
        sections.append({"tier": tier.value, "count": counts[tier.value], "rows": rows,
                         "page": page})
    excluded = shown.filter(excluded=True).order_by(*ordering)

    available: dict[tuple[str, scoring.Tier], int] = {}
    for row in entries.filter(excluded=False).values("program__specialty__code", "shown_tier")\
            .annotate(n=Count("pk")):
        available[(row["program__specialty__code"], SCORING_TIER[row["shown_tier"]])] = row["n"]
    plan = list_plan(profile, available, dict(specialties))
    applicant = applicant_of(profile)
    context.update({
        "form": form, "sections": sections, "counts": counts, "excluded": excluded,
        "only_tier": only_tier, "query": query.urlencode(), "plan": plan,
        "specialty_names": dict(specialties),
        "warnings": scoring.applicant_warnings(applicant=applicant),
        "total": sum(counts.values()),
    })
    return render(request, "applicants/tier_list.html", context)


@login_required
def program_explanation(request: HttpRequest, pk: int, acgme_id: str) -> HttpResponse:
    profile = get_applicant_for(request.user, pk)
    list_ensure_current(profile)
    entry = get_object_or_404(
        ListEntry.objects.for_list(), profile=profile, program__acgme_id=acgme_id
    )
    suggestion = None
    if entry.in_scope and entry.computed_tier != Tier.TIER_1:
        suggestion = scoring.suggest_improvement(
            applicant=applicant_of(profile), program=facts_of(entry.program)
        )
    return render(request, "applicants/program_explanation.html", {
        "profile": profile, "entry": entry, "program": entry.program,
        "facts": program_facts(entry.program), "suggestion": suggestion,
        "is_owner": is_owner(request.user, profile),
    })
