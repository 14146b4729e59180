"""Advisors and their clients: linking, the dashboard, corrections to a client's list, notes and
history, as advisors and applicants use them in the browser."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from advising import services as advising
from advising.models import AdvisorInvitation, AdvisorNote
from applicants.models import AdvisorLink, Profile, User
from programs.models import Program
from programs.versions import bump_catalog_version
from tests.factories import ProfileFactory, ProgramFactory, SpecialtyFactory, UserFactory
from tests.routes import route
from tiering.lists import list_recompute
from tiering.models import EntryEvent, ListEntry, Status, Tier

pytestmark = pytest.mark.django_db

# A strong J-1 applicant: with these, an IMG-heavy community program is Tier 1 in Internal
# Medicine, a university program Tier 3, and one that refuses J-1 is not eligible.
STRONG = dict(
    step2_score=250, ecfmg_status="certified", usce_hands_on_months=3, usce_border_months=3,
    us_letters=1, spanish_level="native", visa_need="j1",
)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings) -> None:
    # The factories hash a password for every account; these tests make dozens and never log
    # in with a password, so the deliberately slow default hasher would only cost time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@dataclass
class Catalog:
    tier_1: Program
    tier_2: Program  # Tier 2 at best: its visa policy is unknown
    tier_3: Program
    not_eligible: Program


@pytest.fixture
def catalog() -> Catalog:
    im = SpecialtyFactory(code="140", name="Internal Medicine")
    friendly = dict(specialty=im, non_us_img_share_pct=70, setting="community")
    return Catalog(
        tier_1=ProgramFactory(name="Border Community Program", j1_accepted="yes",
                              in_border_region=True, border_distance_km=10,
                              provenance={"j1_accepted": {"source": "program website",
                                                          "year": timezone.now().year}},
                              **friendly),
        tier_2=ProgramFactory(name="Quiet Valley Program", j1_accepted="unknown", **friendly),
        tier_3=ProgramFactory(name="Big University Program", specialty=im, j1_accepted="yes",
                              non_us_img_share_pct=5, setting="university"),
        not_eligible=ProgramFactory(name="No Visa Program", specialty=im, j1_accepted="no"),
    )


def an_applicant(**changes) -> Profile:
    """An applicant with a computed list over the whole catalog."""
    profile = ProfileFactory(**{**STRONG, **changes})
    profile.target_specialties.set({p.specialty for p in Program.objects.all()})
    list_recompute(profile)
    return Profile.objects.select_related("user").get(pk=profile.pk)


def an_advisor(**fields) -> User:
    return UserFactory(role=User.Role.ADVISOR, **fields)


def linked(profile: Profile, advisor: User) -> Profile:
    AdvisorLink.objects.create(profile=profile, advisor=advisor)
    return profile


def entry_of(profile: Profile, program: Program) -> ListEntry:
    return ListEntry.objects.select_related("program").get(profile=profile, program=program)


def flashed(client, response) -> list[str]:
    """The messages on the page the action redirected to, as the user reads them."""
    assert response.status_code == 302, response.status_code
    return [str(m) for m in client.get(response.url).context["messages"]]


def url(name: str, **kwargs) -> str:
    return route(name, **kwargs)


def entry_url(name: str, entry: ListEntry) -> str:
    return url(name, pk=entry.profile_id, entry_id=entry.pk)


def program_url(entry: ListEntry) -> str:
    return url("explanation", pk=entry.profile_id, acgme_id=entry.program.acgme_id)


# --- The issue's "done when" ----------------------------------------------------------------


def test_an_advisor_sees_three_clients_overrides_a_tier_the_client_sees_it_others_get_404(
    client, catalog
) -> None:
    advisor = an_advisor(email="coach@example.org")
    ana, ben, carla = (linked(an_applicant(user__email=f"{name}@example.org"), advisor)
                       for name in ("ana", "ben", "carla"))

    # The dashboard lists all three.
    client.force_login(advisor)
    page = client.get(url("advisor_dashboard")).content.decode()
    assert all(f"{name}@example.org" in page for name in ("ana", "ben", "carla"))

    # The advisor moves a Tier 1 program of Ana's down to Tier 2, with a reason.
    entry = entry_of(ana, catalog.tier_1)
    assert entry.computed_tier == Tier.TIER_1
    list_url = url("list", pk=ana.pk)
    response = client.post(entry_url("entry_override", entry), {
        "tier": Tier.TIER_2, "reason": "Their new PD cut IMG interviews this year.",
        "next": f"{list_url}?sort=name#entry-{entry.pk}",
    })
    assert response.status_code == 302
    assert response.url == f"{list_url}?sort=name#entry-{entry.pk}"
    assert "Border Community Program is now in Tier 2" in flashed(client, response)[0]

    # Ana sees it, marked as the advisor's, with the computed tier beside it.
    client.force_login(ana.user)
    page = client.get(list_url).content.decode()
    assert "Advisor: Tier 2</span> computed Tier 1" in page
    section_2 = page.split('id="tier-2"')[1].split('id="tier-3"')[0]
    assert f'id="entry-{entry.pk}"' in section_2
    page = client.get(program_url(entry)).content.decode()
    assert "Advisor's decision" in page
    assert "Their new PD cut IMG interviews this year." in page
    assert "by coach@example.org" in page

    # Another advisor gets 404 on every one of those URLs, and changes nothing.
    client.force_login(an_advisor())
    for get_url in (list_url, program_url(entry), url("profile", pk=ana.pk),
                    url("history", pk=ana.pk)):
        assert client.get(get_url).status_code == 404, get_url
    for post_url in (entry_url("entry_override", entry), entry_url("entry_exclude", entry),
                     entry_url("entry_restore", entry), entry_url("entry_clear_override", entry),
                     url("note_add", pk=ana.pk)):
        assert client.post(post_url, {"tier": 1, "reason": "x", "text": "x"}).status_code == 404
    assert entry_of(ana, catalog.tier_1).override_tier == Tier.TIER_2
    assert not AdvisorNote.objects.exists()
    assert ben.pk != carla.pk


# --- Overrides ---------------------------------------------------------------------------------


def test_an_override_needs_a_reason(client, catalog) -> None:
    advisor = an_advisor()
    entry = entry_of(linked(an_applicant(), advisor), catalog.tier_1)
    client.force_login(advisor)

    response = client.post(entry_url("entry_override", entry), {"tier": 3, "reason": "  "})

    assert response.status_code == 302
    assert response.url == program_url(entry) + "#advisor"
    assert flashed(client, response) == ["Reason (your client reads it): This field is required."]
    assert entry_of(entry.profile, catalog.tier_1).override_tier is None
    with pytest.raises(advising.AdvisingError):
        advising.entry_override_tier(entry, tier=3, reason="", by=advisor)


def test_the_applicant_cannot_override_their_own_tiers(client, catalog) -> None:
    profile = an_applicant()
    entry = entry_of(profile, catalog.tier_3)
    client.force_login(profile.user)

    response = client.post(entry_url("entry_override", entry), {"tier": 1, "reason": "I want"})

    assert response.status_code == 403
    assert entry_of(profile, catalog.tier_3).override_tier is None


def test_overrides_survive_a_profile_change_and_the_pages_say_the_computed_tier_moved(
    client, catalog
) -> None:
    advisor = an_advisor()
    profile = linked(an_applicant(), advisor)
    entry = entry_of(profile, catalog.tier_3)
    advising.entry_override_tier(entry, tier=Tier.TIER_1, reason="I know the PD.", by=advisor)

    # The applicant now needs an H-1B without Step 3: every program becomes not eligible.
    profile.visa_need = "h1b"
    profile.save()
    list_recompute(profile)

    entry = entry_of(profile, catalog.tier_3)
    assert entry.computed_tier == Tier.NOT_ELIGIBLE
    assert (entry.override_tier, entry.override_reason) == (Tier.TIER_1, "I know the PD.")
    assert entry.override_computed_tier == Tier.TIER_3
    client.force_login(profile.user)
    page = client.get(url("list", pk=profile.pk)).content.decode()
    assert ("Advisor: Tier 1</span> computed Not eligible <strong>(changed since the "
            "advisor's decision)</strong>") in page
    page = client.get(program_url(entry)).content.decode()
    assert "The computed tier has changed since this decision" in page
    assert "(it was Tier 3)" in page


def test_clearing_an_override_gives_back_the_computed_tier_and_is_recorded(
    client, catalog
) -> None:
    advisor = an_advisor()
    entry = entry_of(linked(an_applicant(), advisor), catalog.tier_3)
    advising.entry_override_tier(entry, tier=Tier.TIER_2, reason="Worth a try", by=advisor)
    client.force_login(advisor)

    response = client.post(entry_url("entry_clear_override", entry))

    entry = entry_of(entry.profile, catalog.tier_3)
    assert response.status_code == 302
    assert entry.override_tier is None and entry.override_reason == ""
    assert entry.tier == Tier.TIER_3
    event = entry.events.first()
    assert (event.kind, event.before, event.after, event.actor) == (
        EntryEvent.Kind.CLEAR_OVERRIDE, "Tier 2", "Tier 3", advisor)


def test_a_redirect_back_never_leaves_the_site(client, catalog) -> None:
    advisor = an_advisor()
    entry = entry_of(linked(an_applicant(), advisor), catalog.tier_1)
    client.force_login(advisor)

    response = client.post(entry_url("entry_override", entry), {
        "tier": 2, "reason": "Reason", "next": "https://evil.example/phish"})

    assert response.url == program_url(entry) + "#advisor"


# --- Exclude and restore -----------------------------------------------------------------------


def test_an_excluded_program_leaves_the_tiers_with_its_reason_and_can_be_restored(
    client, catalog
) -> None:
    advisor = an_advisor()
    profile = linked(an_applicant(), advisor)
    entry = entry_of(profile, catalog.tier_1)
    list_url = url("list", pk=profile.pk)
    client.force_login(advisor)

    client.post(entry_url("entry_exclude", entry), {"reason": "Closed to IMGs since May."})

    client.force_login(profile.user)
    response = client.get(list_url)
    assert response.context["summary"].tiers[Tier.TIER_1] == 0
    assert [e.pk for e in response.context["removed"]] == [entry.pk]
    page = response.content.decode()
    assert "Removed from the list (1)" in page
    assert "Removed</span> Closed to IMGs since May." in page

    client.force_login(advisor)
    client.post(entry_url("entry_restore", entry), {"reason": "They reopened."})

    client.force_login(profile.user)
    response = client.get(list_url)
    assert response.context["summary"].tiers[Tier.TIER_1] == 1
    assert not response.context["removed"]
    kinds = list(entry.events.values_list("kind", "text", "actor"))
    assert kinds == [(EntryEvent.Kind.RESTORE, "They reopened.", advisor.pk),
                     (EntryEvent.Kind.EXCLUDE, "Closed to IMGs since May.", advisor.pk)]


def test_excluding_needs_a_reason(client, catalog) -> None:
    advisor = an_advisor()
    entry = entry_of(linked(an_applicant(), advisor), catalog.tier_1)
    client.force_login(advisor)

    response = client.post(entry_url("entry_exclude", entry), {"reason": ""})

    assert "This field is required." in flashed(client, response)[0]
    assert not entry_of(entry.profile, catalog.tier_1).excluded


# --- Notes and history -------------------------------------------------------------------------


def test_the_client_reads_the_advisors_notes_on_the_list_and_on_the_program(
    client, catalog
) -> None:
    advisor = an_advisor(email="coach@example.org")
    profile = linked(an_applicant(), advisor)
    entry = entry_of(profile, catalog.tier_2)
    client.force_login(advisor)

    client.post(url("note_add", pk=profile.pk), {"text": "Aim for 90 programs in all."})
    response = client.post(url("note_add", pk=profile.pk),
                           {"text": "Email the coordinator about J-1.", "entry": entry.pk})

    assert response.url == program_url(entry) + "#advisor"
    client.force_login(profile.user)
    page = client.get(url("list", pk=profile.pk)).content.decode()
    assert "Notes from your advisor" in page
    assert "Aim for 90 programs in all." in page  # the note on the whole list
    assert "Advisor's note</span> Email the coordinator about J-1." in page  # in the row
    page = client.get(program_url(entry)).content.decode()
    assert "Email the coordinator about J-1." in page
    assert '<span class="badge text-bg-info">Advisor</span>\n    coach@example.org' in page
    assert entry.events.get().kind == EntryEvent.Kind.NOTE


def test_only_the_advisor_writes_notes(client, catalog) -> None:
    profile = linked(an_applicant(), an_advisor())
    client.force_login(profile.user)

    response = client.post(url("note_add", pk=profile.pk), {"text": "Note to self"})

    assert response.status_code == 403
    assert not AdvisorNote.objects.exists()


def test_a_note_cannot_point_at_another_applicants_entry(client, catalog) -> None:
    advisor = an_advisor()
    profile = linked(an_applicant(), advisor)
    foreign = entry_of(linked(an_applicant(), advisor), catalog.tier_1)
    client.force_login(advisor)

    response = client.post(url("note_add", pk=profile.pk), {"text": "x", "entry": foreign.pk})

    assert "Select a valid choice" in flashed(client, response)[0]
    assert not AdvisorNote.objects.exists()


def test_the_history_says_who_changed_what_and_when_newest_first(client, catalog) -> None:
    advisor = an_advisor(email="coach@example.org")
    profile = linked(an_applicant(), advisor)
    first = entry_of(profile, catalog.tier_1)
    second = entry_of(profile, catalog.tier_3)
    advising.entry_override_tier(first, tier=Tier.TIER_2, reason="Fewer IMGs now", by=advisor)
    advising.entry_exclude(second, reason="Too far from family", by=advisor)
    advising.note_add(profile, text="Great progress.", by=advisor)
    client.force_login(profile.user)

    response = client.get(url("history", pk=profile.pk))

    events = list(response.context["page"].object_list)
    assert [(e.kind, e.entry_id) for e in events] == [
        (EntryEvent.Kind.EXCLUDE, second.pk), (EntryEvent.Kind.OVERRIDE, first.pk)]
    page = response.content.decode()
    assert "Tier changed: Tier 1 &rarr; Tier 2" in page
    assert "Fewer IMGs now" in page and "Too far from family" in page
    assert page.count("coach@example.org") >= 3  # two changes and the general note
    assert "Great progress." in page
    today = timezone.localtime(events[0].created_at).strftime("%-d %b %Y")
    assert today in page


# --- Linking -------------------------------------------------------------------------------


def test_an_applicant_links_an_advisor_by_email_and_the_advisor_is_told(
    client, catalog, mailoutbox
) -> None:
    advisor = an_advisor(email="coach@example.org")
    profile = an_applicant()
    client.force_login(profile.user)

    response = client.post(url("advisor_invite"), {"email": "Coach@Example.org "})

    assert response.url == url("my_advisors")
    assert "coach@example.org is now your advisor" in flashed(client, response)[0]
    assert AdvisorLink.objects.get(profile=profile).advisor == advisor
    assert mailoutbox[0].to == ["coach@example.org"]
    assert profile.user.email in mailoutbox[0].body
    client.force_login(advisor)
    assert client.get(url("list", pk=profile.pk)).status_code == 200


@pytest.mark.parametrize("email", ["nobody@example.org", "fellow-applicant@example.org"])
def test_linking_an_email_without_an_advisor_account_says_so_without_revealing_accounts(
    client, email
) -> None:
    ProfileFactory(user__email="fellow-applicant@example.org")
    profile = ProfileFactory()
    client.force_login(profile.user)

    response = client.post(url("advisor_invite"), {"email": email})

    assert flashed(client, response) == [advising.NO_ADVISOR_WITH_EMAIL]
    assert not AdvisorLink.objects.exists()


def test_linking_the_same_advisor_twice_is_refused(client) -> None:
    advisor = an_advisor(email="coach@example.org")
    profile = linked(ProfileFactory(), advisor)
    client.force_login(profile.user)

    response = client.post(url("advisor_invite"), {"email": "coach@example.org"})

    assert flashed(client, response) == ["coach@example.org is already your advisor."]
    assert AdvisorLink.objects.count() == 1


def test_an_advisor_code_links_one_client_once(client) -> None:
    advisor = an_advisor(email="coach@example.org")
    client.force_login(advisor)
    response = client.post(url("advisor_code_create"))
    invitation = AdvisorInvitation.objects.get()
    assert invitation.code in flashed(client, response)[0]
    assert len(invitation.code) >= 22  # 128 random bits
    first, second = ProfileFactory(), ProfileFactory()

    client.force_login(first.user)
    response = client.post(url("advisor_accept_code"), {"code": f"  {invitation.code} "})
    assert "coach@example.org is now your advisor" in flashed(client, response)[0]
    client.force_login(second.user)
    response = client.post(url("advisor_accept_code"), {"code": invitation.code})

    assert flashed(client, response) == [advising.INVALID_CODE]
    assert [link.profile for link in AdvisorLink.objects.all()] == [first]
    invitation.refresh_from_db()
    assert invitation.used_by == first.user and invitation.used_at is not None


def test_a_made_up_code_or_a_sign_up_code_does_not_link(client) -> None:
    staff = UserFactory(is_staff=True, role=User.Role.STAFF)
    signup_code = advising.invitation_issue(AdvisorInvitation.Kind.ADVISOR_SIGNUP, by=staff)
    profile = ProfileFactory()
    client.force_login(profile.user)

    for code in ("not-a-code", signup_code.code):
        response = client.post(url("advisor_accept_code"), {"code": code})
        assert flashed(client, response) == [advising.INVALID_CODE]
    assert not AdvisorLink.objects.exists()


def test_only_advisors_create_client_codes(client) -> None:
    client.force_login(UserFactory())

    assert client.post(url("advisor_code_create")).status_code == 403
    assert not AdvisorInvitation.objects.exists()


def test_a_revoked_advisor_loses_access_at_once(client, catalog) -> None:
    advisor = an_advisor(email="coach@example.org")
    profile = linked(an_applicant(), advisor)
    link = AdvisorLink.objects.get()
    advisor_client = type(client)()
    advisor_client.force_login(advisor)
    assert advisor_client.get(url("list", pk=profile.pk)).status_code == 200
    client.force_login(profile.user)

    response = client.post(url("advisor_revoke", link_id=link.pk))

    assert flashed(client, response) == ["coach@example.org no longer sees your profile and list."]
    assert advisor_client.get(url("list", pk=profile.pk)).status_code == 404
    entry = entry_of(profile, catalog.tier_1)
    assert advisor_client.post(entry_url("entry_override", entry),
                               {"tier": 2, "reason": "x"}).status_code == 404
    dashboard = advisor_client.get(url("advisor_dashboard"))
    assert dashboard.context["total"] == 0
    page = client.get(url("my_advisors")).content.decode()
    assert "No advisor sees your list." in page and "Removed" in page


def test_an_applicant_cannot_revoke_someone_elses_link(client) -> None:
    link = AdvisorLink.objects.create(profile=ProfileFactory(), advisor=an_advisor())
    client.force_login(ProfileFactory().user)

    response = client.post(url("advisor_revoke", link_id=link.pk))

    assert response.status_code == 404
    link.refresh_from_db()
    assert link.revoked_at is None


def test_a_relinked_advisor_sees_the_list_again(client) -> None:
    advisor = an_advisor(email="coach@example.org")
    profile = ProfileFactory()
    AdvisorLink.objects.create(profile=profile, advisor=advisor, revoked_at=timezone.now())
    client.force_login(profile.user)

    client.post(url("advisor_invite"), {"email": "coach@example.org"})

    client.force_login(advisor)
    assert client.get(url("list", pk=profile.pk)).status_code == 200


def test_an_account_that_is_no_longer_an_advisor_loses_its_clients(client) -> None:
    advisor = an_advisor()
    profile = linked(ProfileFactory(), advisor)
    advisor.role = User.Role.APPLICANT
    advisor.save()
    client.force_login(advisor)

    assert client.get(url("list", pk=profile.pk)).status_code == 404


# --- Advisor sign-up ---------------------------------------------------------------------------


def test_staff_issue_a_sign_up_code_in_the_admin_and_it_makes_one_advisor(client) -> None:
    staff = User.objects.create_superuser(email="staff@example.org", password="x" * 20)
    client.force_login(staff)
    client.post(reverse("admin:advising_advisorinvitation_add"),
                {"kind": AdvisorInvitation.Kind.ADVISOR_SIGNUP})
    invitation = AdvisorInvitation.objects.get()
    assert invitation.created_by == staff and len(invitation.code) >= 22
    client.logout()
    password = "a-long-unusual-pass-42"

    response = client.post(url("advisor_signup"), {
        "code": invitation.code, "email": "New.Coach@example.org",
        "password1": password, "password2": password,
    })

    assert response.url == url("advisor_dashboard")
    advisor = User.objects.get(email="new.coach@example.org")
    assert advisor.role == User.Role.ADVISOR
    assert client.get(url("advisor_dashboard")).status_code == 200
    invitation.refresh_from_db()
    assert invitation.used_by == advisor
    client.logout()
    response = client.post(url("advisor_signup"), {
        "code": invitation.code, "email": "another@example.org",
        "password1": password, "password2": password,
    })
    assert "This code is not valid or was already used." in response.content.decode()
    assert not User.objects.filter(email="another@example.org").exists()


def test_a_sign_up_link_fills_in_the_code(client) -> None:
    page = client.get(url("advisor_signup"), {"code": "abc123"}).content.decode()

    assert 'name="code" value="abc123"' in page


@pytest.mark.parametrize("model", ["advising_advisorinvitation", "applicants_advisorlink",
                                   "advising_advisornote", "tiering_entryevent"])
def test_staff_find_the_advisor_records_in_the_admin(client, catalog, model) -> None:
    advisor = an_advisor()
    profile = linked(an_applicant(), advisor)
    advising.note_add(profile, text="Note", by=advisor, entry=entry_of(profile, catalog.tier_1))
    advising.invitation_issue(AdvisorInvitation.Kind.CLIENT_LINK, by=advisor)
    client.force_login(User.objects.create_superuser(email="staff@example.org", password="x"))

    response = client.get(reverse(f"admin:{model}_changelist"))

    assert response.status_code == 200
    assert response.context["cl"].result_count == 1


@pytest.mark.parametrize("code", ["guess", "client-link"])
def test_advisor_sign_up_refuses_a_code_that_is_not_a_sign_up_code(client, code) -> None:
    advisor = an_advisor()
    if code == "client-link":
        code = advising.invitation_issue(AdvisorInvitation.Kind.CLIENT_LINK, by=advisor).code

    response = client.post(url("advisor_signup"), {
        "code": code, "email": "x@example.org",
        "password1": "a-long-unusual-pass-42", "password2": "a-long-unusual-pass-42",
    })

    assert response.status_code == 200
    assert "This code is not valid or was already used." in response.content.decode()
    assert not User.objects.filter(email="x@example.org").exists()


def test_applicants_sign_up_as_applicants_only(client) -> None:
    password = "a-long-unusual-pass-42"
    client.post(reverse("signup"), {"email": "a@example.org", "password1": password,
                                    "password2": password, "role": "advisor"})

    assert User.objects.get(email="a@example.org").role == User.Role.APPLICANT


# --- The dashboard -----------------------------------------------------------------------------


def dashboard_row(client, profile: Profile) -> advising.ClientSummary:
    response = client.get(url("advisor_dashboard"), {"sort": "client"})
    return next(s for s in response.context["page"].object_list if s.profile.pk == profile.pk)


# What the fixture's list always holds for an advisor to act on: Quiet Valley's unknown J-1
# policy, and no signal planned yet. The tests of other flags leave these two aside.
LIST_CHECKS = ("Visa policy to verify on 1 program of the list (0 in Tier 1)",
               "No signals planned: Internal Medicine (15 allowed)")


def other_flags(row: advising.ClientSummary) -> tuple[str, ...]:
    return tuple(flag for flag in row.flags if flag not in LIST_CHECKS)


def test_the_dashboard_counts_tiers_progress_and_the_last_update(client, catalog) -> None:
    advisor = an_advisor()
    profile = linked(an_applicant(), advisor)
    ListEntry.objects.filter(program=catalog.tier_1).update(
        status=Status.INTERVIEWED, tracking_updated_at=timezone.now() + timedelta(days=1))
    ListEntry.objects.filter(program=catalog.tier_3).update(status=Status.APPLIED)
    advising.entry_exclude(entry_of(profile, catalog.tier_2), reason="No", by=advisor)
    client.force_login(advisor)

    row = dashboard_row(client, profile)

    # The list only: the not eligible program is a candidate, not on it.
    assert row.counts == {Tier.TIER_1: 1, Tier.TIER_2: 0, Tier.TIER_3: 1, Tier.NOT_ELIGIBLE: 0}
    assert (row.applied, row.interviews) == (2, 1)
    assert row.last_update > timezone.now()  # the tracking update, the latest of all
    assert row.list_computed_at is not None and not row.list_stale
    # The client at a glance: the list against its plan, and its cost.
    assert (row.size, row.cost_usd) == (2, 2 * 11 + 165 + 80)
    page = client.get(url("advisor_dashboard")).content.decode()
    assert f"List 2 of {row.target} planned" in page and "Step 2 CK 250" in page


def test_the_dashboard_flags_a_tier_1_program_whose_visa_policy_is_unknown(
    client, catalog
) -> None:
    advisor = an_advisor()
    profile = linked(an_applicant(), advisor)
    client.force_login(advisor)
    assert dashboard_row(client, profile).flags == LIST_CHECKS

    # The scoring keeps unknown visa policies out of Tier 1; the advisor moved one in.
    advising.entry_override_tier(entry_of(profile, catalog.tier_2), tier=Tier.TIER_1,
                                 reason="The coordinator said yes on the phone", by=advisor)

    assert dashboard_row(client, profile).flags[0] == (
        "Visa policy to verify on 1 program of the list (1 in Tier 1)")


def test_the_dashboard_flags_a_budget_that_set_the_list_below_the_guidance(
    client, catalog
) -> None:
    advisor = an_advisor()
    short = linked(an_applicant(budget_usd=250), advisor)
    enough = linked(an_applicant(budget_usd=5000), advisor)
    client.force_login(advisor)

    # Three eligible programs cost 3 x $11 ERAS + $165 token + $80 transcript = $278: $250
    # covers the fixed costs and no program.
    [flag] = other_flags(dashboard_row(client, short))
    assert flag.startswith("Budget $250 buys 0 of the ")
    assert other_flags(dashboard_row(client, enough)) == ()


def test_the_dashboard_flags_an_h1b_need_without_step_3(client, catalog) -> None:
    advisor = an_advisor()
    needs_step3 = linked(an_applicant(visa_need="h1b", step3_passed=False), advisor)
    has_step3 = linked(an_applicant(visa_need="h1b", step3_passed=True, step3_attempts=1),
                       advisor)
    client.force_login(advisor)

    assert "Needs an H-1B but has not passed Step 3" in dashboard_row(client, needs_step3).flags
    assert "Needs an H-1B but has not passed Step 3" not in dashboard_row(client,
                                                                         has_step3).flags


def test_the_dashboard_flags_a_program_past_its_strict_graduation_year_limit(
    client, catalog
) -> None:
    advisor = an_advisor()
    profile = linked(an_applicant(graduation_year=timezone.now().year - 6), advisor)
    client.force_login(advisor)
    assert other_flags(dashboard_row(client, profile)) == ()

    # The catalog learns of a 5-year limit after the list was computed: the stored list still
    # shows the program in Tier 1 until it is recomputed.
    Program.objects.filter(pk=catalog.tier_1.pk).update(
        max_years_since_graduation=5, max_years_since_graduation_strictness="strict",
        updated_at=timezone.now())

    bump_catalog_version()  # a write without signals says the catalog changed

    flags = other_flags(dashboard_row(client, profile))
    assert flags == ("1 program in Tiers 1-3 past a required graduation-year limit",)
    # Once recomputed, the scoring makes it not eligible: no program past the limit is left
    # to apply to, and the list has lost its only Tier 1 program.
    list_recompute(profile)
    assert other_flags(dashboard_row(client, profile)) == (
        "No Tier 1 program in Internal Medicine on the list",)


def test_the_dashboard_flags_what_an_advisor_acts_on_in_the_list(client, catalog) -> None:
    advisor = an_advisor()
    profile = linked(an_applicant(), advisor)
    client.force_login(advisor)
    assert dashboard_row(client, profile).flags == LIST_CHECKS

    # The program that refuses the J-1 is put on the list by hand; the Tier 1 program's J-1
    # answer on file is from 2021; the advisor moves it to Tier 2, leaving IM without Tier 1.
    ListEntry.objects.create(profile=profile, program=catalog.not_eligible, added=True,
                             in_scope=True, computed_tier=Tier.TIER_3, score=40, confidence=0.5)
    Program.objects.filter(pk=catalog.tier_1.pk).update(
        provenance={"j1_accepted": {"source": "AAMC Residency Explorer", "year": 2021}})
    flags = dashboard_row(client, profile).flags
    assert "1 program on the list refuses the J-1 or takes citizens only: check it first or " \
           "remove it" in flags
    assert "1 Tier 1 program's J-1 answer is 3 or more seasons old: verify it" in flags
    advising.entry_override_tier(entry_of(profile, catalog.tier_1), tier=Tier.TIER_2,
                                 reason="Wait for the visa answer", by=advisor)
    assert "No Tier 1 program in Internal Medicine on the list" in \
        dashboard_row(client, profile).flags

    # Signals planned: that flag goes.
    ListEntry.objects.filter(pk=entry_of(profile, catalog.tier_1).pk).update(signal=True)
    assert not [f for f in dashboard_row(client, profile).flags if "signals" in f]


def test_the_dashboard_shows_clients_without_a_list(client) -> None:
    advisor = an_advisor()
    profile = linked(ProfileFactory(graduation_year=None), advisor)
    client.force_login(advisor)

    response = client.get(url("advisor_dashboard"))

    row = response.context["page"].object_list[0]
    assert row.profile == profile and not row.profile_complete
    assert row.flags == ("Profile incomplete: no list yet",)
    assert "No list yet: no graduation year or specialty." in response.content.decode()


def test_the_dashboard_points_to_decisions_the_computed_tier_moved_away_from(
    client, catalog
) -> None:
    advisor = an_advisor()
    profile = linked(an_applicant(), advisor)
    advising.entry_override_tier(entry_of(profile, catalog.tier_3), tier=Tier.TIER_2,
                                 reason="Worth a try", by=advisor)
    ListEntry.objects.filter(program=catalog.tier_3).update(computed_tier=Tier.NOT_ELIGIBLE)
    client.force_login(advisor)

    assert other_flags(dashboard_row(client, profile)) == (
        "1 tier change to review: the computed tier moved",)


def test_the_dashboard_sorts_and_pages_25_clients_at_a_time(client, catalog) -> None:
    advisor = an_advisor()
    for n in range(27):
        profile = ProfileFactory(user__email=f"client{n:02d}@example.org")
        if n != 5:  # client05 has no specialty yet: one flag, the only one
            profile.target_specialties.set([catalog.tier_1.specialty])
        linked(profile, advisor)
    client.force_login(advisor)
    dashboard = url("advisor_dashboard")

    def emails(**params) -> list[str]:
        return [s.email for s in client.get(dashboard, params).context["page"].object_list]

    assert emails(sort="client") == [f"client{n:02d}@example.org" for n in range(25)]
    assert emails(sort="client", page=2) == ["client25@example.org", "client26@example.org"]
    assert emails(sort="-client")[0] == "client26@example.org"
    assert emails(sort="-flags")[0] == "client05@example.org"  # the incomplete profile
    assert emails(sort="bogus") == emails(sort="-flags")
    page = client.get(dashboard, {"sort": "client"}).content.decode()
    assert 'href="?sort=client&amp;page=2"' in page
    assert 'aria-sort="ascending"><a href="?sort=-client">Client</a>' in page


def test_the_dashboard_sorts_by_tier_1_count_and_last_update(client, catalog) -> None:
    advisor = an_advisor()
    strong = linked(an_applicant(user__email="strong@example.org"), advisor)
    weak = linked(an_applicant(user__email="weak@example.org", step2_score=220), advisor)
    ListEntry.objects.filter(profile=weak).update(tracking_updated_at=timezone.now()
                                                  + timedelta(hours=1))
    client.force_login(advisor)

    def emails(sort: str) -> list[str]:
        response = client.get(url("advisor_dashboard"), {"sort": sort})
        return [s.email for s in response.context["page"].object_list]

    assert emails("tier1") == ["weak@example.org", "strong@example.org"]
    assert emails("-tier1") == ["strong@example.org", "weak@example.org"]
    assert emails("-updated") == ["weak@example.org", "strong@example.org"]
    assert strong.pk != weak.pk


def test_the_dashboard_hides_other_advisors_clients(client, catalog) -> None:
    advisor, other = an_advisor(), an_advisor()
    linked(an_applicant(user__email="mine@example.org"), advisor)
    linked(an_applicant(user__email="theirs@example.org"), other)
    client.force_login(advisor)

    page = client.get(url("advisor_dashboard")).content.decode()

    assert "mine@example.org" in page and "theirs@example.org" not in page


def test_the_dashboard_is_for_advisors(client) -> None:
    client.force_login(UserFactory())

    assert client.get(url("advisor_dashboard")).status_code == 403


def test_the_dashboard_runs_the_same_queries_for_5_or_50_clients(
    client, catalog, django_assert_num_queries
) -> None:
    advisor = an_advisor()
    client.force_login(advisor)

    def add_clients(n: int) -> None:
        for i in range(n):
            profile = linked(an_applicant(budget_usd=300 + 100 * i, visa_need=["j1", "h1b"][i % 2],
                                          step3_passed=True, step3_attempts=1), advisor)
            entry = entry_of(profile, catalog.tier_1)
            advising.entry_override_tier(entry, tier=Tier.TIER_2, reason="Why", by=advisor)
            ListEntry.objects.filter(pk=entry.pk).update(status=Status.APPLIED,
                                                         tracking_updated_at=timezone.now())
        linked(ProfileFactory(graduation_year=None), advisor)  # one without a list

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url("advisor_dashboard")).status_code == 200
        return len(captured.captured_queries)

    add_clients(4)  # 5 clients
    few = queries()
    add_clients(44)  # 50 clients
    # 1 the session, 2 the advisor, 3 the clients (with their latest event, whether they
    # chose a specialty and their list), 4 their specialties, 5 the entries' counts per client,
    # specialty and tier (with progress and the list's flags), 6 the catalog's last change
    # (for "outdated" lists), 7 the advisor's unused client codes, 8 the clients' list entries
    # and 9 their programs (for "verify next"). The cost and the budget flag are computed in
    # Python from query 5.
    with django_assert_num_queries(9):
        response = client.get(url("advisor_dashboard"))
    assert response.context["total"] == 50
    assert few == 9


# --- Pages and navigation ----------------------------------------------------------------------


def test_the_navigation_leads_each_role_to_its_page(client) -> None:
    client.force_login(an_advisor())
    assert url("advisor_dashboard") in client.get(reverse("home")).content.decode()
    client.force_login(UserFactory())
    page = client.get(reverse("home")).content.decode()
    assert url("my_advisors") in page and url("advisor_dashboard") not in page


def test_the_advisor_sees_the_controls_and_the_applicant_does_not(client, catalog) -> None:
    advisor = an_advisor()
    profile = linked(an_applicant(), advisor)
    entry = entry_of(profile, catalog.tier_1)

    client.force_login(advisor)
    page = client.get(program_url(entry)).content.decode()
    assert entry_url("entry_override", entry) in page and "Save the tier" in page
    assert re.search(r'<option value="1"[^>]*selected', page)  # starts from the shown tier
    list_page = client.get(url("list", pk=profile.pk)).content.decode()
    assert url("history", pk=profile.pk) in list_page
    assert url("note_add", pk=profile.pk) in list_page

    client.force_login(profile.user)
    page = client.get(program_url(entry)).content.decode()
    assert entry_url("entry_override", entry) not in page
    list_page = client.get(url("list", pk=profile.pk)).content.decode()
    assert url("my_advisors") in list_page and url("history", pk=profile.pk) in list_page
    assert url("note_add", pk=profile.pk) not in list_page


def test_the_list_page_reads_the_advisors_notes_once_whatever_their_number(
    client, catalog
) -> None:
    advisor = an_advisor()
    profile = linked(an_applicant(), advisor)
    client.force_login(profile.user)
    list_url = url("list", pk=profile.pk)

    def queries() -> int:
        cache.clear()  # the page rendered in full both times, not from its cached rows
        with CaptureQueriesContext(connection) as captured:
            client.get(list_url)
        return len(captured.captured_queries)

    before = queries()
    for program in (catalog.tier_1, catalog.tier_2, catalog.tier_3):
        for text in ("one", "two"):
            advising.note_add(profile, text=text, by=advisor, entry=entry_of(profile, program))

    assert queries() == before


# --- Confirmed addresses ---------------------------------------------------------------------


def test_a_new_advisor_confirms_their_address_before_clients_can_link_them(
    client, mailoutbox
) -> None:
    code = advising.invitation_issue(
        AdvisorInvitation.Kind.ADVISOR_SIGNUP,
        by=User.objects.create_superuser(email="staff@example.org", password="x" * 20)).code
    password = "a-long-unusual-pass-42"
    client.post(url("advisor_signup"), {"code": code, "email": "coach@example.org",
                                        "password1": password, "password2": password})
    advisor = User.objects.get(email="coach@example.org")
    assert advisor.email_confirmed_at is None
    assert mailoutbox[-1].to == ["coach@example.org"]
    assert "clients can link you" in mailoutbox[-1].body
    dashboard = client.get(url("advisor_dashboard")).content.decode()
    assert "Until then clients cannot link you" in dashboard
    applicant = ProfileFactory()
    client.force_login(applicant.user)

    refused = client.post(url("advisor_invite"), {"email": "coach@example.org"})

    assert flashed(client, refused) == [advising.ADVISOR_NOT_CONFIRMED]
    assert not AdvisorLink.objects.exists()
    link = re.search(r"http://testserver(/accounts/confirm/\S+)", mailoutbox[-1].body).group(1)
    client.force_login(advisor)
    assert client.get(link).url == url("advisor_dashboard")
    advisor.refresh_from_db()
    assert advisor.email_confirmed_at is not None
    client.force_login(applicant.user)
    client.post(url("advisor_invite"), {"email": "coach@example.org"})
    assert AdvisorLink.objects.get().advisor == advisor


def test_a_client_code_from_an_unconfirmed_advisor_does_not_link_and_stays_usable(client) -> None:
    advisor = an_advisor(email_confirmed_at=None)
    code = advising.invitation_issue(AdvisorInvitation.Kind.CLIENT_LINK, by=advisor).code
    client.force_login(ProfileFactory().user)

    response = client.post(url("advisor_accept_code"), {"code": code})

    assert flashed(client, response) == [advising.ADVISOR_NOT_CONFIRMED]
    assert not AdvisorLink.objects.exists()
    assert AdvisorInvitation.objects.get(code=code).used_at is None


def test_an_applicant_without_a_confirmed_address_cannot_link_an_advisor(client) -> None:
    an_advisor(email="coach@example.org")
    profile = ProfileFactory(user__email_confirmed_at=None)
    client.force_login(profile.user)

    response = client.post(url("advisor_invite"), {"email": "coach@example.org"})

    assert flashed(client, response) == [advising.APPLICANT_NOT_CONFIRMED]
    assert not AdvisorLink.objects.exists()


def test_an_advisor_who_lost_the_e_mail_asks_for_a_new_link(client, mailoutbox) -> None:
    advisor = an_advisor(email="coach@example.org", email_confirmed_at=None)
    client.force_login(advisor)

    client.post(url("advisor_confirm_resend"))

    assert mailoutbox[-1].to == ["coach@example.org"]
    link = re.search(r"http://testserver(/accounts/confirm/\S+)", mailoutbox[-1].body).group(1)
    client.get(link)
    advisor.refresh_from_db()
    assert advisor.email_confirmed_at is not None
