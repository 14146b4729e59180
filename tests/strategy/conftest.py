"""The strategy tests' applicant: a small list in the border states and Ohio."""

from __future__ import annotations

import pytest

from applicants.models import Profile
from tests.factories import ProfileFactory, ProgramFactory, SpecialtyFactory
from tiering.lists import list_recompute
from tiering.models import ListEntry


@pytest.fixture
def profile(db) -> Profile:
    """A J-1 applicant with eight Family Medicine programs (Tiers 1-2) and two Internal
    Medicine ones, in Texas, New Mexico and Ohio, with coordinates."""
    fm = SpecialtyFactory(code="120", name="Family Medicine")
    im = SpecialtyFactory(code="140", name="Internal Medicine")
    places = [("El Paso", "TX", 31.76, -106.49, True), ("Las Cruces", "NM", 32.31, -106.78, True),
              ("Columbus", "OH", 39.96, -83.0, False), ("Dallas", "TX", 32.78, -96.8, False)]
    for n in range(8):
        city, state, lat, lon, border = places[n % 4]
        ProgramFactory(specialty=fm, acgme_id=f"1204{n:06d}", name=f"FM Program {n}",
                       city=city, state=state, latitude=lat, longitude=lon,
                       in_border_region=border, j1_accepted="yes", setting="community",
                       non_us_img_share_pct=[45, 15, 20, 10][n % 4])
    for n in range(2):
        ProgramFactory(specialty=im, acgme_id=f"1404{n:06d}", name=f"IM Program {n}",
                       city="Tucson", state="AZ", latitude=32.22, longitude=-110.97,
                       in_border_region=True, j1_accepted="yes", non_us_img_share_pct=50)
    profile = ProfileFactory(ecfmg_status="certified")
    profile.target_specialties.set([fm, im])
    list_recompute(profile)
    return profile


@pytest.fixture
def owner(client, profile):
    client.force_login(profile.user)
    return client


def fm_entries(profile: Profile) -> list[ListEntry]:
    return list(ListEntry.objects.on_list().filter(profile=profile,
                                                   program__acgme_id__startswith="120"))
