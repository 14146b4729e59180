from __future__ import annotations

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from programs.models import US_STATES, Program, Setting, Specialty, TriState, VerifiedFact
from programs.verification import VERIFIABLE, check_entry, clean_value

ANY = [("", _("Any"))]
# Thresholds of the county's Spanish-at-home share the catalog offers (issue 28).
SPANISH_SHARES = (10, 25, 50, 75)


def spanish_share_choices() -> list[tuple[str | int, str]]:
    """Called for each form, so the labels are in the request's language."""
    return [("", gettext("Any"))] + [
        (n, gettext("at least %(n)s%% speak Spanish at home") % {"n": n}) for n in SPANISH_SHARES
    ]


class CatalogFilterForm(forms.Form):
    q = forms.CharField(label=_("Name or city"), required=False, max_length=100)
    specialty = forms.ModelChoiceField(
        queryset=Specialty.objects.order_by("name"),
        required=False,
        to_field_name="code",
        empty_label=_("Any specialty"),
    )
    state = forms.ChoiceField(
        choices=[("", _("Any state"))] + [(s, s) for s in sorted(US_STATES)], required=False
    )
    border = forms.BooleanField(label=_("Border region only (within 100 km)"), required=False)
    spanish = forms.TypedChoiceField(
        label=_("Spanish-speaking community"),
        choices=spanish_share_choices,
        coerce=int,
        empty_value=None,
        required=False,
        help_text=_("county, Census 2019-2023"),
    )
    shortage = forms.BooleanField(
        label=_("Primary-care shortage area (county has a geographic HPSA)"), required=False
    )
    j1 = forms.ChoiceField(label="J-1", choices=ANY + TriState.choices, required=False)
    h1b = forms.ChoiceField(label="H-1B", choices=ANY + TriState.choices, required=False)
    setting = forms.ChoiceField(
        choices=ANY + Setting.choices + [("unknown", _("Unknown"))], required=False
    )

    def filter(self, programs: QuerySet[Program]) -> QuerySet[Program]:
        data = self.cleaned_data
        programs = programs.search(data.get("q") or "")
        if data.get("specialty"):
            programs = programs.filter(specialty=data["specialty"])
        if data.get("state"):
            programs = programs.filter(state=data["state"])
        if data.get("border"):
            programs = programs.in_border_region()
        if data.get("spanish") is not None:
            # An unknown share never passes a threshold.
            programs = programs.filter(county_spanish_share__gte=data["spanish"])
        if data.get("shortage"):
            programs = programs.filter(hpsa_primary_care=TriState.YES)
        if data.get("j1"):
            programs = programs.filter(j1_accepted=data["j1"])
        if data.get("h1b"):
            programs = programs.filter(h1b_sponsored=data["h1b"])
        if data.get("setting"):
            programs = programs.filter(
                setting="" if data["setting"] == "unknown" else data["setting"]
            )
        return programs


class VerifiedFactForm(forms.Form):
    """A fact verified with the program; bad input is refused with a message on the field."""

    key = forms.ChoiceField(label=_("Fact"), choices=())
    value = forms.CharField(
        max_length=20,
        help_text=_("yes or no; a share 0-100; a number of positions; a setting."),
    )
    method = forms.ChoiceField(
        label=_("How it was verified"),
        choices=[c for c in VerifiedFact.Method.choices if c[0] != VerifiedFact.Method.REPORT],
    )
    url = forms.CharField(label=_("Link (http or https)"), required=False, max_length=500)
    note = forms.CharField(label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(
        attrs={"rows": 2}))
    verified_on = forms.DateField(label=_("Verified on"), widget=forms.DateInput(
        attrs={"type": "date"}))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["key"].choices = [(k, v.label) for k, v in VERIFIABLE.items()]

    def clean(self) -> dict:
        data = super().clean()
        if {"key", "value", "verified_on"} <= set(data):
            errors = check_entry(key=data["key"], value=data["value"], url=data.get("url", ""),
                                 verified_on=data["verified_on"])
            for field, message in errors.items():
                self.add_error(field, message)
        return data


class ErrorReportForm(forms.Form):
    """An applicant's report that a fact is wrong: staff review it before anything changes."""

    key = forms.ChoiceField(label=_("Which fact"), choices=())
    note = forms.CharField(label=_("What is wrong"), max_length=2000, widget=forms.Textarea(
        attrs={"rows": 2}))
    value = forms.CharField(label=_("Correct value, if you know it"), required=False,
                            max_length=20)
    url = forms.CharField(label=_("Link (optional, http or https)"), required=False,
                          max_length=500)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["key"].choices = [(k, v.label) for k, v in VERIFIABLE.items()]

    def clean(self) -> dict:
        data = super().clean()
        url = data.get("url", "")
        if url and not url.lower().startswith(("http://", "https://")):
            self.add_error("url", gettext("Give an http:// or https:// address."))
        if data.get("value") and data.get("key"):
            try:
                clean_value(data["key"], data["value"])
            except forms.ValidationError as exc:
                self.add_error("value", exc.messages[0])
        return data
