"""Backups: everything users made comes back after a restore into an empty database."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from advising.models import AdvisorNote
from applicants.models import AdvisorLink, Profile, User
from programs.models import Program, Specialty
from tests.factories import ProfileFactory, ProgramFactory, SpecialtyFactory, UserFactory
from tiering.choice_field import attach_groups
from tiering.lists import list_groups, list_recompute
from tiering.models import ListEntry

pytestmark = pytest.mark.django_db


def make_user_data() -> dict:
    im = SpecialtyFactory(code="140", name="Internal Medicine")
    ProgramFactory.create_batch(3, specialty=im, j1_accepted="yes")
    profile = ProfileFactory(spanish_level="native", target_states=["TX"])
    profile.target_specialties.set([im])
    list_recompute(profile)
    entry = ListEntry.objects.filter(profile=profile).first()
    entry.status, entry.notes = "applied", "Sent on the first day"
    entry.save()
    advisor = UserFactory(role="advisor")
    AdvisorLink.objects.create(profile=profile, advisor=advisor)
    AdvisorNote.objects.create(profile=profile, author=advisor, text="Add two FM programs")
    return {"email": profile.user.email, "acgme_id": entry.program.acgme_id}


def snapshot() -> dict:
    return {
        "users": sorted(User.objects.values_list("email", "role", "password")),
        "profiles": sorted(Profile.objects.values_list("user__email", "spanish_level",
                                                       "target_states", "step2_score")),
        "specialties": sorted(Profile.objects.values_list("user__email",
                                                          "target_specialties__code")),
        "entries": sorted(ListEntry.objects.values_list(
            "profile__user__email", "program__acgme_id", "status", "notes", "computed_tier")),
        "links": sorted(AdvisorLink.objects.values_list("profile__user__email",
                                                        "advisor__email")),
        "notes": sorted(AdvisorNote.objects.values_list("author__email", "text")),
        "programs": sorted(Program.objects.values_list("acgme_id", "name", "j1_accepted")),
        # Each entry's whole choice, its group's part read from the list's groups.
        "choices": sorted(whole_choices()),
    }


def whole_choices() -> list[str]:
    entries = list(ListEntry.objects.select_related("profile__user"))
    for entry in entries:
        attach_groups([entry], list_groups(entry.profile))
    return [json.dumps([e.profile.user.email, e.choice], sort_keys=True) for e in entries]


def test_a_backup_restores_every_account_list_and_note(tmp_path: Path) -> None:
    make_user_data()
    before = snapshot()
    assert any('"next_id"' in choice for choice in before["choices"])  # groups were joined
    backup = tmp_path / "backup.json.gz"
    call_command("backup_user_data", str(backup), stdout=io.StringIO())

    for model in (AdvisorNote, AdvisorLink, ListEntry, Profile, User, Program, Specialty):
        model.objects.all().delete()
    assert User.objects.count() == 0
    call_command("restore_user_data", str(backup), stdout=io.StringIO())

    assert snapshot() == before


def test_a_restore_refuses_a_database_that_already_has_accounts(tmp_path: Path) -> None:
    make_user_data()
    backup = tmp_path / "backup.json"
    call_command("backup_user_data", str(backup), stdout=io.StringIO())

    with pytest.raises(CommandError, match="already has accounts"):
        call_command("restore_user_data", str(backup), stdout=io.StringIO())


def test_a_backup_written_before_the_apps_were_split_restores() -> None:
    # Written by backup_user_data when lists, history and advisor records lived in applicants.
    backup = Path(__file__).parent / "fixtures" / "backup-before-app-split.json"

    call_command("restore_user_data", str(backup), stdout=io.StringIO())

    profile = Profile.objects.get()
    assert sorted(User.objects.values_list("role", flat=True)) == ["advisor", "applicant"]
    assert ListEntry.objects.filter(profile=profile).count() == 3
    entry = ListEntry.objects.get(profile=profile, status="applied")
    assert entry.notes == "Sent on the first day"
    assert AdvisorLink.objects.get().profile == profile
    assert AdvisorNote.objects.get().text == "Add two FM programs"
    assert list(profile.target_specialties.values_list("code", flat=True)) == ["140"]
