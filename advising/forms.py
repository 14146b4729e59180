"""Forms of the advisor's corrections, of linking, and of the advisor sign-up."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from advising.models import AdvisorInvitation
from applicants.forms import SignupForm
from applicants.models import Profile
from tiering.models import ListEntry, Tier

REASON_MAX_LENGTH = 2000
NOTE_MAX_LENGTH = 4000


def _reason_field(label: Any, *, required: bool = True) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=REASON_MAX_LENGTH,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ListChangeForm(forms.Form):
    # The list's revision the page was loaded with: a change made from an older page is refused.
    revision = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)


class OverrideForm(ListChangeForm):
    tier = forms.TypedChoiceField(label=_("New tier"), choices=Tier.choices, coerce=int)
    reason = _reason_field(_("Reason (your client reads it)"))


class ExcludeForm(ListChangeForm):
    reason = _reason_field(_("Reason for excluding it (your client reads it)"))


class RestoreForm(ListChangeForm):
    reason = _reason_field(_("Reason (optional)"), required=False)


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("Note"), max_length=NOTE_MAX_LENGTH, strip=True,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    # The program the note is about; empty for a note on the whole list.
    entry = forms.ModelChoiceField(
        queryset=ListEntry.objects.none(), required=False, widget=forms.HiddenInput
    )

    def __init__(self, *args: Any, profile: Profile | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if profile is not None:
            # Only entries of this applicant's list: another list's entry id is just invalid.
            self.fields["entry"].queryset = ListEntry.objects.filter(profile=profile)


class InviteAdvisorForm(forms.Form):
    email = forms.EmailField(label=_("Your advisor's email"))


class AcceptCodeForm(forms.Form):
    code = forms.CharField(label=_("Code from your advisor"), max_length=64, strip=True)


class AdvisorSignupForm(SignupForm):
    """The applicant sign-up (email, password checked by Django's validators) plus the
    one-use code staff issued."""

    field_order = ["code", "email", "password1", "password2"]

    code = forms.CharField(
        label=_("Advisor sign-up code"), max_length=64, strip=True,
        help_text=_("Staff give advisors this code; it works once."),
    )

    def clean_code(self) -> str:
        code = self.cleaned_data["code"]
        usable = AdvisorInvitation.objects.filter(
            code=code, kind=AdvisorInvitation.Kind.ADVISOR_SIGNUP, used_at__isnull=True
        ).exists()
        if not usable:
            raise forms.ValidationError(_("This code is not valid or was already used."))
        return code
