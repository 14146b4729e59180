from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import F


class ListFilterForm(forms.Form):
    """Filters and sort order of the tiered list; choices come from the applicant's own list."""

    SORTS = {
        "score": ("Score, highest first", [F("score").desc(), "program__name"]),
        "name": ("Program name", ["program__name", "program__acgme_id"]),
        "distance": (
            "Distance to the border",
            [F("program__border_distance_km").asc(nulls_last=True), F("score").desc()],
        ),
        "state": ("State and city", ["program__state", "program__city", F("score").desc()]),
        "confidence": ("Confidence, highest first", [F("confidence").desc(), F("score").desc()]),
    }

    specialty = forms.ChoiceField(required=False, label="Specialty")
    state = forms.ChoiceField(required=False, label="State")
    border = forms.BooleanField(required=False, label="Border region only")
    sort = forms.ChoiceField(
        required=False, label="Sort by", choices=[(k, v[0]) for k, v in SORTS.items()]
    )

    def __init__(self, *args: Any, specialties: list[tuple[str, str]], states: list[str],
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["specialty"].choices = [("", "All specialties"), *specialties]
        self.fields["state"].choices = [("", "All states")] + [(s, s) for s in states]

    def ordering(self) -> list:
        key = (self.cleaned_data.get("sort") if self.is_valid() else None) or "score"
        return self.SORTS[key][1]
