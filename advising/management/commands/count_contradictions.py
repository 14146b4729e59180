from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.test import Client
from django.utils import timezone

from advising.contradictions import KINDS, Audit, persona_fields
from applicants.models import Profile, User
from programs import verification
from programs.models import Program, Specialty
from tiering.lists import list_recompute


class Command(BaseCommand):
    help = ("Count where two readers of a program fact disagree (list, pages, catalog, CSV, "
            "tier_list), for the example applicant; changes nothing (docs/data-sources.md).")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--specialty", action="append", dest="specialties",
                            help="ACGME specialty code (repeat); default 140 and 120.")
        parser.add_argument("--state", action="append", dest="states", default=[],
                            help="Two-letter state (repeat): the example applicant's states; "
                                 "default every state.")
        parser.add_argument(
            "--approve", action="append", default=[], metavar="ACGME_ID:KEY=VALUE",
            help="First approve a verified fact, e.g. 1404800900:j1_accepted=yes (rolled "
                 "back with everything else).")
        parser.add_argument("--examples", action="store_true", help="Show up to 3 of each.")

    def handle(self, *args, specialties: list[str] | None, states: list[str],
               approve: list[str], examples: bool, **options) -> None:
        specialties = specialties or ["140", "120"]
        started = time.monotonic()
        with transaction.atomic():
            audit = self._audit(specialties, states, approve)
            transaction.set_rollback(True)  # the example applicant and approvals leave no trace
        total = sum(audit.counts.values())
        for kind in KINDS:
            self.stdout.write(f"{kind}: {audit.counts[kind]}")
            for example in audit.examples[kind] if examples else ():
                self.stdout.write(f"    {example}")
        self.stdout.write(f"total: {total} ({len(audit.pages)} programs read, "
                          f"{time.monotonic() - started:.0f} s)")

    def _audit(self, specialties: list[str], states: list[str], approve: list[str]) -> Audit:
        staff = User.objects.create_user(email="audit-staff@example.invalid", role="staff",
                                         email_confirmed_at=timezone.now())
        for item in approve:
            try:
                acgme_id, pair = item.split(":", 1)
                key, value = pair.split("=", 1)
                program = Program.objects.get(acgme_id=acgme_id)
            except (ValueError, Program.DoesNotExist) as exc:
                raise CommandError(f"--approve {item}: give ACGME_ID:KEY=VALUE of a program "
                                   "in the catalog.") from exc
            verification.submit(program, staff, key=key, value=value, method="phone",
                                note="count_contradictions", verified_on=timezone.localdate())
        user = User.objects.create_user(email="audit-applicant@example.invalid",
                                        email_confirmed_at=timezone.now())
        profile = Profile.objects.create(user=user, target_states=[s.upper() for s in states],
                                         **persona_fields())
        profile.target_specialties.set(Specialty.objects.filter(code__in=specialties))
        list_recompute(profile)
        client = Client(SERVER_NAME="localhost")
        client.force_login(user)
        audit = Audit(client, profile, timezone.now().year)
        audit.check_list()
        audit.check_catalog(specialties)
        audit.check_export()
        audit.check_command(specialties, profile.target_states)
        return audit
