from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from applicants.models import SettingPreference
from tiering.scoring.divisions import DIVISION_NAMES, MAX_CHOSEN_DIVISIONS


class GeographyForm(forms.Form):
    divisions = forms.MultipleChoiceField(
        label=_("Census divisions (up to 3)"), choices=list(DIVISION_NAMES.items()),
        required=False, widget=forms.CheckboxSelectMultiple)
    setting = forms.ChoiceField(label=_("Setting"), choices=SettingPreference.choices,
                                required=False)

    def clean_divisions(self) -> list[str]:
        chosen = self.cleaned_data["divisions"]
        if len(chosen) > MAX_CHOSEN_DIVISIONS:
            raise forms.ValidationError(
                _("ERAS allows at most %(n)d divisions; you chose %(chosen)d.")
                % {"n": MAX_CHOSEN_DIVISIONS, "chosen": len(chosen)})
        return chosen
