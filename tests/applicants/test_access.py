"""Who may open and change an applicant's pages.

Every route of the ``applicants`` namespace with ``<int:pk>`` in it belongs to one applicant. The
matrix finds them in the URLconf, so a route is covered the day it is added: the applicant and
the advisors they linked get it; other users get a 404, as if the applicant did not exist;
anonymous visitors are sent to log in. A route with a parameter that has no sample value in
``SAMPLES`` fails until one is added.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from advising.models import AdvisorInvitation, AdvisorNote
from applicants.models import AdvisorLink, Profile, User
from tests.factories import ProfileFactory, ProgramFactory, SpecialtyFactory, UserFactory
from tiering.lists import list_recompute
from tiering.models import EntryEvent, ListEntry
from tracker.models import TrackerUpload

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class Route:
    namespace: str
    name: str
    route: str
    params: tuple[str, ...]


APPLICANT_APPS = ("applicants", "tiering", "strategy", "tracker", "advising")


def applicant_scoped_routes() -> list[Route]:
    """Every route of the product's apps whose path holds ``<int:pk>``: one applicant's pages."""
    found: list[Route] = []

    def walk(patterns: list, prefix: str, namespace: str) -> None:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                inner = pattern.namespace or ""
                walk(pattern.url_patterns, route,
                     f"{namespace}:{inner}".strip(":") if inner else namespace)
            elif isinstance(pattern, URLPattern) and namespace in APPLICANT_APPS \
                    and "<int:pk>" in route:
                params = tuple(re.findall(r"<(?:\w+:)?(\w+)>", route))
                found.append(Route(namespace, pattern.name, route, params))

    walk(get_resolver().url_patterns, "", "")
    return found


ROUTES = applicant_scoped_routes()


@dataclass
class World:
    profile: Profile  # the applicant, with a computed list
    entry: ListEntry
    users: dict[str, User | None]


SAMPLES: dict[str, Callable[[World], object]] = {
    "pk": lambda world: world.profile.pk,
    "entry_id": lambda world: world.entry.pk,
    "acgme_id": lambda world: world.entry.program.acgme_id,
    # A tracker upload the worker stopped: its page shows why.
    "upload_id": lambda world: TrackerUpload.objects.create(
        profile=world.profile, file_name="tracker.xlsx", size=1,
        state=TrackerUpload.State.FAILED, failure="timeout").pk,
}

OWNER, ADVISOR = "owner", "linked advisor"
STRANGERS = ("another advisor", "another applicant", "revoked advisor")
ANONYMOUS = "anonymous"
ROLES = (OWNER, ADVISOR, *STRANGERS, ANONYMOUS)
LOGIN = "login"  # expected: a redirect to the login page

LIST_CHANGES = ("list_build", "list_add", "list_remove", "list_pin")
ADVISOR_ACTIONS = ("entry_override", "entry_clear_override", "entry_exclude", "entry_restore",
                   "note_add")
# What known routes answer the owner and the linked advisor. A route not listed here (a new
# one) is held to the general rule: both get it, or neither gets a GET (an action, 405), or the
# advisor is refused with 403 where the action is the applicant's.
EXPECTED_GET: dict[str, tuple[int, int]] = {
    "profile": (200, 200),  # read-only for the advisor
    "list": (200, 200),
    "explanation": (200, 200),
    "history": (200, 200),
    "tracker_xlsx": (200, 200),  # the advisor can download the client's tracker
    "tracker_csv": (200, 200),
    # Changes are POSTs: a GET is refused before anything happens, the same for everyone
    # signed in, so the answer reveals nothing about the applicant.
    **{name: (405, 405) for name in ADVISOR_ACTIONS},
    **{name: (405, 405) for name in LIST_CHANGES},
}
EXPECTED_POST: dict[str, tuple[int, int]] = {
    "profile": (302, 403),  # only the applicant edits the profile
    # The advisor's corrections: the applicant reads them but does not make them.
    **{name: (403, 302) for name in ADVISOR_ACTIONS},
    # Both change the list itself (the advisor with a reason); the page answers with a redirect.
    **{name: (302, 302) for name in LIST_CHANGES},
}


def post_data(name: str, world: World) -> dict:
    if name == "profile":
        return {
            "step1_passed": "on", "step1_attempts": "1", "step2_score": "230",
            "step2_attempts": "1", "step3_attempts": "0", "graduation_year": "2024",
            "visa_need": "j1", "ecfmg_status": "certified", "usce_hands_on_months": "3",
            "usce_observership_months": "0", "usce_border_months": "0", "us_letters": "1",
            "research_experiences": "0", "spanish_level": "basic",
            "target_specialties": [world.entry.program.specialty_id],
        }
    return {"tier": "2", "reason": "From the access matrix", "text": "From the access matrix",
            "acgme_id": world.entry.program.acgme_id}


@pytest.fixture
def world() -> World:
    im = SpecialtyFactory(code="140", name="Internal Medicine")
    ProgramFactory(specialty=im, j1_accepted="yes", non_us_img_share_pct=60, setting="community")
    ProgramFactory(specialty=im, j1_accepted="no")
    profile = ProfileFactory(user__email="owner@example.org")
    profile.target_specialties.set([im])
    list_recompute(profile)
    profile.refresh_from_db()

    advisor = UserFactory(role=User.Role.ADVISOR)
    AdvisorLink.objects.create(profile=profile, advisor=advisor)
    another_advisor = UserFactory(role=User.Role.ADVISOR)
    AdvisorLink.objects.create(profile=ProfileFactory(), advisor=another_advisor)
    revoked = UserFactory(role=User.Role.ADVISOR)
    AdvisorLink.objects.create(profile=profile, advisor=revoked, revoked_at=timezone.now())
    return World(
        profile=profile,
        entry=ListEntry.objects.select_related("program").filter(profile=profile).first(),
        users={
            OWNER: profile.user, ADVISOR: advisor, "another advisor": another_advisor,
            "another applicant": ProfileFactory().user, "revoked advisor": revoked,
            ANONYMOUS: None,
        },
    )


@pytest.fixture(autouse=True)
def fast_password_hashing(settings) -> None:
    # Nobody logs in with a password here; the slow default hasher would only cost time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def url_of(route: Route, world: World) -> str:
    missing = [param for param in route.params if param not in SAMPLES]
    if missing:
        pytest.fail(f"No sample value for {missing} in {route.route!r} ({route.name}): add one "
                    "to SAMPLES so the access matrix covers this route.")
    return reverse(f"{route.namespace}:{route.name}",
                   kwargs={param: SAMPLES[param](world) for param in route.params})


def db_state() -> tuple:
    """Everything a request could change about the applicant's list and links."""
    entry_fields = [f.attname for f in ListEntry._meta.concrete_fields]
    return (
        list(ListEntry.objects.order_by("pk").values_list(*entry_fields)),
        list(EntryEvent.objects.order_by("pk").values_list("pk", flat=True)),
        list(AdvisorNote.objects.order_by("pk").values_list("pk", flat=True)),
        list(AdvisorLink.objects.order_by("pk").values_list("pk", "revoked_at")),
        list(AdvisorInvitation.objects.order_by("pk").values_list("pk", "used_at")),
        list(Profile.objects.order_by("pk").values_list("pk", "updated_at", "version")),
    )


