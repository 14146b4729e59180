"""The list pages: the list with its summary and the candidates to add from, why one program is
where it is, and the changes made by hand (build, add, remove, pin)."""

from __future__ import annotations

import functools

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext, ngettext
from django.views.decorators.http import require_POST
from django_ratelimit.decorators import ratelimit

from applicants.access import get_applicant_for, is_linked_advisor, is_owner
from applicants.models import Profile, User
from programs.models import Program
from programs.page_cache import page_response
from tiering import advice, scoring, trial
from tiering.choice_field import attach_groups
from tiering.edits import ListChanged, ListEditError, entry_add, entry_pin, entry_remove
from tiering.explain import (
    applicant_notices,
    attach_explanations,
    candidate_entries,
    choice_text,
    next_candidate_ids,
    next_candidates,
    no_eligible_reasons,
    score_gap_texts,
    translated,
)
from tiering.explanation_page import explanation_cache
from tiering.facts import cached_facts
from tiering.forms import CANDIDATES_PER_PAGE, ListEditForm, ListFilterForm, TrialForm
from tiering.list_summary import list_notices, list_summary, short_list
from tiering.lists import (
    applicant_list,
    first_candidate_ids,
    list_ensure_current,
    list_entries,
    list_groups,
    list_kept,
    list_read,
    list_rebuild,
)
from tiering.models import EntryEvent, ListEntry, Tier
from tiering.page_cache import cached_page
from tiering.scope import (
    FirstCandidates,
    any_eligible,
    first_candidates,
    ranked_scope,
    scope_specialties,
    score_scope,
)
from tiering.scored import applicant_of, list_inputs
from tiering.what_if import budget_what_if, scenarios_what_if


@login_required
def my_list(request: HttpRequest) -> HttpResponse:
    if request.user.role != User.Role.APPLICANT:
        return redirect("applicants:my_profile")  # which sends each role to its own page
    profile, _ = Profile.objects.get_or_create(user=request.user)
    return redirect("tiering:list", pk=profile.pk)


def _candidate_page(request: HttpRequest, scored: list, taken: set[int]) -> dict:
    """The candidates' part of the list page: the filters and one page of candidates, from
    the scope's ranks (the page's candidates are scored again with their reasons after)."""
    pool = [item for item in scored if item.program.pk not in taken]
    specialties = scope_specialties(scored)
    states = sorted({i.program.state for i in scored})
    form = ListFilterForm(request.GET or None, specialties=specialties, states=states)
    shown = form.filter(pool)
    page = Paginator(shown, CANDIDATES_PER_PAGE).get_page(request.GET.get("page"))
    return {"form": form, "page": page, "candidate_count": len(shown)}


def _first_candidate_page(first: FirstCandidates) -> dict:
    """The candidates' part of the list page unfiltered, as the list's build kept it."""
    page = Paginator(first.pool(), CANDIDATES_PER_PAGE).get_page(None)
    form = ListFilterForm(None, specialties=first.specialties, states=first.states)
    return {"form": form, "page": page, "candidate_count": first.count}


