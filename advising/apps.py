"""Advisors: sign-up codes, linking to applicants, the dashboard, tier overrides, exclusions and
notes on a client's list, and the history of those changes."""

from django.apps import AppConfig


class AdvisingConfig(AppConfig):
    name = "advising"
    verbose_name = "Advising"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from advising.models import AdvisorNote
        from tiering.models import ApplicantList

        def notes_changed(instance: AdvisorNote, **kwargs: object) -> None:
            # The list page shows the notes, and is kept in the cache under the list's
            # content stamp (tiering.page_cache): a note added, edited or deleted moves it.
            ApplicantList.touch([instance.profile_id])

        post_save.connect(notes_changed, sender=AdvisorNote, dispatch_uid="advising.notes.save")
        post_delete.connect(notes_changed, sender=AdvisorNote,
                            dispatch_uid="advising.notes.delete")
