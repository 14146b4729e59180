"""The list, a program's explanation and the scoring's reasons read in Spanish: no English
heading, button or reason is left, and the numbers inside a reason land where the Spanish
sentence puts them."""

from __future__ import annotations

import re

import pytest
from django.utils import translation

from programs.models import Program
from tests.factories import ProfileFactory, ProgramFactory, SpecialtyFactory
from tests.routes import route
from tests.test_i18n import visible_text
from tests.tiering.test_scoring import make_applicant, make_program
from tiering import scoring
from tiering.explain import translated
from tiering.list_summary import budget_note_text
from tiering.lists import list_recompute

# The English headings, buttons, labels and reasons of the list and the explanation pages. Each
# one would show on a Spanish page only if a string escaped translation.
LIST_ENGLISH = [
    "Your program list", "Edit profile", "Rebuild my list", "Build my list",
    "in the US-Mexico border region", "visa policy to verify", "Programs per tier",
    "By specialty and tier", "ERAS fees", "Before you apply", "The list", "More candidates",
    "Every other program in your specialties", "Border region only", "Sort by", "Apply",
    "Add to the list", "Tier and score", "IMG residents", "Change", "Pin: keep on rebuilds",
    "Remove", "On the list:", "confidence", "Verify:", "non-US", "all IMGs", "unknown",
    "Tier 1: realistic", "Tier 2: moderately", "Tier 3: reach", "Not eligible", "of 15",
    "Does not take J-1 visas", "Takes J-1 visas", "IMGs are", "You graduated", "Step 2 CK 222 vs",
    "failed USMLE", "ECFMG must confirm", "A J-1 needs a Statement of Need", "place",
    "candidates", "IMG presence", "Tier, then score", "All specialties",
]
EXPLANATION_ENGLISH = [
    "Your list", "score ", "of 100", "What placed it here", "Part of the score", "Points",
    "Why each part", "Why not a better tier", "Verify with the program", "What would move it up",
    "Program facts and their sources", "Tier 2 at best", "Takes J-1 visas", "Non-US IMGs are",
    "of residents here", "You graduated", "hands-on US clinical experience",
    "Border mission fit", "No failed USMLE attempts", "would make this", "year unknown",
]


def english_left(html: str, phrases: list[str]) -> list[str]:
    """The phrases still on the page, as whole words ("Client" is not in "Cliente")."""
    text = visible_text(html)
    ends = {True: r"\b", False: ""}
    return [phrase for phrase in phrases
            if re.search(r"\b" + re.escape(phrase) + ends[phrase[-1].isalnum()], text)]


@pytest.fixture
def applicant(db):
    """A J-1 applicant with a list: a border program taking J-1 with its IMG share, one that
    refuses J-1 (Not eligible), and programs whose visa policy and IMG share are unknown."""
    specialty = SpecialtyFactory()
    ProgramFactory(specialty=specialty, name="Hospital Fronterizo", j1_accepted="yes",
                   non_us_img_share_pct=45, in_border_region=True,
                   provenance={"j1_accepted": {"source": "AMA FREIDA", "year": 2025},
                               "non_us_img_share_pct": {"source": "AAMC Residency Explorer",
                                                        "year": 2024}})
    ProgramFactory(specialty=specialty, name="Hospital Cerrado", j1_accepted="no",
                   provenance={"j1_accepted": {"source": "AMA FREIDA", "year": 2025}})
    for n in range(3):
        ProgramFactory(specialty=specialty, name=f"Programa {n}", in_border_region=False)
    profile = ProfileFactory(spanish_level="native", usce_hands_on_months=1, budget_usd=5000)
    profile.target_specialties.set([specialty])
    list_recompute(profile)
    return profile


@pytest.mark.django_db
def test_the_list_page_is_in_spanish_for_a_spanish_reader(client, applicant) -> None:
    client.force_login(applicant.user)

    response = client.get(route("list", pk=applicant.pk), HTTP_ACCEPT_LANGUAGE="es")

    html = response.content.decode()
    assert '<html lang="es">' in html
    assert english_left(html, LIST_ENGLISH) == []
    text = visible_text(html)
    assert "Tu lista de programas" in text and "Más candidatos" in text
    assert "Antes de aplicar" in text


