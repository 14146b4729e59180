"""Signing up, logging in and filling the profile, as an applicant does in the browser."""

from __future__ import annotations

import re

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


def sign_up(client, email: str):
    return client.post(reverse("signup"), {
        "email": email, "password1": "a-long-unusual-pass-42",
        "password2": "a-long-unusual-pass-42",
    })


def link_in(message) -> str:
    return re.search(r"https?://\S+", message.body)[0]


def test_signing_up_opens_the_account_once_the_address_is_confirmed(client, mailoutbox) -> None:
    response = sign_up(client, "Ana@Example.org")

    assert "Check your e-mail" in response.content.decode()
    user = User.objects.get(email="ana@example.org")
    assert not user.is_active and user.email_confirmed_at is None
    [message] = mailoutbox
    assert message.to == ["ana@example.org"]

    response = client.get(link_in(message), follow=True)

    user.refresh_from_db()
    assert user.is_active and user.email_confirmed_at is not None
    assert Profile.objects.filter(user=user).count() == 1
    assert response.context["user"] == user
    assert "Your profile" in response.content.decode()


def test_sign_up_answers_the_same_whether_or_not_the_address_has_an_account(
    client, mailoutbox
) -> None:
    UserFactory(email="taken@example.org")

    new = sign_up(client, "new@example.org").content.decode()
    taken = sign_up(client, "TAKEN@example.org").content.decode()

    def page(html: str, email: str) -> str:  # the same page but for the address and the token
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html.replace(email, "X"))

    assert page(new, "new@example.org") == page(taken, "taken@example.org")
    assert User.objects.filter(email="taken@example.org").count() == 1
    assert [m.to for m in mailoutbox] == [["new@example.org"], ["taken@example.org"]]
    assert "already has one" in mailoutbox[1].body  # the owner is told, nobody else


def test_a_broken_or_old_confirmation_link_says_so(client, mailoutbox, settings) -> None:
    response = client.get(reverse("confirm_email", kwargs={"token": "not-a-token"}))

    assert response.status_code == 400
    assert "This link does not work" in response.content.decode()


def test_log_in_ignores_the_case_of_the_address(client) -> None:
    UserFactory(email="a3@example.org")

    response = client.post(reverse("login"), {
        "username": "A3@Example.org", "password": "correct horse battery staple"})

    assert response.status_code == 302
    assert client.get(reverse("home")).context["user"].email == "a3@example.org"


def test_advisors_and_staff_never_get_an_applicant_profile(client) -> None:
    advisor = UserFactory(role=User.Role.ADVISOR)
    client.force_login(advisor)

    for name in ("applicants:my_profile", "tiering:my_list"):
        response = client.get(reverse(name), follow=True)
        assert response.redirect_chain[-1][0] == reverse("advising:advisor_dashboard")
    assert not Profile.objects.filter(user=advisor).exists()


def test_each_role_lands_on_its_own_page_after_log_in(client) -> None:
    advisor = UserFactory(role=User.Role.ADVISOR, email="coach@example.org")
    response = client.post(reverse("login"), {"username": "coach@example.org",
                                              "password": "correct horse battery staple"},
                           follow=True)
    assert response.redirect_chain[-1][0] == reverse("advising:advisor_dashboard")
    assert advisor.pk == response.context["user"].pk


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


def test_a_save_from_another_tab_is_refused_and_nothing_mixes(client) -> None:
    from tests.factories import SpecialtyFactory
    from tiering.models import ApplicantList

    im = SpecialtyFactory(code="140", name="Internal Medicine")
    fm = SpecialtyFactory(code="120", name="Family Medicine")
    profile = ProfileFactory(graduation_year=2022)
    client.force_login(profile.user)
    url = reverse("applicants:profile", kwargs={"pk": profile.pk})
    loaded = client.get(url).context["form"]["version"].value()  # both tabs load version 0
    first = {**VALID, "version": loaded, "spanish_level": "native",
             "target_specialties": [im.pk]}
    second = {**VALID, "version": loaded, "spanish_level": "basic",
              "target_specialties": [fm.pk], "usce_hands_on_months": "5"}

    assert client.post(url, first).status_code == 302
    response = client.post(url, second)

    assert "changed in another tab" in response.content.decode()
    profile.refresh_from_db()
    assert profile.spanish_level == "native"
    assert list(profile.target_specialties.values_list("code", flat=True)) == ["140"]
    assert ApplicantList.objects.get(profile=profile).profile_version == profile.version == 1


def test_a_refused_profile_lists_each_field_in_error_at_the_top(client) -> None:
    profile = ProfileFactory()
    client.force_login(profile.user)

    response = client.post(reverse("applicants:profile", kwargs={"pk": profile.pk}),
                           {**VALID, "usce_border_months": "9", "step2_score": "400"})

    page = response.content.decode()
    summary = page[page.index('id="error-summary"'):page.index("</ul>", page.index(
        'id="error-summary"'))]
    assert 'href="#id_usce_border_months"' in summary and 'href="#id_step2_score"' in summary
    assert "Please correct 2 fields" in summary


@pytest.mark.parametrize("page", ["login", "signup"])
def test_the_log_in_and_sign_up_pages_lead_an_advisor_to_the_advisor_sign_up(client, page) -> None:
    content = client.get(reverse(page)).content.decode()

    assert f'href="{reverse("advising:advisor_signup")}">Create an advisor account</a>' in content


def test_the_profile_page_sends_the_version_it_was_loaded_with(client) -> None:
    profile = ProfileFactory(graduation_year=2022, version=7)
    client.force_login(profile.user)

    page = client.get(reverse("applicants:profile", kwargs={"pk": profile.pk}))

    assert '<input type="hidden" name="version" value="7"' in page.content.decode()
