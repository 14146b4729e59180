"""Verified facts: staff and advisors record what they checked with a program; approved ones
are the program's newest source, reach the lists that hold it, and survive catalog imports."""

from __future__ import annotations

import datetime as dt
import threading

import pandas as pd
import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from programs import verification
from programs.catalog_import import import_catalog
from programs.models import Program, Specialty, VerifiedFact
from tests.factories import ProfileFactory, ProgramFactory, UserFactory
from tiering.facts import facts_of
from tiering.lists import list_ensure_current, list_recompute
from tiering.models import Tier
from tiering.scope import score_scope
from tiering.scored import STORED_TIER

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def refusing_program() -> Program:
    """An El Paso IM program that says no to J-1 this season (AMA FREIDA 2025)."""
    return ProgramFactory(
        acgme_id="1404899001", j1_accepted="no", img_share_pct=70.0, setting="community",
        provenance={"j1_accepted": {"source": "freida-2025", "year": 2025},
                    "img_share_pct": {"source": "freida-2025", "year": 2025}},
    )


def staff():
    return UserFactory(role="staff")


def advisor():
    return UserFactory(role="advisor")


def applicant_list(program: Program):
    profile = ProfileFactory(visa_need="j1", graduation_year=TODAY.year - 2)
    profile.target_specialties.set(Specialty.objects.filter(code="140"))
    list_recompute(profile)
    return profile


def tier_of(profile, program) -> int:
    """The program's tier for the profile, on the list or among the candidates."""
    [item] = [i for i in score_scope(profile) if i.program.pk == program.pk]
    return STORED_TIER[item.result.tier]


def verify_j1_yes(program, user, **changes):
    fields = dict(key="j1_accepted", value="yes", method="phone", note="Coordinator, by phone",
                  verified_on=TODAY)
    return verification.submit(program, user, **{**fields, **changes})


def test_a_staff_entry_is_the_newest_source_at_once_and_shows_its_date(client) -> None:
    program = refusing_program()
    verify_j1_yes(program, staff())
    client.force_login(UserFactory())
    page = client.get(reverse("programs:detail", args=[program.acgme_id])).content.decode()
    assert f"verified on {TODAY.isoformat()}" in page
    assert "Earlier or other source:" in page and "No (" in page  # the catalog's answer, shown
    assert facts_of(Program.objects.get(pk=program.pk)).j1_accepted == "yes"


def test_an_advisors_entry_waits_for_staff_and_once_approved_moves_the_lists(client) -> None:
    program = refusing_program()
    profile = applicant_list(program)
    assert tier_of(profile, program) == Tier.NOT_ELIGIBLE

    fact = verify_j1_yes(program, advisor())
    assert fact.status == VerifiedFact.Status.PENDING
    assert facts_of(Program.objects.get(pk=program.pk)).j1_accepted == "no"
    profile.refresh_from_db()
    assert not list_ensure_current(profile)  # nothing changed yet

    client.force_login(staff())
    response = client.post(reverse("programs:review"), {"fact": fact.pk, "action": "approve"})
    assert response.status_code == 302
    profile.refresh_from_db()
    assert list_ensure_current(profile)  # the list holding the program is out of date
    assert tier_of(profile, program) != Tier.NOT_ELIGIBLE


def test_an_approved_fact_survives_a_catalog_import_and_can_be_withdrawn() -> None:
    program = refusing_program()
    fact = verify_j1_yes(program, staff())
    frame = pd.DataFrame([{"acgme_id": program.acgme_id, "j1_accepted": "no",
                           "j1_accepted_source": "freida-2025", "j1_accepted_year": "2025"}])
    assert import_catalog(frame, default_source="catalog.csv").ok
    program.refresh_from_db()
    assert program.j1_accepted == "no"  # the catalog layer keeps its own value
    assert facts_of(program).j1_accepted == "yes"  # the verified layer still lies over it

    assert verification.withdraw(fact.pk, staff())
    assert facts_of(Program.objects.get(pk=program.pk)).j1_accepted == "no"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"key": "img_share_pct", "value": "150"}, "value", "between 0 and 100"),
        ({"value": "maybe"}, "value", "yes or no"),
        ({"verified_on": (TODAY + dt.timedelta(days=1)).isoformat()}, "verified_on", "future"),
        ({"url": "ftp://example.org/policy"}, "url", "http"),
        ({"url": "javascript:alert(1)"}, "url", "http"),
    ],
)
def test_bad_input_is_refused_with_a_message_on_the_field(client, changes, field, message):
    program = refusing_program()
    client.force_login(staff())
    data = {"key": "j1_accepted", "value": "yes", "method": "website", "url": "",
            "note": "", "verified_on": TODAY.isoformat(), **changes}
    response = client.post(reverse("programs:verify", args=[program.acgme_id]), data)
    assert response.status_code == 400
    form = response.context["verify_form"]
    assert message in " ".join(form.errors[field])
    assert not VerifiedFact.objects.exists()


def test_approving_the_same_entry_twice_applies_it_once() -> None:
    program = refusing_program()
    fact = verify_j1_yes(program, advisor())
    first, second = staff(), staff()
    assert verification.approve(fact.pk, first) is True
    assert verification.approve(fact.pk, second) is False
    fact.refresh_from_db()
    assert fact.reviewed_by == first


@pytest.mark.django_db(transaction=True)
def test_two_staff_approving_at_once_apply_it_once() -> None:
    if connection.vendor == "sqlite":
        pytest.skip("concurrent writers need PostgreSQL; the single UPDATE is tested above")
    program = refusing_program()
    fact = verify_j1_yes(program, advisor())
    reviewers = [staff(), staff()]
    results: list[bool] = []

    def approve(user):
        results.append(verification.approve(fact.pk, user))
        connection.close()

    threads = [threading.Thread(target=approve, args=(u,)) for u in reviewers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [False, True]


def test_an_applicants_error_report_waits_for_staff_and_is_rate_limited(client) -> None:
    program = refusing_program()
    client.force_login(UserFactory())
    url = reverse("programs:report", args=[program.acgme_id])
    for _ in range(verification.REPORTS_PER_DAY):
        client.post(url, {"key": "j1_accepted", "note": "They take J-1 now", "value": "yes",
                          "url": "https://example.org/faq"})
    assert VerifiedFact.objects.filter(status="pending").count() == verification.REPORTS_PER_DAY
    client.post(url, {"key": "j1_accepted", "note": "again", "value": "", "url": ""})
    assert VerifiedFact.objects.count() == verification.REPORTS_PER_DAY
    assert facts_of(Program.objects.get(pk=program.pk)).j1_accepted == "no"  # not yet

    report = VerifiedFact.objects.first()
    assert verification.approve(report.pk, staff())
    assert facts_of(Program.objects.get(pk=program.pk)).j1_accepted == "yes"


def test_only_staff_see_the_review_queue_and_the_freshness_page(client) -> None:
    program = refusing_program()
    # On the list, with its visa policy not stated: the first to verify.
    Program.objects.filter(pk=program.pk).update(j1_accepted="unknown")
    applicant_list(program)
    client.force_login(advisor())
    assert client.get(reverse("programs:review")).status_code == 403
    assert client.get(reverse("advising:freshness")).status_code == 403
    client.force_login(staff())
    assert client.get(reverse("programs:review")).status_code == 200
    page = client.get(reverse("advising:freshness")).content.decode()
    assert "Verify next" in page and program.name in page and "on 1 list" in page
