from __future__ import annotations

from django import forms
from django.db.models import QuerySet

from programs.models import US_STATES, Program, Setting, Specialty, TriState

ANY = [("", "Any")]


class CatalogFilterForm(forms.Form):
    q = forms.CharField(label="Name or city", required=False, max_length=100)
    specialty = forms.ModelChoiceField(
        queryset=Specialty.objects.order_by("name"),
        required=False,
        to_field_name="code",
        empty_label="Any specialty",
    )
    state = forms.ChoiceField(
        choices=[("", "Any state")] + [(s, s) for s in sorted(US_STATES)], required=False
    )
    border = forms.BooleanField(label="Border region only (within 100 km)", required=False)
    j1 = forms.ChoiceField(label="J-1", choices=ANY + TriState.choices, required=False)
    h1b = forms.ChoiceField(label="H-1B", choices=ANY + TriState.choices, required=False)
    setting = forms.ChoiceField(
        choices=ANY + Setting.choices + [("unknown", "Unknown")], required=False
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
        if data.get("j1"):
            programs = programs.filter(j1_accepted=data["j1"])
        if data.get("h1b"):
            programs = programs.filter(h1b_sponsored=data["h1b"])
        if data.get("setting"):
            programs = programs.filter(
                setting="" if data["setting"] == "unknown" else data["setting"]
            )
        return programs
