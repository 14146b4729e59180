"""Signing up, logging in and filling the profile, as an applicant does in the browser."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from applicants.forms import ProfileForm
from applicants.models import Profile, User
from tests.factories import ProfileFactory, SpecialtyFactory, UserFactory

pytestmark = pytest.mark.django_db

VALID = {
    "step1_passed": "on",
    "step1_attempts": "1",
    "step2_score": "222",
    "step2_attempts": "1",
    "step3_attempts": "0",
    "graduation_year": "2024",
    "visa_need": "j1",
    "ecfmg_status": "certified",
    "usce_hands_on_months": "3",
    "usce_observership_months": "0",
    "usce_border_months": "3",
    "us_letters": "2",
    "research_experiences": "1",
    "spanish_level": "native",
    "budget_usd": "1500",
}


def form_errors(**changes: str) -> dict[str, list[str]]:
    data = {**VALID, **changes}
    form = ProfileForm(data=data, instance=ProfileFactory.build())
    form.is_valid()
    return form.errors


def test_a_complete_profile_is_valid() -> None:
    assert form_errors() == {}


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("step2_score", "301", "A Step 2 CK score is between 1 and 300."),
        ("step2_score", "0", "A Step 2 CK score is between 1 and 300."),
        ("step2_attempts", "5", "USMLE allows at most 4 attempts per Step."),
        ("step1_attempts", "0", "You passed Step 1: enter how many attempts it took (1 to 4)."),
        ("usce_hands_on_months", "-1", "This cannot be negative."),
        ("graduation_year", "1959", "Enter a graduation year from 1960 onwards."),
        (
            "spanish_level",
            "fluent",
            "Select a valid choice. fluent is not one of the available choices.",
        ),
    ],
)
def test_the_profile_form_rejects_bad_input_with_a_clear_message(
    field: str, value: str, message: str
) -> None:
    assert form_errors(**{field: value})[field] == [message]


def test_graduation_in_the_future_is_refused() -> None:
    next_year = str(timezone.now().year + 1)

    errors = form_errors(graduation_year=next_year)

    assert errors["graduation_year"][0].startswith("The graduation year cannot be in the future")


def test_border_experience_cannot_exceed_the_total() -> None:
    errors = form_errors(
        usce_hands_on_months="2", usce_observership_months="1", usce_border_months="4"
    )

    assert errors["usce_border_months"] == [
        "Border-region experience (4 months) cannot be more than your total US clinical "
        "experience (3 months)."
    ]


def test_signing_up_creates_one_profile_and_logs_in(client) -> None:
    response = client.post(
        reverse("signup"),
        {
            "email": "Ana@Example.org",
            "password1": "a-long-unusual-pass-42",
            "password2": "a-long-unusual-pass-42",
        },
        follow=True,
    )

    user = User.objects.get(email="ana@example.org")
    assert Profile.objects.filter(user=user).count() == 1
    assert response.context["user"] == user
    assert "Your profile" in response.content.decode()


def test_a_weak_password_is_refused_at_sign_up(client) -> None:
    response = client.post(
        reverse("signup"),
        {"email": "ana@example.org", "password1": "12345678", "password2": "12345678"},
    )

    assert "This password is too common." in response.content.decode()
    assert not User.objects.exists()


def test_logging_in_with_email_and_password(client) -> None:
    UserFactory(email="ana@example.org")

    response = client.post(
        reverse("login"),
        {"username": "ana@example.org", "password": "correct horse battery staple"},
    )

    assert response.status_code == 302
    assert client.session.get("_auth_user_id")


def test_logging_out_is_a_post(client) -> None:
    client.force_login(UserFactory())

    client.post(reverse("logout"))

    assert not client.session.get("_auth_user_id")


def test_a_saved_profile_is_stored_and_shown_again(client) -> None:
    profile = ProfileFactory()
    im = SpecialtyFactory(code="140", name="Internal Medicine")
    client.force_login(profile.user)
    url = reverse("applicants:profile", kwargs={"pk": profile.pk})

    response = client.post(
        url, {**VALID, "target_specialties": [im.pk], "target_states": ["TX", "NM"]}
    )

    assert response.status_code == 302
    stored = Profile.objects.get(pk=profile.pk)  # read back from the database
    assert stored.step2_score == 222
    assert stored.spanish_level == "native"
    assert stored.target_states == ["NM", "TX"] or stored.target_states == ["TX", "NM"]
    assert list(stored.target_specialties.all()) == [im]
    page = client.get(url).content.decode()
    assert 'value="222"' in page


def test_an_invalid_profile_is_not_saved_and_says_why(client) -> None:
    profile = ProfileFactory(step2_score=230)
    client.force_login(profile.user)

    response = client.post(
        reverse("applicants:profile", kwargs={"pk": profile.pk}), {**VALID, "step2_score": "400"}
    )

    assert response.status_code == 200
    assert "A Step 2 CK score is between 1 and 300." in response.content.decode()
    assert Profile.objects.get(pk=profile.pk).step2_score == 230


def test_someone_elses_profile_is_not_found(client) -> None:
    client.force_login(UserFactory())
    other = ProfileFactory()

    response = client.get(reverse("applicants:profile", kwargs={"pk": other.pk}))

    assert response.status_code == 404


def test_the_profile_needs_a_login(client) -> None:
    profile = ProfileFactory()

    response = client.get(reverse("applicants:profile", kwargs={"pk": profile.pk}))

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_citizenship_defaults_to_needing_a_visa_and_a_citizen_needs_none() -> None:
    assert "visa_need" in form_errors(citizenship="us_citizen", visa_need="j1")
    assert form_errors(citizenship="permanent_resident", visa_need="none") == {}
    form = ProfileForm(data=VALID, instance=ProfileFactory.build())
    assert form.is_valid(), form.errors
    assert form.cleaned_data["citizenship"] == "needs_visa"
