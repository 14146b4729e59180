"""Sessions without the pattern index Django makes on a text key (PostgreSQL): a log-in and a
log-out through the forms work as before, and the migration that drops the index makes it
again on the way back."""

from __future__ import annotations

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from tests.factories import UserFactory

PASSWORD = "correct horse battery staple"  # the factories' password
PATTERN_INDEX = "django_session_session_key_c0390e0f_like"


def session_indexes() -> set[str]:
    with connection.cursor() as cursor:
        return set(connection.introspection.get_constraints(cursor, "django_session"))


def _migrate(target: list[tuple[str, str]]) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(target)


@pytest.mark.django_db(transaction=True)
def test_a_log_in_finds_its_session_by_its_key_without_the_pattern_index(client) -> None:
    user = UserFactory(email="ana@example.org")
    response = client.post(reverse("login"), {"username": "ana@example.org",
                                              "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 200
    session = Session.objects.get(session_key=client.session.session_key)
    assert session.get_decoded()["_auth_user_id"] == str(user.pk)
    assert PATTERN_INDEX not in session_indexes()
    if connection.vendor != "postgresql":
        return
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    try:
        _migrate([("applicants", "0006_profile_geographic_divisions_and_more")])
        assert PATTERN_INDEX in session_indexes()
    finally:
        _migrate(latest)
    assert PATTERN_INDEX not in session_indexes()
    client.post(reverse("logout"))
    assert not Session.objects.filter(session_key=session.session_key).exists()
