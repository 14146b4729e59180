from __future__ import annotations

import copy
from typing import Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Fieldset, Layout, Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from applicants.forms import ProfileForm
from tiering.scoring import Tier

CANDIDATES_PER_PAGE = 25

_TIER_RANK = {Tier.TIER_1: 0, Tier.TIER_2: 1, Tier.TIER_3: 2, Tier.NOT_ELIGIBLE: 3}


def _distance(item: Any) -> float:
    distance = item.program.border_distance_km
    return distance if distance is not None else float("inf")


class ListFilterForm(forms.Form):
    """Filters and sort order of the candidates; choices come from the applicant's own scope.
    Candidates are scored in memory, so the filters and sorts work on the scored items."""

    SORTS = {
        "tier": (_("Tier, then score"), lambda i: (_TIER_RANK[i.result.tier], -i.result.score,
                                                i.program.name)),
        "score": (_("Score, highest first"), lambda i: (-i.result.score, i.program.name)),
        "name": (_("Program name"), lambda i: (i.program.name, i.program.acgme_id)),
        "distance": (_("Distance to the border"), lambda i: (_distance(i), -i.result.score)),
        "state": (_("State and city"), lambda i: (i.program.state, i.program.city,
                                               -i.result.score)),
        "confidence": (_("Confidence, highest first"),
                       lambda i: (-i.result.confidence, -i.result.score)),
    }
    TIERS = [("", _("All tiers")), ("1", _("Tier 1")), ("2", _("Tier 2")), ("3", _("Tier 3")),
             ("4", _("Not eligible"))]

    specialty = forms.ChoiceField(required=False, label=_("Specialty"))
    state = forms.ChoiceField(required=False, label=_("State"))
    tier = forms.ChoiceField(required=False, label=_("Tier"), choices=TIERS)
    border = forms.BooleanField(required=False, label=_("Border region only"))
    sort = forms.ChoiceField(
        required=False, label=_("Sort by"), choices=[(k, v[0]) for k, v in SORTS.items()]
    )

    def __init__(self, *args: Any, specialties: list[tuple[str, str]], states: list[str],
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["specialty"].choices = [("", _("All specialties")), *specialties]
        self.fields["state"].choices = [("", _("All states"))] + [(s, s) for s in states]

    def filter(self, items: list) -> list:
        data = self.cleaned_data if self.is_valid() else {}
        if data.get("specialty"):
            items = [i for i in items if i.program.acgme_id[:3] == data["specialty"]]
        if data.get("state"):
            items = [i for i in items if i.program.state == data["state"]]
        if data.get("border"):
            items = [i for i in items if i.program.in_border_region]
        if data.get("tier"):
            wanted = int(data["tier"])
            items = [i for i in items if (i.result.tier.number or 4) == wanted]
        key = self.SORTS[data.get("sort") or "tier"][1]
        return sorted(items, key=key)


class ListEditForm(forms.Form):
    """A change to the list: why (required of an advisor) and the revision the page showed."""

    reason = forms.CharField(required=False, max_length=500, label=_("Reason"),
                             widget=forms.TextInput)
    revision = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)


# ---------------------------------------------------------------------------------------------
# Try it without an account
# ---------------------------------------------------------------------------------------------

# What the try-it form asks; every other field of the profile keeps the model's default (no
# observership, letter, research or border project; ECFMG in progress; every state).
TRIAL_FIELDS: tuple[str, ...] = (
    "citizenship", "visa_need",
    "step1_passed", "step1_attempts", "step2_score", "step2_attempts",
    "step3_passed", "step3_attempts",
    "graduation_year", "spanish_level", "usce_hands_on_months", "usce_border_months",
    "target_specialties", "budget_usd",
)


class TrialForm(ProfileForm):
    """The profile form's own fields, validators and messages, fewer of them."""

    class Meta(ProfileForm.Meta):
        fields = [f for f in ProfileForm.Meta.fields if f in TRIAL_FIELDS]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("version", "target_states"):
            del self.fields[name]
        self.fields["target_specialties"].required = True
        self.fields["target_specialties"].error_messages["required"] = (
            _("Choose at least one specialty."))
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Fieldset(_("Visa"), "citizenship", "visa_need"),
            Fieldset(
                _("Exams"),
                Div(Div("step1_passed", css_class="col-sm-6"),
                    Div("step1_attempts", css_class="col-sm-6"), css_class="row"),
                Div(Div("step2_score", css_class="col-sm-6"),
                    Div("step2_attempts", css_class="col-sm-6"), css_class="row"),
                Div(Div("step3_passed", css_class="col-sm-6"),
                    Div("step3_attempts", css_class="col-sm-6"), css_class="row"),
            ),
            Fieldset(
                _("Graduation, clinical experience and Spanish"),
                Div(Div("graduation_year", css_class="col-sm-6"),
                    Div("spanish_level", css_class="col-sm-6"), css_class="row"),
                Div(Div("usce_hands_on_months", css_class="col-sm-6"),
                    Div("usce_border_months", css_class="col-sm-6"), css_class="row"),
            ),
            Fieldset(_("Specialties and budget"),
                     Div("target_specialties", css_class="columns-checkboxes"),
                     "budget_usd"),
            Submit("try", _("Show my list"), css_class="btn-primary btn-lg"),
        )


# The same field objects (validators, error messages) as the profile form: the model fields
# are generated again for a subclass, without the messages set on the parent's.
for _name in TrialForm.base_fields:
    if _name in ProfileForm.base_fields:
        TrialForm.base_fields[_name] = copy.deepcopy(ProfileForm.base_fields[_name])