@login_required
def tier_list(request: HttpRequest, pk: int) -> HttpResponse:
    """The list page, assembled in one pass: what is owned; the page's content from the cache
    when it has it (tiering.page_cache), and nothing else; otherwise the applicant and the
    page's inputs, built once and handed down; the list loaded; the scope scored; the what-ifs;
    the explanations; the advice; render (and keep). Each module is entered once, in that order
    (tests/tiering/test_list_page_path.py)."""
    profile = get_applicant_for(request.user, pk, related=("program_list",))
    context: dict = {"profile": profile, "is_owner": is_owner(request.user, profile),
                     "can_edit": is_owner(request.user, profile)
                     or is_linked_advisor(request.user, profile)}
    # Only a complete profile's page is kept, and completing or emptying a profile moves its
    # version: a page found was made from a complete one.
    page = cached_page(request, profile, flags=(context["is_owner"], context["can_edit"]))
    if page.html is not None:
        return page_response(request, "tiering/tier_list.html", {**context, "page_cache": page})
    # A miss asks for the specialties six times (complete? their ids, their codes): read once.
    profile.read_specialties()
    if not profile.is_complete:
        return render(request, "tiering/tier_list.html", {**context, "incomplete": True})
    context["page_cache"] = page
    applicant = applicant_of(profile)
    inputs = list_inputs(profile, applicant=applicant)

    # Load: the list, current, with its entries in scope (and, unfiltered, the programs of the
    # candidates' first page its build kept, read with theirs).
    list_ensure_current(profile)
    the_list = list_read(profile)
    kept = list_kept(profile)
    entries = list_entries(profile, also=() if request.GET
                           else first_candidate_ids(kept.first_candidates))
    attach_groups(entries, kept.groups)
    # Places in their order: by tier, then specialty, then the place the rule gave them (a
    # program kept by hand after the ranked ones).
    on_list = sorted((e for e in entries if not e.excluded), key=lambda e: (
        e.tier, e.program.specialty.name,
        (e.choice or {}).get("params", {}).get("rank", 10_000)
        if (e.choice or {}).get("code") == "ranked" else 10_000, -e.score, e.program.name))
    removed = [e for e in entries if e.excluded]
    taken = {e.program_id for e in entries}

    # Score: the scope's ranks, and the full reasons only when no program is open to the
    # applicant.
    ranked = functools.cache(lambda: ranked_scope(profile, inputs=inputs, applicant=applicant))
    # Unfiltered, the candidates' first page the list's build kept: no ranking of the scope.
    first = None if request.GET else first_candidates(kept.first_candidates, taken,
                                                      inputs=inputs)
    eligible = first.eligible if first else any_eligible(profile, inputs, ranked)
    closed = [] if eligible else score_scope(profile, applicant=applicant)
    context.update(_first_candidate_page(first) if first else
                   _candidate_page(request, ranked(), taken))
    what_if = budget_what_if(profile, ranked, len(on_list), inputs=inputs,
                             entries=entries, applicant=applicant,
                             stored=kept.budget_what_if) if on_list else None
    # The four scenarios score the scope four times more: they have their own page
    # (list_what_if), loaded into the list's panel when it is opened.

    # Explain: the summary, and the reasons of the rows the page renders.
    summary = list_summary(profile, on_list, the_list=the_list)
    names = dict(summary.specialties)
    empty_tiers = [tier for tier in (1, 2, 3) if not summary.tiers[tier]
                   and any(e.tier == tier for e in removed)]
    warnings = [gettext("Every %(tier)s program was removed from the list: no program of this "
                        "tier is left.") % {"tier": Tier(tier).label} for tier in empty_tiers]
    owner = context["is_owner"]
    notices = list_notices(summary, owner=owner, short=short_list(summary, removed=len(removed)))
    attach_explanations(profile, on_list + removed, applicant=applicant)
    for entry in on_list:
        entry.why_chosen = choice_text(entry, names)
    context["candidates"] = candidate_entries(
        profile, [item.program for item in context["page"].object_list], applicant=applicant)
    notices += warnings + applicant_notices(applicant)
    no_eligible = [] if eligible else no_eligible_reasons(closed)
    codes = [specialty.code for specialty in profile.specialties()]
    gaps = score_gap_texts(applicant, codes)
    next_ids = next_candidate_ids(on_list)
    # The next candidates are in the scope the page has ranked, or named with the candidates'
    # first page the list's build kept: named without a query (one query names any that left
    # the scope since the build).
    program_names = {} if not next_ids else dict(first.names) if first else {
        item.program.acgme_id: item.program.name for item in ranked()
        if item.program.acgme_id in next_ids}
    if next_ids - program_names.keys():
        program_names.update(Program.objects.filter(
            acgme_id__in=next_ids - program_names.keys()).values_list("acgme_id", "name"))
    following = next_candidates(on_list, names, program_names)

    sections = [{"tier": tier.value, "rows": [e for e in on_list if e.tier == tier.value],
                 "next": following.get(tier.value, [])} for tier in Tier]
    # What the advisor changed, for the applicant to find from the top of the list.
    changed_ids = set(EntryEvent.objects.filter(
        entry__profile=profile, actor__role=User.Role.ADVISOR).exclude(
        kind=EntryEvent.Kind.NOTE).values_list("entry_id", flat=True))
    query = request.GET.copy()
    query.pop("page", None)
    context.update({
        "advisor_changed": [e for e in entries if e.pk in changed_ids],
        "sections": sections, "summary": summary, "removed": removed,
        "specialty_names": names, "notices": notices, "empty_tiers": empty_tiers,
        "what_if": what_if, "score_gaps": gaps,
        "advice": advice.advice_for(applicant=applicant, specialty_codes=codes),
        "no_eligible": no_eligible,
        "query": query.urlencode(), "revision": summary.revision,
    })
    return page_response(request, "tiering/tier_list.html", context)


