"""Accounts and the profile: the user model and its roles (applicant, advisor, staff), sign-up
and log-in, the applicant's profile, and the links that let an advisor see it (with the access
rules every applicant-scoped page uses)."""

from django.apps import AppConfig


class ApplicantsConfig(AppConfig):
    name = "applicants"
    verbose_name = "Applicants"

    def ready(self) -> None:
        # Connects the log-in receiver that keeps a language chosen before signing in.
        from applicants import language  # noqa: F401
