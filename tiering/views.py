"""The list pages: the tiered list with its plan, and why one program is in its tier."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, QuerySet
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from applicants.access import get_applicant_for, is_owner
from applicants.models import Profile
from programs.facts import program_facts
from tiering import scoring
from tiering.forms import ListFilterForm
from tiering.lists import (
    SCORING_TIER,
    applicant_of,
    facts_of,
    list_ensure_current,
    list_plan,
)
from tiering.models import ListEntry, Tier


@login_required
def my_list(request: HttpRequest) -> HttpResponse:
    profile, _ = Profile.objects.get_or_create(user=request.user)
    return redirect("tiering:list", pk=profile.pk)


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
        return render(request, "tiering/tier_list.html", {**context, "incomplete": True})
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
    return render(request, "tiering/tier_list.html", context)


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
    return render(request, "tiering/program_explanation.html", {
        "profile": profile, "entry": entry, "program": entry.program,
        "facts": program_facts(entry.program), "suggestion": suggestion,
        "is_owner": is_owner(request.user, profile),
    })
