"""Forms of the application tracker: one entry's tracking, its status alone, and the upload."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tiering.models import ListEntry
from tracker.cells import (
    FIRST_YEAR,
    LAST_YEAR,
    MAX_FEE,
    MAX_LETTERS,
    MAX_NOTES,
    normalize_notes,
)


class StatusForm(forms.ModelForm):
    """The one-click status change of the list page."""

    class Meta:
        model = ListEntry
        fields = ["status"]
        labels = {"status": gettext_lazy("Status")}


class TrackingForm(forms.ModelForm):
    """Every working field of one entry, as the explanation page shows them."""

    letters_sent = forms.IntegerField(
        label=gettext_lazy("Letters sent"), required=False, min_value=0, max_value=MAX_LETTERS)
    fee = forms.DecimalField(
        label=gettext_lazy("Fee paid (USD)"), required=False, min_value=Decimal(0),
        max_value=MAX_FEE, decimal_places=2,
        help_text=gettext_lazy("Leave empty to use the ERAS schedule's fee."))
    notes = forms.CharField(
        label=gettext_lazy("Notes"), required=False, max_length=MAX_NOTES,
        widget=forms.Textarea(attrs={"rows": 3}))

    class Meta:
        model = ListEntry
        fields = ["status", "signal", "date_applied", "interview_date", "letters_sent", "fee",
                  "notes"]
        labels = {"signal": gettext_lazy("Signal sent to this program"),
                  "status": gettext_lazy("Status"), "date_applied": gettext_lazy("Date applied"),
                  "interview_date": gettext_lazy("Interview date")}
        # A date input takes and gives ISO dates, whatever the language of the browser.
        widgets = {
            "date_applied": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "interview_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def _clean_date(self, name: str) -> Any:
        value = self.cleaned_data.get(name)
        if value is not None and not FIRST_YEAR <= value.year <= LAST_YEAR:
            raise forms.ValidationError(_("Enter a date between %(first)s and %(last)s.")
                                        % {"first": FIRST_YEAR, "last": LAST_YEAR})
        return value

    def clean_date_applied(self) -> Any:
        return self._clean_date("date_applied")

    def clean_interview_date(self) -> Any:
        return self._clean_date("interview_date")

    def clean_notes(self) -> str:
        # Browsers send CRLF line ends; the workbook gives LF back. Store one form.
        return normalize_notes(self.cleaned_data["notes"])


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Tracker workbook (.xlsx)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )
