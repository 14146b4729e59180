"""The third hardening issue's probes that are not one app's: control characters at the door
(finding 6) and 4xx responses logged in one line (finding 8). The e-mail, confirmation-link,
list-revision and catalog-cache probes live with their apps' tests."""

from __future__ import annotations

import io
import logging

import pytest
from django.urls import reverse

from tests.factories import ProfileFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/programs/%00/", "/programs/1400%0021001/",
                                  "/applicants/1/list/%07/"])
def test_a_control_character_in_the_address_is_not_a_page(client, path) -> None:
    assert client.get(path).status_code == 404


@pytest.mark.parametrize("query", [{"q": "El Paso\x00"}, {"state": "\x00TX"},
                                   {"q\x00": "x"}, {"q": "a\x1bb"}])
def test_a_control_character_in_a_query_is_refused(client, query) -> None:
    assert client.get(reverse("programs:list"), query).status_code == 400


def test_a_nul_in_a_form_field_is_refused_and_nothing_changes(client) -> None:
    profile = ProfileFactory()
    client.force_login(profile.user)

    response = client.post(reverse("tiering:list_add", kwargs={"pk": profile.pk}),
                           {"acgme_id": "1404821001\x00", "reason": "near family"})

    assert response.status_code == 400
    assert not profile.entries.exists()


@pytest.mark.parametrize("name", ["login", "signup", "password_reset"])
def test_a_nul_on_the_account_pages_is_refused(client, name) -> None:
    response = client.post(reverse(name), {"username": "a\x00@example.org",
                                           "email": "a\x00@example.org",
                                           "password": "x", "password1": "x", "password2": "x"})

    assert response.status_code == 400


def test_tabs_and_line_ends_are_still_accepted(client) -> None:
    assert client.get(reverse("programs:list"), {"q": "El\tPaso\r\n"}).status_code == 200


def _console_output(run) -> str:
    handler = next(h for h in logging.getLogger().handlers if h.filters)
    stream, handler.stream = handler.stream, io.StringIO()
    try:
        run()
        return handler.stream.getvalue()
    finally:
        handler.stream = stream


def test_a_403_is_logged_in_one_line(client) -> None:
    advisor_only = reverse("advising:advisor_dashboard")
    client.force_login(ProfileFactory().user)  # an applicant

    output = _console_output(lambda: client.get(advisor_only))

    assert "Forbidden" in output
    assert "Traceback" not in output
    assert len(output.strip().splitlines()) == 1


def test_a_server_error_keeps_its_traceback() -> None:
    logger = logging.getLogger("django.request")

    def fail() -> None:
        try:
            raise RuntimeError("boom")
        except RuntimeError:
            logger.error("Internal Server Error: /x/", exc_info=True,
                         extra={"status_code": 500})

    assert "Traceback" in _console_output(fail)
