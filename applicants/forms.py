from __future__ import annotations

from typing import Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Div, Fieldset, Layout, Submit
from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm, UserCreationForm
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from applicants.models import USMLE_MAX_ATTEMPTS, Citizenship, Profile, User, VisaNeed
from applicants.same_time import answered_no_sooner
from programs.models import US_STATES, Specialty

EARLIEST_GRADUATION_YEAR = 1960
STATE_CHOICES = [(code, code) for code in sorted(US_STATES)]


class SignupForm(UserCreationForm):
    class Meta:
        model = User
        fields = ("email",)

    def clean_email(self) -> str:
        # No "already registered" error: the page must not tell who has an account. The view
        # e-mails the owner of an existing address instead.
        return self.cleaned_data["email"].strip().lower()

    def validate_unique(self) -> None:
        pass  # see clean_email


class EmailForm(forms.Form):
    """One address: "send the link again"."""

    email = forms.EmailField(
        label=gettext_lazy("Email address"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}))

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()


class ThrottledPasswordResetForm(PasswordResetForm):
    """The reset e-mail goes through the counted queue (applicants/mail.py); an account that
    still waits for its address's confirmation gets the confirmation link instead of nothing
    (the account opens with it; a reset link would not open it)."""

    def save(self, *args: Any, request: Any = None, **kwargs: Any) -> None:
        from applicants.confirmation import send_confirmation

        self._request = request
        with answered_no_sooner():  # an address with an account gets an e-mail; others none
            waiting = User.objects.filter(email__iexact=self.cleaned_data["email"],
                                          is_active=False,
                                          email_confirmed_at__isnull=True).first()
            if waiting is not None:
                send_confirmation(request, waiting)
                return
            super().save(*args, request=request, **kwargs)

    def send_mail(self, subject_template_name: str, email_template_name: str,
                  context: dict, from_email: str | None, to_email: str,
                  html_email_template_name: str | None = None) -> None:
        from applicants.mail import mail_send

        subject = "".join(render_to_string(subject_template_name, context).splitlines())
        mail_send(self._request, to=to_email, subject=subject,
                  body=render_to_string(email_template_name, context))


