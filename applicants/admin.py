from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import UserCreationForm
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from applicants.advising import invitation_new_code
from applicants.models import AdvisorInvitation, AdvisorLink, AdvisorNote, EntryEvent, Profile, User


class AdminUserCreationForm(UserCreationForm):
    class Meta:
        model = User
        fields = ("email", "role")


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    add_form = AdminUserCreationForm
    list_display = ("email", "role", "is_staff", "is_active", "date_joined")
    list_filter = ("role", "is_staff", "is_active")
    search_fields = ("email",)
    ordering = ("email",)
    fieldsets = (
        (None, {"fields": ("email", "password", "role")}),
        ("Permissions", {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "role", "password1",
                                                             "password2")}),)


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ("user", "graduation_year", "visa_need", "step2_score", "updated_at")
    search_fields = ("user__email",)
    filter_horizontal = ("target_specialties",)


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


@admin.register(AdvisorLink)
class AdvisorLinkAdmin(admin.ModelAdmin):
    list_display = ("profile", "advisor", "created_at", "revoked_at")
    list_filter = (("revoked_at", admin.EmptyFieldListFilter),)
    search_fields = ("profile__user__email", "advisor__email")
    raw_id_fields = ("profile", "advisor")
    list_select_related = ("profile__user", "advisor")
    actions = ["revoke"]

    @admin.action(description="Revoke the selected links")
    def revoke(self, request: HttpRequest, queryset: QuerySet[AdvisorLink]) -> None:
        count = queryset.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
        self.message_user(request, f"{count} link(s) revoked.")


@admin.register(AdvisorNote)
class AdvisorNoteAdmin(admin.ModelAdmin):
    list_display = ("profile", "author", "entry", "created_at")
    search_fields = ("profile__user__email", "author__email", "text")
    raw_id_fields = ("profile", "entry", "author")
    list_select_related = ("profile__user", "author")


@admin.register(EntryEvent)
class EntryEventAdmin(admin.ModelAdmin):
    """Read-only: the history is a record, not something to edit."""

    list_display = ("created_at", "kind", "entry", "actor", "before", "after")
    list_filter = ("kind",)
    search_fields = ("actor__email", "entry__profile__user__email", "text")
    list_select_related = ("actor",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: EntryEvent | None = None) -> bool:
        return False
