from django import forms
from django.contrib import admin
from django.http import HttpRequest

from advising.models import AdvisorInvitation, AdvisorNote
from advising.services import invitation_new_code


@admin.register(AdvisorInvitation)
class AdvisorInvitationAdmin(admin.ModelAdmin):
    """Staff issue advisor sign-up codes here: choose the kind and save; the code is made."""

    list_display = ("code", "kind", "created_by", "created_at", "used_by", "used_at")
    list_filter = ("kind", ("used_at", admin.EmptyFieldListFilter))
    search_fields = ("code", "created_by__email", "used_by__email")
    fields = ("kind", "code", "created_by", "created_at", "used_by", "used_at")
    readonly_fields = ("code", "created_by", "created_at", "used_by", "used_at")

    def get_changeform_initial_data(self, request: HttpRequest) -> dict:
        return {"kind": AdvisorInvitation.Kind.ADVISOR_SIGNUP}

    def get_readonly_fields(self, request: HttpRequest,
                            obj: AdvisorInvitation | None = None) -> tuple[str, ...]:
        # An issued code keeps its kind: a sign-up code must not become a link code.
        return (*self.readonly_fields, "kind") if obj else self.readonly_fields

    def save_model(self, request: HttpRequest, obj: AdvisorInvitation, form: forms.ModelForm,
                   change: bool) -> None:
        if not obj.code:
            obj.code = invitation_new_code()
        if not obj.created_by_id:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(AdvisorNote)
class AdvisorNoteAdmin(admin.ModelAdmin):
    list_display = ("profile", "author", "entry", "created_at")
    search_fields = ("profile__user__email", "author__email", "text")
    raw_id_fields = ("profile", "entry", "author")
    list_select_related = ("profile__user", "author")
