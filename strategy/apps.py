"""The application strategy around the list: ERAS program signals, geographic preferences (with
a map) and the SOAP backup list. It reads the catalog, the profile and the list; the list's
pages include its panel, and the tracker writes its plans into the workbook."""

from django.apps import AppConfig


class StrategyConfig(AppConfig):
    name = "strategy"
    verbose_name = "Application strategy"
