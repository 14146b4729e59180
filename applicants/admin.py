from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import UserCreationForm
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from applicants.models import AdvisorLink, Profile, User


class AdminUserCreationForm(UserCreationForm):
    class Meta:
        model = User
        fields = ("email", "role")


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    add_form = AdminUserCreationForm
    list_display = ("email", "role", "is_staff", "is_active", "email_confirmed_at",
                    "date_joined")
    list_filter = ("role", "is_staff", "is_active")
    search_fields = ("email",)
    ordering = ("email",)
    fieldsets = (
        (None, {"fields": ("email", "password", "role")}),
        ("Permissions", {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
        # Staff who created an account by hand and know the address is the person's can set
        # the confirmation date; links to advisors need it.
        ("Dates", {"fields": ("email_confirmed_at", "last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "role", "password1",
                                                             "password2")}),)


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ("user", "graduation_year", "visa_need", "step2_score", "updated_at")
    search_fields = ("user__email",)
    filter_horizontal = ("target_specialties",)


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