def as_user(world: World, role: str) -> Client:
    client = Client()
    if world.users[role] is not None:
        client.force_login(world.users[role])
    return client


def request(client: Client, method: str, url: str, data: dict):
    return client.get(url) if method == "GET" else client.post(url, data)


def expected_status(route: Route, method: str, role: str, world: World, url: str, data: dict,
                    ) -> set[int | str]:
    table = EXPECTED_GET if method == "GET" else EXPECTED_POST
    if route.name in table:
        owner, advisor = table[route.name]
        exact = True
    else:
        # A route this file does not know yet: the owner's own answer says whether the method
        # is allowed at all.
        owner = request(as_user(world, OWNER), method, url, data).status_code
        assert owner in {200, 302, 405}, f"the owner gets {owner} on {method} {url}"
        advisor = owner
        exact = False
    if role == OWNER:
        return {owner}
    if role == ADVISOR:
        return {advisor} if exact else {owner, 403}
    not_allowed = {405} if owner == 405 else set()
    if role == ANONYMOUS:
        return {LOGIN} if exact else {LOGIN} | not_allowed
    return not_allowed or {404}


def status_of(response) -> int | str:
    if response.status_code == 302 and response.url.startswith(f"{reverse('login')}?next="):
        return LOGIN
    return response.status_code


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("route", ROUTES, ids=lambda route: route.name)
def test_a_get_answers_only_the_applicant_and_their_advisor_and_changes_nothing(
    world, route, role
) -> None:
    url = url_of(route, world)
    expected = expected_status(route, "GET", role, world, url, {})
    client = as_user(world, role)
    before = db_state()

    response = client.get(url)

    assert status_of(response) in expected, f"{role} GET {url}: {response.status_code}"
    assert db_state() == before


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("route", ROUTES, ids=lambda route: route.name)
def test_a_post_answers_only_the_applicant_and_their_advisor(world, route, role) -> None:
    url = url_of(route, world)
    data = post_data(route.name, world)
    expected = expected_status(route, "POST", role, world, url, data)
    client = as_user(world, role)
    before = db_state()

    response = client.post(url, data)

    assert status_of(response) in expected, f"{role} POST {url}: {response.status_code}"
    if role not in (OWNER, ADVISOR):
        assert db_state() == before


