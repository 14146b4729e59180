"""What advisors add to a client's list: the one-time codes and the notes."""

from __future__ import annotations

from django.db import models

from applicants.models import Profile, User
from tiering.models import ListEntry


class AdvisorInvitation(models.Model):
    """A one-time code: staff issue them to advisors (kind=advisor_signup), advisors give them
    to applicants (kind=client_link)."""

    class Kind(models.TextChoices):
        ADVISOR_SIGNUP = "advisor_signup", "Advisor sign-up"
        CLIENT_LINK = "client_link", "Client link"

    code = models.CharField(max_length=32, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    created_by = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    used_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.get_kind_display()} code {self.code}"


class AdvisorNote(models.Model):
    """An advisor's note on a client, or on one program of the client's list."""

    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="advisor_notes")
    entry = models.ForeignKey(
        ListEntry, on_delete=models.CASCADE, null=True, blank=True, related_name="advisor_notes"
    )
    author = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Note by {self.author_id} on profile {self.profile_id}"
