from django.contrib import admin
from django.utils import timezone

from programs import current
from programs.models import Program, Specialty


@admin.register(Specialty)
class SpecialtyAdmin(admin.ModelAdmin):
    list_display = ("code", "name")
    search_fields = ("code", "name")

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        if change:
            # Pages and the scoring's inputs are cached per catalog version, which follows
            # the programs' last change: a renamed specialty changes its programs.
            Program.objects.filter(specialty=obj).update(updated_at=timezone.now())


@admin.register(Program)
class ProgramAdmin(admin.ModelAdmin):
    list_display = (
        "acgme_id", "name", "specialty", "city", "state", "in_border_region",
        "border_distance_km", "j1_accepted", "h1b_sponsored", "non_us_img_share_pct",
    )
    list_filter = ("specialty", "in_border_region", "j1_accepted", "h1b_sponsored", "setting",
                   "state")
    search_fields = ("acgme_id", "name", "city")
    list_select_related = ("specialty",)
    readonly_fields = ("updated_at", "imported_values")

    def save_model(self, request, obj, form, change) -> None:
        """An edit here is an edit of the imported layer: where an approved verified value
        stands over a fact, the edit goes to the imported value kept aside, and the verified
        one stays current until it is withdrawn (programs.current)."""
        for key in set(form.changed_data) & set(obj.imported_values or {}):
            obj.imported_values[key]["value"] = form.cleaned_data[key]
        super().save_model(request, obj, form, change)
        if change:
            current.refresh(obj.pk)
