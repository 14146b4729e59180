"""The county facts on the catalog: the Spanish-speaking and shortage-area filters beside the
border filter, the program page's rows with source, period and reasons, and what no source
covers (Urology's visa policy)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from tests.factories import ProgramFactory, SpecialtyFactory

pytestmark = pytest.mark.django_db

ACS = {"source": "acs-2019-2023", "year": 2023}
HRSA = {"source": "hrsa-hpsa-pc-2020", "year": 2020}


@pytest.fixture
def catalog():
    im = SpecialtyFactory(code="140", name="Internal Medicine")
    urology = SpecialtyFactory(code="480", name="Urology")
    return {
        "mcallen": ProgramFactory(
            specialty=im, acgme_id="1404800001", name="Valley Border Program", city="McAllen",
            county_fips="48215", border_distance_km=11.8, in_border_region=True,
            j1_accepted="yes", county_spanish_share=79.3, county_spanish_share_period="2019-2023",
            hpsa_primary_care="no",
            provenance={"county_spanish_share": ACS, "hpsa_primary_care": HRSA}),
        "yakima": ProgramFactory(
            specialty=im, acgme_id="1405400002", name="Yakima Valley Program", city="Yakima",
            state="WA", county_fips="53077", border_distance_km=1900.0, in_border_region=False,
            county_spanish_share=40.9, county_spanish_share_period="2019-2023",
            hpsa_primary_care="yes", hpsa_primary_care_score=17,
            provenance={"county_spanish_share": ACS, "hpsa_primary_care": HRSA}),
        "boston": ProgramFactory(
            specialty=im, acgme_id="1402400003", name="Harbor City Program", city="Boston",
            state="MA", county_fips="25025", border_distance_km=3000.0, in_border_region=False,
            county_spanish_share=19.6, county_spanish_share_period="2019-2023",
            hpsa_primary_care="no",
            provenance={"county_spanish_share": ACS, "hpsa_primary_care": HRSA}),
        # Manhattan: the county is not known (simplemaps files New York City under Queens).
        "manhattan": ProgramFactory(
            specialty=im, acgme_id="1403500004", name="Island Program", city="New York",
            state="NY"),
        "urology": ProgramFactory(
            specialty=urology, acgme_id="4804800005", name="Desert Urology Program",
            city="El Paso", county_fips="48141", county_spanish_share=66.3,
            county_spanish_share_period="2019-2023", provenance={"county_spanish_share": ACS}),
    }


def names(response) -> list[str]:
    return sorted(p.name for p in response.context["page"].object_list)


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"spanish": "50"}, ["Desert Urology Program", "Valley Border Program"]),
        ({"spanish": "25"}, ["Desert Urology Program", "Valley Border Program",
                             "Yakima Valley Program"]),
        # Spanish-speaking but far from the border: found only without the border filter.
        ({"spanish": "25", "border": "on"}, ["Valley Border Program"]),
        ({"shortage": "on"}, ["Yakima Valley Program"]),
        ({"spanish": "25", "shortage": "on"}, ["Yakima Valley Program"]),
    ],
)
def test_the_community_filters_narrow_the_list(client, catalog, params, expected) -> None:
    assert names(client.get(reverse("programs:list"), params)) == expected


def test_a_program_whose_share_is_unknown_never_passes_a_threshold(client, catalog) -> None:
    listed = names(client.get(reverse("programs:list"), {"spanish": "10"}))

    assert "Island Program" not in listed
    assert "Harbor City Program" in listed


def test_a_threshold_that_is_not_offered_is_ignored_not_an_error(client, catalog) -> None:
    response = client.get(reverse("programs:list"), {"spanish": "33"})

    assert response.status_code == 200
    assert len(names(response)) == 5


def test_the_filters_read_in_spanish(client, catalog) -> None:
    page = client.get(reverse("programs:list"), HTTP_ACCEPT_LANGUAGE="es").content.decode()

    assert "Comunidad hispanohablante" in page
    assert "al menos 50% habla español en casa" in page
    assert "Zona con escasez de atención primaria" in page


def test_a_program_page_shows_the_county_figure_with_its_period_and_source(
    client, catalog
) -> None:
    page = client.get(reverse("programs:detail", args=["1405400002"])).content.decode()

    assert "40.9% of people aged 5 and over speak Spanish at home (2019-2023)" in page
    assert "American Community Survey" in page
    # The survey's period, not one year, in the year column.
    assert '<td class="cell-inline" data-label="Year">2019-2023' in page
    assert "Yes: a designated geographic shortage area, HPSA score 17" in page
    assert "population and facility shortage areas" in page
    assert "no public copy of HRSA&#x27;s mental-health shortage-area list" in page
    # Their age is shown, but a county's figure is not the program's to verify.
    assert "years old" in page
    assert page.count("seasons old: verify") == 0


def test_an_unknown_county_fact_says_why(client, catalog) -> None:
    page = client.get(reverse("programs:detail", args=["1403500004"])).content.decode()

    assert "the program&#x27;s county is not known" in page
    assert "speak Spanish at home (" not in page


def test_the_catalog_and_the_program_page_say_no_source_covers_urologys_visa_policy(
    client, catalog
) -> None:
    listing = client.get(reverse("programs:list"), {"specialty": "480"}).content.decode()
    page = client.get(reverse("programs:detail", args=["4804800005"])).content.decode()
    internal = client.get(reverse("programs:list"), {"specialty": "140"}).content.decode()

    note = "No source in the catalog covers Urology&#x27;s visa policy"
    assert note in listing
    assert note in page
    assert "No source in the catalog covers" not in internal


def test_the_freshness_page_says_which_specialties_no_source_covers(client, catalog) -> None:
    from tests.factories import UserFactory

    client.force_login(UserFactory(role="staff"))
    page = client.get(reverse("advising:freshness")).content.decode()

    section = page.split('id="no-visa-source"')[1].split("</p>")[0]
    assert "Urology (1 program)" in section
    assert "Internal Medicine (" not in section  # one IM program states its J-1 policy
    # Programs placed nowhere are counted and named, not guessed.
    located = page.split('id="not-located"')[1].split("</p>")[0]
    assert "5 programs have no" in located and "Island Program" in located


def test_catalog_stats_counts_the_county_facts_and_what_no_source_covers(catalog) -> None:
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("catalog_stats", stdout=out)
    lines = dict(re.split(r"\s{2,}", line.strip(), maxsplit=1)
                 for line in out.getvalue().splitlines())

    assert lines["County Spanish-at-home share known"] == "4 (80.0%)"
    assert lines["at least 25% speak Spanish at home"] == "3"
    assert lines["... of them outside the border region"] == "2"
    assert lines["county has a geographic primary-care HPSA"] == "1"
    assert lines["County mental-health HPSA known"] == "0 (0.0%)"
    assert lines["Specialties no source covers (visa, IMG share)"] == "1: Urology (1)"