@pytest.mark.django_db
def test_the_explanation_page_says_why_in_spanish_with_the_programs_figures(
    client, applicant,
) -> None:
    client.force_login(applicant.user)
    program = Program.objects.get(name="Hospital Fronterizo")

    response = client.get(route("explanation", pk=applicant.pk, acgme_id=program.acgme_id),
                          HTTP_ACCEPT_LANGUAGE="es")

    html = response.content.decode()
    assert english_left(html, EXPLANATION_ENGLISH) == []
    text = visible_text(html)
    # The figure and its source, inside the Spanish sentence; the source keeps its name.
    assert ("Los IMG no estadounidenses son el 45% de los residentes aquí "
            "(AAMC Residency Explorer, 2024)") in text
    assert "Acepta visas J-1 (AMA FREIDA, 2025)" in text
    assert "Te graduaste hace " in text


@pytest.mark.django_db
def test_the_same_list_read_in_english_then_spanish_is_not_served_from_the_other_language(
    client, applicant,
) -> None:
    """The list's rows are cached: the language is part of what they are kept under."""
    client.force_login(applicant.user)
    url = route("list", pk=applicant.pk)

    english = visible_text(client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode())
    spanish = visible_text(client.get(url, HTTP_ACCEPT_LANGUAGE="es").content.decode())
    again = visible_text(client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode())

    for english_words, spanish_words in (("Pin: keep on rebuilds", "Fijar: conservar al"),
                                         ("More candidates", "Más candidatos")):
        assert english_words in english and english_words in again
        assert english_words not in spanish and spanish_words in spanish


def test_a_reason_is_translated_before_its_numbers_are_put_in() -> None:
    applicant = make_applicant(graduation_year=2012, as_of_year=2026, visa_need="j1",
                               ecfmg_certified=False)
    program = make_program(j1_accepted="no", fact_years={"j1_accepted": 2025},
                           fact_sources={"j1_accepted": "AMA FREIDA"})

    result = scoring.score_program(applicant=applicant, program=program)

    [hard] = result.hard_reasons
    assert hard == "Does not take J-1 visas (AMA FREIDA, 2025)"  # English as before
    with translation.override("es"):
        assert translated(hard) == "No acepta visas J-1 (AMA FREIDA, 2025)"
        warnings = [translated(w) for w in scoring.applicant_warnings(applicant=applicant)]
    assert "Te graduaste hace 14 años: muchos programas indican límites de 3, 5 o 10 años, así " \
           "que revisa cada programa" in warnings


def test_plural_reasons_follow_the_number_in_each_language() -> None:
    program = make_program()
    said = {}
    for months in (1, 2):
        result = scoring.score_program(
            applicant=make_applicant(usce_hands_on_months=months), program=program)
        [usce] = [r.text for r in result.reasons if r.component == scoring.C_USCE]
        with translation.override("es"):
            said[months] = (usce, translated(usce))

    assert said[1][0].startswith("1 month of hands-on")
    assert said[2][0].startswith("2 months of hands-on")
    assert said[1][1].startswith("1 mes de experiencia clínica práctica en EE. UU.")
    assert said[2][1].startswith("2 meses de experiencia clínica práctica en EE. UU.")


def test_money_and_thousands_read_the_latin_american_way_in_spanish() -> None:
    from django.template import Context, Template

    note = ('{"code":"set_size","params":{"budget":1500,"size":60,"full":100,'
            '"full_cost":2345,"more":845}}')
    with translation.override("es"):
        spanish = budget_note_text(note)
        number = Template("{% load humanize %}{{ n|intcomma }}").render(Context({"n": 12345}))
    with translation.override("en"):
        english = budget_note_text(note)

    assert spanish == ("Tu presupuesto de US$1,500 dejó la lista en 60 programas; la guía "
                       "sugiere 100 (US$2,345), US$845 más.")
    assert english.startswith("Your budget of $1,500 set the list at 60 programs")
    assert number == "12,345"


PROFILE_ENGLISH = [
    "Your profile", "Exams", "Graduation and visa", "Clinical experience", "Preferences",
    "Save profile", "Specialties you apply to", "States (leave all unticked",
    "See the program list", "The tiers are computed", "Step 1 passed", "Spanish",
]