@login_required
def list_what_if(request: HttpRequest, pk: int) -> HttpResponse:
    """The four what-if scenarios of a list: a page of their own (the list links to it), or
    only the panel (``?part=1``) for the list page to show where it is opened (list.js)."""
    profile = get_applicant_for(request.user, pk)
    if not profile.is_complete:
        raise Http404(gettext("This profile has no list yet."))
    list_ensure_current(profile)
    # Shown with an empty list too: what would open programs matters most then.
    context = {"profile": profile, "is_owner": is_owner(request.user, profile),
               "scenarios": scenarios_what_if(profile, entries=list_entries(profile))}
    if request.GET.get("part"):
        return render(request, "tiering/_what_if.html", context)
    return render(request, "tiering/what_if_page.html", context)


@login_required
def program_explanation(request: HttpRequest, pk: int, acgme_id: str) -> HttpResponse:
    """Why one program is where it is. Its content is kept in the cache like the list page's
    (tiering.explanation_page); on a miss the program alone is scored again, with its
    reasons."""
    profile = get_applicant_for(request.user, pk, related=("program_list",))
    owner = is_owner(request.user, profile)
    context: dict = {"profile": profile, "is_owner": owner,
                     "can_edit": owner or is_linked_advisor(request.user, profile)}
    # Only a complete profile's page is kept (an incomplete one answers 404), and completing
    # or emptying a profile moves its version: a page found was made from a complete one.
    title, page = explanation_cache(request, profile, flags=(owner, context["can_edit"]))
    context.update({"title_cache": title, "page_cache": page})
    if page.html is not None:
        return page_response(request, "tiering/program_explanation.html", context)
    # A miss asks three times whether the profile is complete, and for its codes: read once.
    profile.read_specialties()
    if not profile.is_complete:
        raise Http404(gettext("This profile has no list yet."))
    applicant = applicant_of(profile)
    list_ensure_current(profile)
    entry = ListEntry.objects.for_list().filter(profile=profile,
                                                program__acgme_id=acgme_id).first()
    if entry is None:
        program = get_object_or_404(
            Program.objects.select_related("specialty"), acgme_id=acgme_id,
            specialty__in=profile.target_specialties.all(),
        )
        [entry] = candidate_entries(profile, [program], applicant=applicant)
    else:
        attach_groups([entry], list_groups(profile))
        attach_explanations(profile, [entry], applicant=applicant)
        entry.why_chosen = choice_text(entry, {entry.program.specialty.code:
                                               entry.program.specialty.name})
    code = entry.program.acgme_id[:3]
    gap = score_gap_texts(applicant, [s.code for s in profile.specialties()], only=code)
    suggestion = None
    if entry.computed_tier != Tier.TIER_1:
        suggestion = scoring.suggest_improvement(
            applicant=applicant, program=cached_facts(entry.program)
        )
    context.update({
        "entry": entry, "program": entry.program,
        "suggestion": suggestion,
        "score_gap": gap[0] if gap else "",
        "suggestion_text": translated(suggestion.text) if suggestion else "",
        "revision": list_read(profile).revision,
    })
    return page_response(request, "tiering/program_explanation.html", context)


