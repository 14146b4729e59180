"""The try-it page scores the scope once, without the words, and words only the programs it
shows; its what-ifs start from that list. A visitor sees what scoring everything in full gives:
the same programs, tiers, scores and explanations, and the same what-if answers."""

from __future__ import annotations

import dataclasses

import pytest
from django.utils import timezone

from programs.models import Specialty
from tiering import choosing, scope, scoring
from tiering.explain import explanation_of
from tiering.forms import TrialForm
from tiering.scored import Scored, applicant_of
from tiering.trial import inputs_key, trial_inputs, trial_list
from tiering.what_if import compare, outcome_of, scenario_changes, scenarios_what_if

pytestmark = pytest.mark.django_db

CORE = ["140", "120", "320", "400"]


def answers(**changes) -> dict:
    data = {
        "citizenship": "needs_visa", "visa_need": "j1", "step1_passed": "on",
        "step1_attempts": "1", "step2_score": "222", "step2_attempts": "1",
        "step3_attempts": "0", "graduation_year": str(timezone.now().year - 2),
        "spanish_level": "native", "usce_hands_on_months": "3", "usce_border_months": "3",
        "target_specialties": [str(pk) for pk in Specialty.objects.filter(code__in=CORE)
                               .values_list("pk", flat=True)],
        "budget_usd": "1500",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


ANSWER_SETS = [
    {},  # the published-advice persona, limited by its budget
    {"step2_score": "205", "spanish_level": "basic", "budget_usd": None},
    {"visa_need": "h1b", "usce_hands_on_months": "0", "usce_border_months": "0"},
    {"citizenship": "us_citizen", "visa_need": "none", "step3_passed": "on",
     "step3_attempts": "1", "spanish_level": "intermediate", "budget_usd": "4000"},
]


def inputs_of(data: dict) -> dict:
    form = TrialForm(data)
    assert form.is_valid(), form.errors
    return trial_inputs(form)


def scored_in_full(applicant, pairs) -> list[Scored]:
    results = scoring.score_programs(applicant=applicant, programs=[f for _, f in pairs])
    return [Scored(p, f, r) for (p, f), r in zip(pairs, results, strict=True)]


@pytest.mark.parametrize("changes", ANSWER_SETS)
def test_the_visitor_sees_the_list_that_scoring_every_program_in_full_gives(
    real_catalog, changes,
) -> None:
    inputs = inputs_of(answers(**changes))
    the_list = trial_list(inputs)
    profile = the_list.profile
    applicant = applicant_of(profile)
    scored = scored_in_full(applicant, scope.snapshot().in_scope(the_list.specialty_ids, []))
    chosen = choosing.choose(applicant=applicant, scored=scored,
                             budget_usd=profile.budget_usd)
    full = {item.program.acgme_id: item.result for item in scored}

    rows = [entry for section in the_list.sections for entry in section["rows"]]
    assert {e.program.acgme_id for e in rows} == set(chosen.chosen)
    for entry in rows:
        result = full[entry.program.acgme_id]
        assert (entry.score, entry.confidence) == (result.score, result.confidence)
        assert entry.explanation == explanation_of(result, step2_score=profile.step2_score)
    assert the_list.cost == chosen.cost
    assert the_list.eligible == sum(r.eligible for r in full.values())


@pytest.mark.parametrize("changes", ANSWER_SETS)
def test_each_what_if_answers_as_scoring_the_changed_answers_in_full_does(
    real_catalog, changes,
) -> None:
    inputs = inputs_of(answers(**changes))
    the_list = trial_list(inputs)
    profile = the_list.profile
    applicant = applicant_of(profile)
    pairs = scope.snapshot().in_scope(the_list.specialty_ids, [])

    shown = scenarios_what_if(profile, inputs=inputs_key(inputs),
                              specialty_ids=the_list.specialty_ids, states=[],
                              ranked=lambda: the_list.scored,
                              candidates=the_list.candidates, chosen=the_list.chosen)

    now = outcome_of(applicant=applicant, budget_usd=profile.budget_usd, pairs=pairs,
                     decisions=choosing.NO_DECISIONS, scored=scored_in_full(applicant, pairs))
    for scenario, change in zip(shown, scenario_changes(applicant, profile.budget_usd),
                                strict=True):
        assert scenario.code == change.code
        if change.applicant is None:
            assert scenario.not_applicable
            continue
        then = outcome_of(applicant=change.applicant, budget_usd=change.budget_usd,
                          pairs=pairs, decisions=choosing.NO_DECISIONS,
                          scored=scored_in_full(change.applicant, pairs))
        moved_up, entering, leaving, gained = compare(now, then)
        assert [p.acgme_id for p in scenario.moved_up] == moved_up
        assert [p.acgme_id for p in scenario.entering] == entering
        assert [p.acgme_id for p in scenario.leaving] == leaving
        assert (scenario.cost_usd, scenario.size, scenario.points_gained) == (
            then.cost_usd, len(then.chosen), gained)


def test_scoring_for_the_numbers_only_gives_the_same_tiers_scores_and_points(
    real_catalog,
) -> None:
    facts = scope.catalog_facts()
    persona = applicant_of(trial_list(inputs_of(answers())).profile)
    for applicant in (persona,
                      dataclasses.replace(persona, visa_need="h1b", step3_passed=True,
                                          step3_attempts=2, spanish_level="none"),
                      dataclasses.replace(persona, step2_score=None, step1_attempts=3,
                                          usce_hands_on_months=0, usce_border_months=0,
                                          preferred_divisions=("pacific",))):
        worded = scoring.score_programs(applicant=applicant, programs=facts)
        numbers = scoring.score_programs(applicant=applicant, programs=facts, words=False)

        def figures(results):
            return [(r.eligible, r.tier, r.score, r.confidence, r.confidence_label,
                     dict(r.components)) for r in results]

        assert figures(numbers) == figures(worded)
        # Scoring with the words afterwards still words every reason.
        assert scoring.score_programs(applicant=applicant, programs=facts[:50]) == worded[:50]
