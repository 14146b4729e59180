"""Verify next, by impact: the programs whose answers would move tiers on applicants' lists
come first, per specialty; an advisor sees the top for their clients."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from advising.freshness import verify_next
from applicants.models import AdvisorLink, Profile, User
from programs.models import Specialty
from tests.factories import UserFactory
from tiering.lists import list_recompute, score_scope
from tiering.models import ListEntry

pytestmark = pytest.mark.django_db
INTERNAL_MEDICINE, FAMILY_MEDICINE = "140", "120"


def persona() -> Profile:
    """The example applicant: J-1, Step 2 CK 222 at the first attempt, graduated two years ago,
    native Spanish, 3 months of border-region clinical experience; IM and FM."""
    user = User.objects.create_user(email="maria.lopez@example.org", password="x" * 12)
    profile = Profile.objects.create(
        user=user, step1_passed=True, step1_attempts=1, step2_score=222, step2_attempts=1,
        graduation_year=timezone.now().year - 2, visa_need="j1", ecfmg_status="certified",
        spanish_level="native", usce_hands_on_months=3, usce_border_months=3)
    profile.target_specialties.set(
        Specialty.objects.filter(code__in=[INTERNAL_MEDICINE, FAMILY_MEDICINE]))
    list_recompute(profile)
    return profile


def check_first_on_the_list(profile: Profile) -> set[str]:
    """The list's programs the scoring marks "Check first" (an old answer closes them)."""
    listed = set(ListEntry.objects.filter(profile=profile, in_scope=True, excluded=False)
                 .values_list("program__acgme_id", flat=True))
    return {item.program.acgme_id for item in score_scope(profile)
            if item.program.acgme_id in listed
            and any(str(t).startswith("Check first") for t in item.result.to_verify)}


def test_the_top_10_for_im_and_fm_holds_the_lists_check_first_programs(real_catalog) -> None:
    profile = persona()
    check_first = check_first_on_the_list(profile)
    assert check_first, "the example applicant's list has programs to check first"
    top = verify_next(10, specialties=[INTERNAL_MEDICINE, FAMILY_MEDICINE])
    assert check_first <= {item.program.acgme_id for item in top}
    assert all(item.program.specialty.code in (INTERNAL_MEDICINE, FAMILY_MEDICINE)
               for item in top)
    # They rank before any program whose answer cannot close it.
    assert [item.check_first > 0 for item in top][:len(check_first)] == [True] * len(check_first)


def test_a_program_whose_answers_cannot_move_a_tier_comes_last(real_catalog) -> None:
    profile = persona()
    ranked = verify_next(10_000, specialties=[INTERNAL_MEDICINE])
    listed = set(ListEntry.objects.filter(profile=profile).values_list("program_id", flat=True))
    no_impact = [i for i, item in enumerate(ranked)
                 if item.program.pk in listed and not any(item.impact)]
    some_impact = [i for i, item in enumerate(ranked) if any(item.impact)]
    assert no_impact and some_impact and max(some_impact) < min(no_impact)


def test_an_advisor_sees_the_top_for_their_clients_and_staff_per_specialty(
    client, real_catalog
) -> None:
    profile = persona()
    check_first = check_first_on_the_list(profile)
    advisor = UserFactory(role="advisor")
    AdvisorLink.objects.create(profile=profile, advisor=advisor)
    client.force_login(advisor)
    page = client.get(reverse("advising:advisor_dashboard")).content.decode()
    assert "Verify next for your clients" in page
    top = verify_next(5, entries=ListEntry.objects.filter(profile=profile))
    assert {item.program.acgme_id for item in top} & check_first
    for item in top:
        assert item.program.name in page

    other = UserFactory(role="advisor")  # no client: nothing to verify for them
    client.force_login(other)
    assert "Verify next for your clients" not in client.get(
        reverse("advising:advisor_dashboard")).content.decode()

    client.force_login(UserFactory(role="staff"))
    page = client.get(reverse("advising:freshness"), {"specialty": FAMILY_MEDICINE}).content
    ranked = page.decode().split('class="verify-next"', 1)[1].split("</ol>", 1)[0]
    assert "Family Medicine" in ranked and "Internal Medicine" not in ranked