class EmailAuthenticationForm(AuthenticationForm):
    # Django's own message says both fields "may be case-sensitive"; the e-mail is not.
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": gettext_lazy(
            "The e-mail address or the password is not right. Check the password (it is "
            "case-sensitive; the address is not), or reset it below."),
    }
    username = forms.EmailField(
        label=gettext_lazy("Email"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )

    def clean_username(self) -> str:
        return self.cleaned_data["username"].strip().lower()


class ProfileForm(forms.ModelForm):
    # The version the page was loaded with; the view refuses a save made from an older one.
    version = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)

    target_specialties = forms.ModelMultipleChoiceField(
        queryset=Specialty.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=gettext_lazy("Specialties you apply to"),
    )
    target_states = forms.MultipleChoiceField(
        choices=STATE_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=gettext_lazy("States (leave all unticked for every state)"),
    )

    class Meta:
        model = Profile
        fields = [
            "step1_passed",
            "step1_attempts",
            "step2_score",
            "step2_attempts",
            "step3_passed",
            "step3_attempts",
            "graduation_year",
            "citizenship",
            "visa_need",
            "ecfmg_status",
            "usce_hands_on_months",
            "usce_observership_months",
            "usce_border_months",
            "us_letters",
            "research_experiences",
            "border_or_underserved_projects",
            "spanish_level",
            "target_specialties",
            "target_states",
            "budget_usd",
        ]
        widgets = {
            "citizenship": forms.RadioSelect,
            "visa_need": forms.RadioSelect,
            "spanish_level": forms.RadioSelect,
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["graduation_year"].required = True
        self.fields["version"].initial = self.instance.version
        # Profiles saved before citizenship was asked need a visa; so does a form that omits it.
        self.fields["citizenship"].required = False
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            # A layout renders only the fields it names: without this the page never sent the
            # version, and a second tab's save overwrote the first one's silently.
            "version",
            Fieldset(
                gettext("Exams"),
                Div(
                    Div("step1_passed", css_class="col-sm-6"),
                    Div("step1_attempts", css_class="col-sm-6"),
                    css_class="row",
                ),
                Div(
                    Div("step2_score", css_class="col-sm-6"),
                    Div("step2_attempts", css_class="col-sm-6"),
                    css_class="row",
                ),
                Div(
                    Div("step3_passed", css_class="col-sm-6"),
                    Div("step3_attempts", css_class="col-sm-6"),
                    css_class="row",
                ),
            ),
            Fieldset(
                gettext("Graduation and visa"),
                Div(
                    Div("graduation_year", css_class="col-sm-6"),
                    Div("ecfmg_status", css_class="col-sm-6"),
                    css_class="row",
                ),
                "citizenship",
                "visa_need",
            ),
            Fieldset(
                gettext("Clinical experience"),
                Div(
                    Div("usce_hands_on_months", css_class="col-sm-4"),
                    Div("usce_observership_months", css_class="col-sm-4"),
                    Div("usce_border_months", css_class="col-sm-4"),
                    css_class="row",
                ),
                Div(
                    Div("us_letters", css_class="col-sm-6"),
                    Div("research_experiences", css_class="col-sm-6"),
                    css_class="row",
                ),
                "border_or_underserved_projects",
            ),
            Fieldset(gettext("Language"), "spanish_level"),
            Fieldset(
                gettext("Preferences"),
                Div("target_specialties", css_class="columns-checkboxes"),
                Div("target_states", css_class="columns-checkboxes columns-narrow"),
                "budget_usd",
            ),
            HTML("<hr>"),
            Submit("save", gettext("Save profile"), css_class="btn-primary btn-lg"),
        )

    def clean_graduation_year(self) -> int:
        year = self.cleaned_data["graduation_year"]
        this_year = timezone.now().year
        if year > this_year:
            raise forms.ValidationError(
                gettext("The graduation year cannot be in the future (it is %(year)s now).")
                % {"year": this_year}
            )
        if year < EARLIEST_GRADUATION_YEAR:
            raise forms.ValidationError(
                gettext("Enter a graduation year from %(year)s onwards.")
                % {"year": EARLIEST_GRADUATION_YEAR}
            )
        return year

    def clean_citizenship(self) -> str:
        return self.cleaned_data.get("citizenship") or Citizenship.NEEDS_VISA

    def clean_step2_score(self) -> int | None:
        score = self.cleaned_data.get("step2_score")
        if score is not None and not 1 <= score <= 300:
            raise forms.ValidationError(gettext("A Step 2 CK score is between 1 and 300."))
        return score

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        self._check_attempts(data, "step1", passed=bool(data.get("step1_passed")), name="Step 1")
        self._check_attempts(
            data, "step2", passed=data.get("step2_score") is not None, name="Step 2 CK"
        )
        self._check_attempts(data, "step3", passed=bool(data.get("step3_passed")), name="Step 3")
        citizenship = data.get("citizenship")
        if citizenship and citizenship != Citizenship.NEEDS_VISA and data.get("visa_need") not in (
            None, VisaNeed.NONE
        ):
            self.add_error(
                "visa_need",
                gettext("A US citizen or permanent resident needs no visa: choose \"None\", or "
                        "change your citizenship."),
            )
        hands_on = data.get("usce_hands_on_months") or 0
        observer = data.get("usce_observership_months") or 0
        border = data.get("usce_border_months")
        if border is not None and border > hands_on + observer:
            self.add_error(
                "usce_border_months",
                gettext("Border-region experience (%(border)s months) cannot be more than your "
                        "total US clinical experience (%(total)s months).")
                % {"border": border, "total": hands_on + observer},
            )
        return data

    def _check_attempts(self, data: dict[str, Any], step: str, *, passed: bool, name: str) -> None:
        field = f"{step}_attempts"
        attempts = data.get(field)
        if attempts is None:
            return
        if attempts > USMLE_MAX_ATTEMPTS:
            self.add_error(field, gettext("USMLE allows at most %(n)s attempts per Step.")
                           % {"n": USMLE_MAX_ATTEMPTS})
        elif passed and attempts < 1:
            self.add_error(field, gettext("You passed %(step)s: enter how many attempts it took "
                                          "(1 to 4).") % {"step": name})


for _name in (
    "step1_attempts",
    "step2_attempts",
    "step3_attempts",
    "usce_hands_on_months",
    "usce_observership_months",
    "usce_border_months",
    "us_letters",
    "research_experiences",
    "budget_usd",
):
    # Model validators give "Ensure this value is greater than or equal to 0."; say it plainly.
    ProfileForm.base_fields[_name].error_messages["min_value"] = gettext_lazy(
        "This cannot be negative."
    )
for _name in ("step1_attempts", "step2_attempts", "step3_attempts"):
    ProfileForm.base_fields[_name].error_messages["max_value"] = gettext_lazy(
        "USMLE allows at most 4 attempts per Step."
    )
