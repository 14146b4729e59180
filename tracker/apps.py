"""The application tracker: the Excel workbook and CSV export of the list, the upload with its
preview and all-or-nothing confirm, and tracking each program in the app."""

from django.apps import AppConfig


class TrackerConfig(AppConfig):
    name = "tracker"
    verbose_name = "Application tracker"
