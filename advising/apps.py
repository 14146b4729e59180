"""Advisors: sign-up codes, linking to applicants, the dashboard, tier overrides, exclusions and
notes on a client's list, and the history of those changes."""

from django.apps import AppConfig


class AdvisingConfig(AppConfig):
    name = "advising"
    verbose_name = "Advising"

    def ready(self) -> None:
        from django.db.models import Count, Max

        from advising.models import AdvisorNote
        from tiering.page_cache import PAGE_DEPENDENCIES

        def notes(profile: object) -> tuple:
            # The list page shows the notes and each program's latest one: notes are only added or
            # deleted, so how many and the newest say when that changes.
            seen = AdvisorNote.objects.filter(profile=profile).aggregate(n=Count("pk"),
                                                                        top=Max("pk"))
            return seen["n"], seen["top"]

        PAGE_DEPENDENCIES.append(notes)
