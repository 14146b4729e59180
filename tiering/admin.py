from django.contrib import admin
from django.http import HttpRequest

from tiering.models import EntryEvent


@admin.register(EntryEvent)
class EntryEventAdmin(admin.ModelAdmin):
    """Read-only: the history is a record, not something to edit."""

    list_display = ("created_at", "kind", "entry", "actor", "before", "after")
    list_filter = ("kind",)
    search_fields = ("actor__email", "entry__profile__user__email", "text")
    list_select_related = ("actor",)
    # Newest first by id, which the primary key's index answers: created_at has no index.
    ordering = ("-pk",)
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: EntryEvent | None = None) -> bool:
        return False
