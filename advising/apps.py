"""Advisors: sign-up codes, linking to applicants, the dashboard, tier overrides, exclusions and
notes on a client's list, and the history of those changes."""

from django.apps import AppConfig


class AdvisingConfig(AppConfig):
    name = "advising"
    verbose_name = "Advising"