# ---------------------------------------------------------------------------------------------
# Changes by hand. The applicant and a linked advisor make them; the advisor gives a reason.
# ---------------------------------------------------------------------------------------------


def _editable(request: HttpRequest, pk: int) -> Profile:
    profile = get_applicant_for(request.user, pk)
    if not (is_owner(request.user, profile) or is_linked_advisor(request.user, profile)):
        raise PermissionDenied("Only the applicant and their advisor change the list.")
    return profile


def _back(request: HttpRequest, profile: Profile, row: int | None = None) -> HttpResponse:
    """To the page the change came from; at the changed row when there is one, so that a phone
    with its tiers folded opens the one that holds it (list.js)."""
    the_list = reverse("tiering:list", kwargs={"pk": profile.pk})
    target = request.POST.get("next", "")
    if not (target.startswith("/") and not target.startswith("//")):
        target = the_list
    if row is not None and target.split("?")[0] == the_list and "#" not in target:
        target += f"#entry-{row}"
    return redirect(target)


def _apply(request: HttpRequest, profile: Profile, change, done: str,
           row=lambda: None) -> HttpResponse:
    """Apply one change of the list; ``row`` gives the changed entry's id once it is done."""
    form = ListEditForm(request.POST)
    if not form.is_valid():
        messages.error(request, gettext("This change could not be read; reload the page and "
                                        "try again."))
        return _back(request, profile)
    try:
        change(form.cleaned_data["reason"], form.cleaned_data["revision"])
    except ListChanged as error:
        messages.error(request, str(error))
    except ListEditError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, done)
        return _back(request, profile, row())
    return _back(request, profile)


@login_required
@require_POST
def list_build(request: HttpRequest, pk: int) -> HttpResponse:
    profile = _editable(request, pk)
    if not profile.is_complete:
        messages.error(request, gettext("Complete your profile first: a graduation year and "
                                        "a specialty."))
        return _back(request, profile)
    form = ListEditForm(request.POST)
    if form.is_valid() and form.cleaned_data["revision"] is not None \
            and form.cleaned_data["revision"] != applicant_list(profile).revision:
        messages.error(request, ListChanged.message)
        return _back(request, profile)
    result = list_rebuild(profile, actor=request.user, cause="Rebuilt on request")
    messages.success(request, ngettext(
        "Your list was rebuilt: %(size)s program; %(came_in)s came in, %(went_out)s went out. "
        "Pinned, added and removed programs and everything you track were kept.",
        "Your list was rebuilt: %(size)s programs; %(came_in)s came in, %(went_out)s went out. "
        "Pinned, added and removed programs and everything you track were kept.",
        result.selection.size) % {"size": result.selection.size,
                                  "came_in": len(result.came_in),
                                  "went_out": len(result.went_out)})
    return _back(request, profile)


@login_required
@require_POST
def list_add(request: HttpRequest, pk: int) -> HttpResponse:
    profile = _editable(request, pk)
    program = get_object_or_404(Program, acgme_id=request.POST.get("acgme_id", ""),
                                specialty__in=profile.target_specialties.all())
    return _apply(request, profile, lambda reason, revision: entry_add(
        profile, program, by=request.user, reason=reason, revision=revision),
        gettext("%(program)s is on the list.") % {"program": program.name},
        row=lambda: ListEntry.objects.filter(profile=profile, program=program)
        .values_list("pk", flat=True).first())


def _entry(request: HttpRequest, pk: int, entry_id: int) -> tuple[Profile, ListEntry]:
    profile = _editable(request, pk)
    entry = get_object_or_404(ListEntry.objects.select_related("program", "profile"),
                              pk=entry_id, profile=profile)
    return profile, entry