@pytest.mark.django_db
def test_the_profile_form_and_its_errors_are_in_spanish(client, applicant) -> None:
    client.force_login(applicant.user)
    url = route("profile", pk=applicant.pk)

    page = client.get(url, HTTP_ACCEPT_LANGUAGE="es").content.decode()
    errors = client.post(url, {"graduation_year": 2999, "step2_score": 400},
                         HTTP_ACCEPT_LANGUAGE="es").content.decode()

    assert english_left(page, PROFILE_ENGLISH) == []
    text = visible_text(errors)
    assert "El año de graduación no puede estar en el futuro" in text
    assert "Un puntaje de Step 2 CK está entre 1 y 300." in text
    assert re.search(r"Corrige \d+ campos:", text)


@pytest.mark.django_db
def test_signing_up_in_spanish_gives_a_spanish_page_and_e_mail(client, mailoutbox) -> None:
    response = client.post("/accounts/signup/", {
        "email": "ana@example.org", "password1": "correct horse battery staple",
        "password2": "correct horse battery staple"}, HTTP_ACCEPT_LANGUAGE="es", follow=True)
    invalid = client.get("/accounts/confirm/not-a-token/", HTTP_ACCEPT_LANGUAGE="es")

    text = visible_text(response.content.decode())
    assert "Revisa tu correo" in text and "Check your e-mail" not in text
    assert "El enlace funciona durante 3 días" in text
    [mail] = mailoutbox
    assert mail.subject == "Confirma tu correo electrónico en Residency Planner"
    assert "Abre este enlace para confirmar tu correo electrónico (ana@example.org)" in mail.body
    assert "Welcome" not in mail.body
    assert "Este enlace no funciona" in visible_text(invalid.content.decode())


CATALOG_ENGLISH = [
    "Program catalog", "Search and filter", "Name or city", "Any specialty", "Any state",
    "Setting", "J-1 accepted", "H-1B sponsored", "Search", "Clear", "Non-US IMG residents",
    "programs, page", "Facts and where they come from", "City and state", "Distance to the",
    "PGY-1 positions", "J-1 visa accepted", "Minimum Step 2 CK", "Policies change every season",
    "Report an error", "Send report", "Sources and attributions", "Every program fact",
    "unknown", "year not stated", "Yes", "Required",
]
DASHBOARD_ENGLISH = [
    "Your clients", "New client code", "Counts are from", "Client", "Tier 1", "Not eligible",
    "Progress", "Last update", "List computed", "To act on", "applied", "interview", "Profile",
    "History", "Visa policy to verify", "Nothing", "budget",
]


@pytest.mark.django_db
def test_the_catalog_and_a_programs_facts_are_in_spanish(client, applicant) -> None:
    client.force_login(applicant.user)
    program = Program.objects.get(name="Hospital Fronterizo")
    pages = [client.get(url, HTTP_ACCEPT_LANGUAGE="es").content.decode() for url in (
        "/programs/", f"/programs/{program.acgme_id}/", "/sources/")]

    # The sources page quotes each source's own description of what it covers: only its own
    # words are checked there.
    assert english_left(pages[0], CATALOG_ENGLISH) == []
    assert english_left(pages[1], CATALOG_ENGLISH) == []
    assert english_left(pages[2], ["Sources and attributions", "Every program fact"]) == []
    assert "Acepta visa J-1" in visible_text(pages[1])
    # The source keeps its published name.
    assert "AMA FREIDA" in visible_text(pages[1])


@pytest.mark.django_db
def test_the_advisors_dashboard_is_in_spanish(client, applicant) -> None:
    from applicants.models import AdvisorLink
    from tests.factories import UserFactory

    advisor = UserFactory(role="advisor")
    AdvisorLink.objects.create(profile=applicant, advisor=advisor)
    client.force_login(advisor)

    html = client.get(route("advisor_dashboard"), HTTP_ACCEPT_LANGUAGE="es").content.decode()

    assert english_left(html, DASHBOARD_ENGLISH) == []
    assert "Tus clientes" in visible_text(html)
