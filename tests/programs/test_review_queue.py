"""The staff review queue scales: labels, pages, filters, who sent an entry and how; only
confirmed advisors record facts or issue client codes."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from programs import verification
from programs.models import Program, VerifiedFact
from tests.factories import ProgramFactory, SpecialtyFactory, UserFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def staff():
    return UserFactory(role="staff")


def an_advisors_entry(program: Program, key: str = "j1_accepted", value: str = "yes"):
    return verification.submit(program, UserFactory(role="advisor"), key=key, value=value,
                               method="phone", note="By phone", verified_on=TODAY)


def an_applicants_report(program: Program, value: str = "yes"):
    return verification.report_error(program, UserFactory(), key="j1_accepted",
                                     note="Their site lists J-1", value=value)


def queue(client, **params) -> str:
    client.force_login(staff())
    response = client.get(reverse("programs:review"), params)
    assert response.status_code == 200
    return response.content.decode()


def test_the_queue_shows_each_facts_label_not_its_key(client) -> None:
    an_advisors_entry(ProgramFactory(), key="img_share_pct", value="55")
    page = queue(client)
    assert "IMG residents (%)" in page
    assert "img_share_pct" not in page.split("<table", 1)[1]


def test_the_queue_comes_in_pages_of_25_oldest_first(client) -> None:
    program = ProgramFactory()
    entries = [an_advisors_entry(program) for _ in range(30)]
    first = queue(client)
    assert "Page 1 of 2" in first and "(30)" in first
    assert first.count('name="action" value="approve"') == 25
    second = queue(client, page=2)
    assert second.count('name="action" value="approve"') == 5
    assert f'name="fact" value="{entries[-1].pk}"' in second


def test_the_queue_filters_by_fact_specialty_and_who_sent_it(client) -> None:
    im = ProgramFactory(name="Desert Internal Medicine")
    fm = ProgramFactory(name="Valley Family Medicine",
                        specialty=SpecialtyFactory(code="120", name="Family Medicine"),
                        acgme_id="1204800001")
    an_advisors_entry(im, key="h1b_sponsored")
    an_applicants_report(fm)
    assert "Valley Family" in queue(client, specialty="120")
    assert "Desert Internal" not in queue(client, specialty="120")
    assert "Desert Internal" in queue(client, key="h1b_sponsored")
    assert "Valley Family" not in queue(client, key="h1b_sponsored")
    reports = queue(client, kind="report")
    assert "Valley Family" in reports and "Desert Internal" not in reports


def test_a_report_and_a_verification_are_labelled_as_what_they_are(client) -> None:
    program = ProgramFactory(j1_accepted="no",
                             provenance={"j1_accepted": {"source": "aamc-2021", "year": 2021}})
    report = an_applicants_report(program)
    verification_entry = an_advisors_entry(ProgramFactory(name="Other Hospital"))
    page = queue(client)
    rows = {row.split("</tr>")[0] for row in page.split("<tr>")[2:]}
    [report_row] = [r for r in rows if f'value="{report.pk}"' in r]
    [advisor_row] = [r for r in rows if f'value="{verification_entry.pk}"' in r]
    assert "Error report from an applicant" in report_row
    assert "Verified by an advisor" in advisor_row and "Phone call" in advisor_row

    assert verification.approve(report.pk, staff())
    client.force_login(UserFactory())
    detail = client.get(reverse("programs:detail", args=[program.acgme_id])).content.decode()
    assert "Reported by an applicant, checked and approved by Residency Planner staff" in detail
    assert f"reported on {TODAY.isoformat()}, checked by staff" in detail
    assert "Verified with the program by" not in detail


def test_a_decision_returns_to_the_page_and_filters_it_was_made_on(client) -> None:
    entry = an_advisors_entry(ProgramFactory())
    client.force_login(staff())
    response = client.post(reverse("programs:review"), {
        "fact": entry.pk, "action": "approve", "back": "key=j1_accepted&page=2"})
    assert response.url == reverse("programs:review") + "?key=j1_accepted&page=2"
    response = client.post(reverse("programs:review"), {
        "fact": entry.pk, "action": "withdraw", "back": "//evil.example.org"})
    assert response.url == reverse("programs:review")


def test_an_advisor_who_has_not_confirmed_the_address_cannot_record_facts(client) -> None:
    program = ProgramFactory()
    unconfirmed = UserFactory(role="advisor", email_confirmed_at=None)
    with pytest.raises(PermissionError):
        verification.submit(program, unconfirmed, key="j1_accepted", value="yes",
                            method="phone", verified_on=TODAY)
    client.force_login(unconfirmed)
    page = client.get(reverse("programs:detail", args=[program.acgme_id])).content.decode()
    assert "Record verified fact" not in page and "Confirm your e-mail address" in page
    response = client.post(reverse("programs:verify", args=[program.acgme_id]), {
        "key": "j1_accepted", "value": "yes", "method": "phone", "verified_on": TODAY})
    assert response.status_code == 403
    assert not VerifiedFact.objects.exists()


def test_an_advisor_who_has_not_confirmed_the_address_cannot_issue_client_codes(client) -> None:
    from advising.models import AdvisorInvitation

    client.force_login(UserFactory(role="advisor", email_confirmed_at=None))
    dashboard = client.get(reverse("advising:advisor_dashboard")).content.decode()
    assert "New client code" not in dashboard
    response = client.post(reverse("advising:advisor_code_create"), follow=True)
    assert "Confirm your e-mail address first" in response.content.decode()
    assert not AdvisorInvitation.objects.exists()


def test_an_old_facts_note_quotes_only_that_facts_statistic_for_that_specialty(client) -> None:
    """The H-1B row of a Family Medicine program does not quote an IM J-1 statistic."""
    old = {"source": "aamc-re-2021", "year": 2021}
    fm = ProgramFactory(specialty=SpecialtyFactory(code="120", name="Family Medicine"),
                        acgme_id="1204800002", j1_accepted="no", h1b_sponsored="no",
                        provenance={"j1_accepted": old, "h1b_sponsored": old})
    im = ProgramFactory(j1_accepted="no", provenance={"j1_accepted": old})
    client.force_login(UserFactory())

    def row(program, label):
        page = client.get(reverse("programs:detail", args=[program.acgme_id])).content.decode()
        [found] = [r.split("</tr>")[0] for r in page.split("<tr")[1:] if label in r.split(
            "</tr>")[0]]
        return found

    assert "51 of 407 IM programs" in row(im, "J-1 visa accepted")
    assert "the only specialty measured" in row(fm, "J-1 visa accepted")
    h1b = row(fm, "H-1B visa sponsored")
    assert "seasons old: verify" in h1b and "J-1" not in h1b and "1 in 8" not in h1b
