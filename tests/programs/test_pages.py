"""The catalog pages: search, filters, pagination, and facts shown with source and year."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import ProgramFactory, SpecialtyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalog():
    im = SpecialtyFactory(code="140", name="Internal Medicine")
    fm = SpecialtyFactory(code="120", name="Family Medicine")
    return {
        "el_paso": ProgramFactory(
            specialty=im, acgme_id="1404811424", name="Texas Tech El Paso Program",
            city="El Paso", state="TX", border_distance_km=10.2, in_border_region=True,
            j1_accepted="yes", h1b_sponsored="no", setting="university",
            provenance={"j1_accepted": {"source": "freida-2025", "year": 2025,
                                        "url": "https://freida.ama-assn.org/program/1404811424"}},
        ),
        "phoenix": ProgramFactory(
            specialty=im, acgme_id="1400321025", name="Phoenix University Program",
            city="Phoenix", state="AZ", border_distance_km=199.0, in_border_region=False,
            j1_accepted="no",
        ),
        "laredo": ProgramFactory(
            specialty=fm, acgme_id="1204821001", name="Laredo Family Program", city="Laredo",
            state="TX", border_distance_km=2.0, in_border_region=True,
        ),
    }


def names(response) -> list[str]:
    return [p.name for p in response.context["page"].object_list]


def test_every_public_page_renders(client, catalog) -> None:
    for url in [reverse("home"), reverse("programs:list"), reverse("sources"),
                reverse("login"), reverse("signup"),
                reverse("programs:detail", args=["1404811424"])]:
        assert client.get(url).status_code == 200, url


def test_search_finds_programs_by_name_or_city(client, catalog) -> None:
    assert names(client.get(reverse("programs:list"), {"q": "laredo"})) == [
        "Laredo Family Program"
    ]
    assert names(client.get(reverse("programs:list"), {"q": "Texas Tech"})) == [
        "Texas Tech El Paso Program"
    ]


def test_filters_combine(client, catalog) -> None:
    response = client.get(reverse("programs:list"), {"specialty": "140", "border": "on"})

    assert names(response) == ["Texas Tech El Paso Program"]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"state": "AZ"}, ["Phoenix University Program"]),
        ({"j1": "no"}, ["Phoenix University Program"]),
        ({"j1": "unknown"}, ["Laredo Family Program"]),
        ({"h1b": "no"}, ["Texas Tech El Paso Program"]),
        ({"setting": "university"}, ["Texas Tech El Paso Program"]),
        ({"setting": "unknown"}, ["Laredo Family Program", "Phoenix University Program"]),
    ],
)
def test_each_filter_narrows_the_list(client, catalog, params, expected) -> None:
    assert names(client.get(reverse("programs:list"), params)) == expected


def test_the_list_is_paginated_and_keeps_filters_across_pages(client) -> None:
    im = SpecialtyFactory()
    for n in range(55):
        ProgramFactory(specialty=im, name=f"Program {n:02d}")

    first = client.get(reverse("programs:list"), {"specialty": "140"})
    second = client.get(reverse("programs:list"), {"specialty": "140", "page": 2})

    assert len(first.context["page"].object_list) == 50
    assert len(second.context["page"].object_list) == 5
    assert "specialty=140&amp;page=2" in first.content.decode()


def test_an_empty_result_says_so(client, catalog) -> None:
    response = client.get(reverse("programs:list"), {"q": "no such place"})

    assert "No program matches these filters" in response.content.decode()


def test_a_program_page_shows_each_fact_with_source_and_year_and_unknowns(client, catalog) -> None:
    page = client.get(reverse("programs:detail", args=["1404811424"])).content.decode()

    assert "AMA FREIDA" in page
    assert "2025" in page
    assert "https://freida.ama-assn.org/program/1404811424" in page
    # Nothing is known about the IMG share here: it is shown as unknown, not as zero.
    assert page.count("unknown") >= 5
    assert "10.2 km (in the border region)" in page


def test_an_unknown_program_id_is_not_found(client, catalog) -> None:
    assert client.get(reverse("programs:detail", args=["9999999999"])).status_code == 404


def test_the_admin_lists_the_catalog(admin_client, catalog) -> None:
    response = admin_client.get(reverse("admin:programs_program_changelist"))

    assert response.status_code == 200
    assert "Texas Tech El Paso Program" in response.content.decode()


def test_internal_medicine_in_the_border_region_shows_the_border_cities(client, real_catalog):
    response = client.get(reverse("programs:list"), {"specialty": "140", "border": "on"})

    cities = {p.city for p in response.context["page"].object_list}
    assert {"El Paso", "Laredo", "Las Cruces", "Tucson"} <= cities
    assert cities & {"Harlingen", "McAllen", "Edinburg", "Weslaco"}  # the Rio Grande Valley
    assert not cities & {"Phoenix", "San Antonio"}
