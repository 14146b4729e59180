"""The scoring service and the list: the pure scoring model and budget (no Django, no I/O), the
stored list and its recomputation, the list and explanation pages, and ``manage.py tier_list``."""

from django.apps import AppConfig


class TieringConfig(AppConfig):
    name = "tiering"
    verbose_name = "Tiering and the list"

    def ready(self) -> None:
        from applicants.signals import profile_saved
        from tiering.lists import list_update_after_save

        def recompute(sender: object, *, profile: object, **kwargs: object) -> None:
            list_update_after_save(profile)

        profile_saved.connect(recompute, weak=False, dispatch_uid="tiering.list_update_after_save")

        from django.contrib.auth.signals import user_logged_in

        def carry_over(sender: object, *, request: object, user: object,
                       **kwargs: object) -> None:
            # The list tried without an account becomes the profile once its owner signs in
            # (a confirmed sign-up logs in), in the browser that tried it.
            from tiering.trial import trial_carry_over

            if request is not None and hasattr(request, "session"):
                trial_carry_over(request, user)

        user_logged_in.connect(carry_over, weak=False, dispatch_uid="tiering.trial_carry_over")

        from programs.signals import catalog_changed

        def rebuild_lists(sender: object, *, specialty_codes: object = None,
                          **kwargs: object) -> None:
            # In the task queue; when it cannot be reached, each list still rebuilds itself
            # when it is next opened (tiering.lists.list_ensure_current).
            from kombu.exceptions import KombuError, OperationalError

            from tiering.tasks import lists_refresh

            try:
                lists_refresh.delay(specialty_codes)
            except (KombuError, OperationalError, OSError):
                import logging

                logging.getLogger(__name__).warning(
                    "The task queue cannot be reached: lists rebuild when opened")

        catalog_changed.connect(rebuild_lists, weak=False, dispatch_uid="tiering.rebuild_lists")
