"""What the strategy stores beyond the list: which signals are gold.

Whether a program is signalled is the list entry's own ``signal`` field, the one the tracker
workbook's Signal column shows and its upload sets; the plan writes that field. In a specialty
with two kinds of signal (Internal Medicine: gold and silver), a signal is silver unless a
``GoldSignal`` row marks it gold.
"""

from __future__ import annotations

from django.db import models

from tiering.models import ListEntry


class GoldSignal(models.Model):
    entry = models.OneToOneField(ListEntry, on_delete=models.CASCADE, related_name="gold_signal")
    reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Gold signal for entry {self.entry_id}"
