"""The strategy page (signals, geographic preferences, a place for the map), the map of the list
and the SOAP page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from applicants.access import get_applicant_for, is_linked_advisor, is_owner
from applicants.models import Profile
from programs.page_cache import page_response
from strategy import season
from strategy.forms import GeographyForm
from strategy.geography import coverage, covered_by, geography_save
from strategy.map import map_context, points_of
from strategy.page_cache import cached_page
from strategy.signals import (
    GOLD,
    SIGNAL,
    SILVER,
    SignalLimitError,
    signal_plan,
    signals_save,
    signals_use_proposal,
)
from strategy.soap import soap_list
from tiering.lists import list_ensure_current
from tiering.models import ListEntry
from tiering.scope import with_programs
from tiering.scoring import SPANISH_SHARE_FULL, SPANISH_SHARE_NATIONAL, brings_border_fit


def _profile(request: HttpRequest, pk: int, *, edit: bool = False,
             owner_only: bool = False) -> tuple[Profile, dict]:
    # The list's row comes with the profile: the pages' cache keys read its revision.
    profile = get_applicant_for(request.user, pk, related=("program_list",))
    owner = is_owner(request.user, profile)
    can_edit = owner or is_linked_advisor(request.user, profile)
    if (edit and not can_edit) or (owner_only and not owner):
        raise PermissionDenied
    return profile, {"profile": profile, "is_owner": owner, "can_edit": can_edit,
                     "season_name": season.season_name()}


def _page(profile: Profile) -> str:
    return reverse("strategy:strategy", kwargs={"pk": profile.pk})


@login_required
def strategy_page(request: HttpRequest, pk: int) -> HttpResponse:
    profile, context = _profile(request, pk)
    flags = (context["is_owner"], context["can_edit"])
    # The page's content is cached under everything it shows (strategy.page_cache): on a hit
    # the template serves it and nothing below is computed. A page is only kept for a
    # complete profile and a current list, and emptying the profile, a catalog change or a
    # rebuild each make a new key, so a hit needs neither check.
    page = cached_page(request, profile, flags=flags)
    if page.html is None:
        # Read once: the view and list_ensure_current both ask whether it is complete.
        profile.read_specialties()
        if not profile.is_complete:
            return render(request, "strategy/strategy.html", {**context, "incomplete": True})
        if list_ensure_current(profile):  # rebuilt: the entries moved, the key with them
            page = cached_page(request, profile, flags=flags)
        context.update(_strategy_context(profile))
    context["page_cache"] = page
    return page_response(request, "strategy/strategy.html", context)


def _strategy_context(profile: Profile) -> dict:
    """What the page's content shows: the signal plan, the divisions, the list's size. The
    maps have their own view (strategy_map), fetched when the reader reaches them."""
    entries = with_programs(ListEntry.objects.on_list().filter(profile=profile))
    chosen = profile.geographic_divisions or []
    border_first = brings_border_fit(profile)
    divisions = coverage(entries, chosen, states=profile.target_states or [],
                         border_first=border_first, applicant=profile)
    return {
        "season": season,
        "plan": signal_plan(profile, entries),
        "divisions": divisions,
        "border_first": border_first,
        "chosen_cover": covered_by(divisions, chosen),
        "proposed_cover": covered_by(divisions, [d.division for d in divisions if d.proposed]),
        "geo_form": GeographyForm(initial={"divisions": chosen,
                                           "setting": profile.geographic_setting}),
        "list_size": len(entries),
        "kinds": {GOLD: _("Gold"), SILVER: _("Silver"), SIGNAL: _("Signal")},
    }


@login_required
def strategy_map(request: HttpRequest, pk: int) -> HttpResponse:
    """The map of the list: a page of its own (the strategy page links to it), or only the map
    (``?part=1``) for the strategy page to show when the reader reaches it (strategy.js). Two
    SVG maps of about 1,500 elements each were most of the strategy page's weight and of the
    phone's work to show it, for a part below the fold. Cached as the strategy page is, under
    the same key parts."""
    profile, context = _profile(request, pk)
    flags = (context["is_owner"], context["can_edit"])
    page = cached_page(request, profile, flags=flags, page="map")
    if page.html is None:
        profile.read_specialties()
        if not profile.is_complete:
            raise Http404(_("This profile has no list yet."))
        if list_ensure_current(profile):
            page = cached_page(request, profile, flags=flags, page="map")
        context.update(_map_context(profile))
    context["page_cache"] = page
    if request.GET.get("part"):
        return page_response(request, "strategy/_map_part.html", context)
    return page_response(request, "strategy/map_page.html", context)


def _map_context(profile: Profile) -> dict:
    entries = with_programs(ListEntry.objects.on_list().filter(profile=profile))
    chosen = profile.geographic_divisions or []
    points, left_out = points_of(entries)
    return {
        "spanish_full": f"{SPANISH_SHARE_FULL:g}",
        "spanish_national": f"{SPANISH_SHARE_NATIONAL:g}",
        "maps": [map_context(points, chosen, view="us"),
                 map_context(points, chosen, view="border")],
        "entries": sorted(entries, key=lambda e: (e.program.state, e.program.city,
                                                   e.program.name)),
        "left_out": left_out,
    }


@login_required
@require_POST
def signals_update(request: HttpRequest, pk: int) -> HttpResponse:
    profile, _context = _profile(request, pk, edit=True)
    ids = set(ListEntry.objects.filter(profile=profile).values_list("pk", flat=True))
    choice = {}
    for key, value in request.POST.items():
        if key.startswith("signal-") and key[7:].isdigit() and int(key[7:]) in ids \
                and value in ("", GOLD, SILVER, SIGNAL):
            choice[int(key[7:])] = value
    try:
        changed = signals_save(profile, choice, actor=request.user)
    except SignalLimitError as problem:
        messages.error(request, _("Signals not saved: %(problem)s") % {"problem": problem})
    else:
        messages.success(request, _("Signals saved (%(n)d changed).") % {"n": changed})
    return redirect(_page(profile) + "#signals")


@login_required
@require_POST
def signals_propose(request: HttpRequest, pk: int) -> HttpResponse:
    profile, _context = _profile(request, pk, edit=True)
    try:
        changed = signals_use_proposal(profile, actor=request.user)
    except SignalLimitError as problem:  # the proposal keeps to the limits; a guard only
        messages.error(request, _("Signals not saved: %(problem)s") % {"problem": problem})
    else:
        messages.success(request, _("The proposed signals are on your list (%(n)d changed).")
                         % {"n": changed})
    return redirect(_page(profile) + "#signals")


@login_required
@require_POST
def geography_update(request: HttpRequest, pk: int) -> HttpResponse:
    profile, _context = _profile(request, pk, owner_only=True)
    form = GeographyForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    elif geography_save(profile, divisions=form.cleaned_data["divisions"],
                        setting=form.cleaned_data["setting"]):
        messages.success(request, _("Geographic preferences saved; the list was scored again."))
    else:
        messages.info(request, _("Geographic preferences: nothing changed."))
    return redirect(_page(profile) + "#geography")


@login_required
def soap_page(request: HttpRequest, pk: int) -> HttpResponse:
    profile, context = _profile(request, pk)
    page = cached_page(request, profile, flags=(context["is_owner"], context["can_edit"]),
                       page="soap")
    if page.html is None and not profile.is_complete:  # only complete profiles' pages are kept
        return render(request, "strategy/soap.html", {**context, "incomplete": True})
    context.update({"page_cache": page, "season": season})
    if page.html is None:
        context.update({"choices": soap_list(profile),
                        "needs_visa": profile.visa_need != "none"})
    return page_response(request, "strategy/soap.html", context)


