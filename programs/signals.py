"""Signals the catalog sends; the parts built on it listen (imports run upwards)."""

from django.dispatch import Signal

# Program facts changed (a catalog import, an approved or withdrawn verified fact):
# ``specialty_codes`` names the specialties whose programs changed, or None for all of them.
# Sent after the change is committed. Tiering rebuilds the affected lists in the task queue.
catalog_changed = Signal()
