"""Try it without an account: a visitor's answers give a list at once, kept in the session only.

The answers (``TrialForm``, the profile form's fields) are stored in ``request.session`` and
nowhere else: the list is scored and selected on an unsaved ``Profile`` that is never saved,
with the same pure scoring, selection and explanations as a stored list. When the visitor signs
up and confirms the address (or logs in) in the same browser, the answers become the account's
profile and its list is built (``trial_carry_over``, called on log-in).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from applicants.models import Profile, User
from applicants.signals import profile_saved
from programs.models import Specialty
from tiering import advice, budget, choosing, scope, scoring, selection
from tiering.explain import choice_text, explanation_of, translated
from tiering.forms import TRIAL_FIELDS, TrialForm
from tiering.list_summary import budget_note_text
from tiering.lists import budget_note
from tiering.models import ListEntry, Tier
from tiering.scored import STORED_TIER, Scored, applicant_of

SESSION_KEY = "try-it-profile"


def trial_inputs(form: TrialForm) -> dict:
    """The form's answers as the session keeps them (JSON: specialties by id)."""
    data = form.cleaned_data
    inputs = {name: data[name] for name in TRIAL_FIELDS if name != "target_specialties"}
    inputs["target_specialties"] = sorted(s.pk for s in data["target_specialties"])
    return inputs


def trial_profile(inputs: Mapping) -> Profile:
    """An unsaved profile with the visitor's answers and the model's defaults: never saved."""
    return Profile(**{name: inputs[name] for name in TRIAL_FIELDS
                      if name != "target_specialties" and name in inputs})


def specialty_ids(inputs: Mapping) -> list[int]:
    return [int(pk) for pk in inputs.get("target_specialties", [])]


def inputs_key(inputs: Mapping) -> str:
    """The answers as one cache key, like ``tiering.scored.list_inputs`` for a saved profile."""
    profile = trial_profile(inputs)
    return "trial:" + hashlib.sha256(repr((
        applicant_of(profile), sorted(specialty_ids(inputs)), (), profile.budget_usd,
    )).encode()).hexdigest()


@dataclass(slots=True, kw_only=True)
class TrialList:
    profile: Profile  # unsaved
    specialty_ids: list[int]
    sections: list[dict]  # {"tier": stored tier, "rows": [unsaved ListEntry]}
    size: int
    target: int
    cost: budget.Cost
    tiers: dict[int, int]
    border: int
    budget_note: str
    specialties: dict[str, str]  # code -> name, of the specialties applied to
    warnings: list[str] = field(default_factory=list)
    advice: list[advice.Advice] = field(default_factory=list)
    in_scope: int = 0
    eligible: int = 0
    # The scope scored for these answers, its candidates and the selection from them: the
    # page's what-ifs start from them instead of scoring and selecting the list again.
    scored: list[Scored] = field(default_factory=list)
    candidates: list[selection.Candidate] = field(default_factory=list)
    chosen: selection.Selection | None = None


def trial_list(inputs: Mapping) -> TrialList:
    """The list a profile with these answers would get, computed, not stored."""
    profile = trial_profile(inputs)
    ids = specialty_ids(inputs)
    applicant = applicant_of(profile)
    pairs = scope.snapshot().in_scope(ids, [])
    # The selection reads only tiers, scores and points: the scope is scored without the
    # words, and the programs chosen are scored again with them for their explanations.
    results = scoring.score_programs(applicant=applicant, programs=[f for _, f in pairs],
                                     words=False)
    scored = [Scored(p, f, r) for (p, f), r in zip(pairs, results, strict=True)]
    candidates = choosing.candidates_of(scored, applicant)
    chosen = choosing.choose(applicant=applicant, scored=scored,
                             budget_usd=profile.budget_usd, candidates=candidates)
    note = ""
    if chosen.budget_limited:
        full = choosing.choose(applicant=applicant, scored=scored, budget_usd=None,
                               candidates=candidates)
        note = budget_note(profile.budget_usd or 0, chosen, full)
    specialties = dict(Specialty.objects.filter(pk__in=ids).order_by("name")
                       .values_list("code", "name"))
    by_id = {item.program.acgme_id: item for item in scored}
    shown = [by_id[acgme_id] for acgme_id in chosen.chosen]
    worded = scoring.score_programs(applicant=applicant, programs=[i.facts for i in shown])
    rows = []
    for choice, item, result in zip(chosen.chosen.values(), shown, worded, strict=True):
        entry = ListEntry(program=item.program, computed_tier=STORED_TIER[result.tier],
                          score=result.score, confidence=result.confidence,
                          choice={"code": choice.code, "params": dict(choice.params)})
        entry.explanation = explanation_of(result, step2_score=profile.step2_score)
        entry.why_chosen = choice_text(entry, specialties)
        rows.append(entry)
    rows.sort(key=lambda e: (e.tier, -e.score, e.program.name))
    tiers = {tier.value: sum(e.tier == tier.value for e in rows) for tier in Tier
             if tier.value < Tier.NOT_ELIGIBLE}
    return TrialList(
        profile=profile, specialty_ids=ids,
        sections=[{"tier": t, "rows": [e for e in rows if e.tier == t]} for t in tiers],
        size=len(rows), target=chosen.target, cost=chosen.cost, tiers=tiers,
        border=sum(bool(e.program.in_border_region) for e in rows),
        budget_note=budget_note_text(note) if note else "",
        specialties=specialties,
        warnings=[translated(w) for w in scoring.applicant_warnings(applicant=applicant)],
        advice=advice.advice_for(applicant=applicant, specialty_codes=specialties),
        in_scope=len(scored), eligible=sum(item.result.eligible for item in scored),
        scored=scored, candidates=candidates, chosen=chosen,
    )


def trial_save(user: User, inputs: Mapping) -> Profile | None:
    """The answers become the user's profile, and its list is built; None when the user's
    profile is already complete (a profile someone filled is never overwritten)."""
    profile, _ = Profile.objects.get_or_create(user=user)
    if profile.is_complete:
        return None
    ids = list(Specialty.objects.filter(pk__in=specialty_ids(inputs))
               .values_list("pk", flat=True))
    if not ids:
        return None
    with transaction.atomic():
        for name, value in vars(trial_profile(inputs)).items():
            if name in TRIAL_FIELDS:
                setattr(profile, name, value)
        profile.version += 1
        profile.save()
        profile.target_specialties.set(ids)
        # The list is built by tiering's own receiver, as after a save on the profile page.
        profile_saved.send(sender=Profile, profile=profile)
    return profile


def trial_carry_over(request: HttpRequest, user: User) -> Profile | None:
    """On log-in (a confirmed sign-up included): the session's try-it answers become the
    applicant's profile, and leave the session."""
    inputs = request.session.get(SESSION_KEY)
    if not inputs or user.role != User.Role.APPLICANT:
        return None
    profile = trial_save(user, inputs)
    del request.session[SESSION_KEY]
    if profile is not None:
        messages.success(request, _("The list you tried is saved: your answers are now your "
                                    "profile, and your list is built from them."),
                         fail_silently=True)
    else:
        messages.info(request, _("Your account already has a profile: the answers you tried "
                                 "were not copied over it."), fail_silently=True)
    return profile