@login_required
@require_POST
def list_remove(request: HttpRequest, pk: int, entry_id: int) -> HttpResponse:
    profile, entry = _entry(request, pk, entry_id)
    return _apply(request, profile, lambda reason, revision: entry_remove(
        entry, by=request.user, reason=reason, revision=revision),
        gettext("%(program)s was removed from the list; a rebuild will not bring it back.")
        % {"program": entry.program.name}, row=lambda: entry.pk)


@login_required
@require_POST
def list_pin(request: HttpRequest, pk: int, entry_id: int) -> HttpResponse:
    profile, entry = _entry(request, pk, entry_id)
    pin = request.POST.get("pinned") == "1"
    return _apply(request, profile, lambda reason, revision: entry_pin(
        entry, by=request.user, pinned=pin, reason=reason, revision=revision),
        (gettext("%(program)s is pinned: it stays.") if pin
         else gettext("%(program)s is no longer pinned.")) % {"program": entry.program.name},
        row=lambda: entry.pk)


# ---------------------------------------------------------------------------------------------
# Try it without an account: the answers and the list live in the session only.
# ---------------------------------------------------------------------------------------------


def _too_many(request: HttpRequest) -> HttpResponse:
    response = render(request, "tiering/try_limited.html", status=429)
    response["Retry-After"] = "60"
    return response


@ratelimit(group="try-it", key="ip", method="POST", block=False,
           rate=lambda group, request: settings.TRY_IT_RATE)
def try_it(request: HttpRequest) -> HttpResponse:
    if request.method == "POST" and request.limited:
        return _too_many(request)
    form = TrialForm(request.POST or None, initial=request.session.get(trial.SESSION_KEY))
    if request.method == "POST":
        if form.is_valid():
            request.session[trial.SESSION_KEY] = trial.trial_inputs(form)
            return redirect("tiering:try_list")
        messages.error(request, gettext("Please correct the fields marked below."))
    return render(request, "tiering/try_form.html", {"form": form})


@ratelimit(group="try-it-list", key="ip", block=False,
           rate=lambda group, request: settings.TRY_IT_VIEW_RATE)
def try_list(request: HttpRequest) -> HttpResponse:
    if request.limited:
        return _too_many(request)
    inputs = request.session.get(trial.SESSION_KEY)
    if not inputs:
        return redirect("tiering:try_it")
    the_list = trial.trial_list(inputs)
    return render(request, "tiering/try_list.html", {
        "the_list": the_list, "profile": the_list.profile,
        "advice": the_list.advice, "can_save": request.user.is_anonymous
        or request.user.role == User.Role.APPLICANT,
    })


@ratelimit(group="try-it-list", key="ip", block=False,
           rate=lambda group, request: settings.TRY_IT_VIEW_RATE)
def try_what_if(request: HttpRequest) -> HttpResponse:
    """The what-ifs of the list tried: linked from it and loaded into its panel when opened
    (``?part=1``, list.js), as a saved list's are: two of them score the whole scope again,
    which a visitor who never opens them should not wait for."""
    if request.limited:
        return _too_many(request)
    inputs = request.session.get(trial.SESSION_KEY)
    if not inputs:
        return redirect("tiering:try_it")
    profile = trial.trial_profile(inputs)
    context = {"profile": profile, "scenarios": scenarios_what_if(
        profile, inputs=trial.inputs_key(inputs), specialty_ids=trial.specialty_ids(inputs),
        states=[])}
    if request.GET.get("part"):
        return render(request, "tiering/_what_if.html", context)
    return render(request, "tiering/try_what_if.html", context)


@login_required
@require_POST
def try_save(request: HttpRequest) -> HttpResponse:
    """A signed-in applicant keeps the list tried (a visitor keeps it by signing up)."""
    profile = trial.trial_carry_over(request, request.user)
    if profile is None:
        return redirect("applicants:my_profile")
    return redirect("tiering:list", pk=profile.pk)