def test_the_matrix_covers_the_applicant_pages_and_the_advisor_actions() -> None:
    names = {route.name for route in ROUTES}

    assert {"profile", "list", "explanation", "history", *ADVISOR_ACTIONS} <= names


def test_every_route_parameter_has_a_sample_value() -> None:
    missing = {(route.name, param) for route in ROUTES for param in route.params
               if param not in SAMPLES}

    assert not missing, f"add sample values for {sorted(missing)} to SAMPLES"


def test_a_stranger_gets_the_same_404_for_an_applicant_who_does_not_exist(world) -> None:
    client = as_user(world, "another advisor")
    route = next(route for route in ROUTES if route.name == "list")
    real = client.get(url_of(route, world))

    missing = client.get(reverse("tiering:list", kwargs={"pk": world.profile.pk + 1000}))

    assert real.status_code == missing.status_code == 404
    assert real.content == missing.content


# --- Actions outside one applicant's pages -----------------------------------------------------

OTHER_ACTIONS = ("advisor_code_create", "advisor_invite", "advisor_accept_code", "advisor_revoke")


def other_action_url(name: str, world: World) -> str:
    if name == "advisor_revoke":
        link = AdvisorLink.objects.get(profile=world.profile, advisor=world.users[ADVISOR])
        return reverse("advising:advisor_revoke", kwargs={"link_id": link.pk})
    return reverse(f"advising:{name}")


@pytest.mark.parametrize("name", OTHER_ACTIONS)
def test_a_get_on_an_action_is_refused_and_changes_nothing(world, name) -> None:
    user = world.users[ADVISOR if name == "advisor_code_create" else OWNER]
    client = Client()
    client.force_login(user)
    before = db_state()

    response = client.get(other_action_url(name, world))

    assert response.status_code == 405
    assert db_state() == before


# --- CSRF ----------------------------------------------------------------------------------


def csrf_cases() -> list[tuple[str, str]]:
    return ([("scoped", route.name) for route in ROUTES]
            + [("other", name) for name in OTHER_ACTIONS] + [("other", "advisor_signup")])


@pytest.mark.parametrize(("kind", "name"), csrf_cases(), ids=lambda value: value)
def test_a_post_without_the_csrf_token_is_refused(world, kind, name) -> None:
    client = Client(enforce_csrf_checks=True)
    advisor_side = name in ADVISOR_ACTIONS or name == "advisor_code_create"
    if name != "advisor_signup":
        client.force_login(world.users[ADVISOR if advisor_side else OWNER])
    if kind == "scoped":
        url = url_of(next(route for route in ROUTES if route.name == name), world)
    elif name == "advisor_signup":
        url = reverse("advising:advisor_signup")
    else:
        url = other_action_url(name, world)
    before = db_state()

    response = client.post(url, post_data(name, world))

    assert response.status_code == 403
    assert "CSRF" in response.content.decode()
    assert db_state() == before


def test_the_same_post_with_the_csrf_token_goes_through(world) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users[ADVISOR])
    page = client.get(reverse("tiering:explanation", kwargs={
        "pk": world.profile.pk, "acgme_id": world.entry.program.acgme_id}))
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())[1]

    response = client.post(
        reverse("advising:entry_override",
                kwargs={"pk": world.profile.pk, "entry_id": world.entry.pk}),
        {"tier": "3", "reason": "With the token", "csrfmiddlewaretoken": token},
    )

    assert response.status_code == 302
    assert ListEntry.objects.get(pk=world.entry.pk).override_reason == "With the token"
