"""Who may see an applicant's profile and list.

Every applicant-scoped view calls ``get_applicant_for``: strangers get a 404, never a 403, so
that nobody learns that an applicant exists.
"""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404

from applicants.models import Profile, User


def get_applicant_for(user: User, pk: int) -> Profile:
    """The profile with this pk if ``user`` may see it; 404 otherwise."""
    profile = get_object_or_404(Profile.objects.select_related("user"), pk=pk)
    if not can_view(user, profile):
        raise Http404("No such applicant.")
    return profile


def can_view(user: User, profile: Profile) -> bool:
    return is_owner(user, profile)


def is_owner(user: User, profile: Profile) -> bool:
    return user.is_authenticated and profile.user_id == user.pk
