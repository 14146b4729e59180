"""Who may see an applicant's profile and list.

Every applicant-scoped view calls ``get_applicant_for``: strangers get a 404, never a 403, so
that nobody learns that an applicant exists. The applicant and the advisors they linked may see
the profile and the list; what each of them may change is decided by the view (``is_owner``,
``is_linked_advisor``).

Access is read from the database on every request, never cached: a link the applicant revokes
closes the advisor's next request.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet
from django.http import Http404

from applicants.models import AdvisorLink, Profile, User
from programs.versions import catalog_version_read, with_catalog_version
from residency_planner.compiled import CompiledRead


def get_applicant_for(user: User | AnonymousUser, pk: int, *, related: tuple[str, ...] = (),
                      ) -> Profile:
    """The profile with this pk if ``user`` may see it; 404 otherwise. ``related``: more
    one-to-one relations read in the same query (the list page reads the list's row). The
    catalog's version comes in the same query: the cached pages' keys hold it, and a page
    served from the cache then reads nothing else."""
    profile = _read(related).get(pk)
    if profile is None:
        raise Http404("No such applicant.")
    catalog_version_read(profile.catalog_number, profile.catalog_changed_at)
    if not can_view(user, profile):
        raise Http404("No such applicant.")
    return profile


# Read by every applicant page, and all a page served from the cache reads besides the session
# and the user: compiled once (residency_planner.compiled), one per set of related rows.
_READS: dict[tuple[str, ...], CompiledRead] = {}


def _read(related: tuple[str, ...]) -> CompiledRead:
    if related not in _READS:
        _READS[related] = CompiledRead(lambda pk: with_catalog_version(
            Profile.objects.select_related("user", *related)).filter(pk=pk))
    return _READS[related]


def can_view(user: User | AnonymousUser, profile: Profile) -> bool:
    return is_owner(user, profile) or is_linked_advisor(user, profile)


def is_owner(user: User | AnonymousUser, profile: Profile) -> bool:
    return user.is_authenticated and profile.user_id == user.pk


def is_linked_advisor(user: User | AnonymousUser, profile: Profile) -> bool:
    """An advisor the applicant linked and has not revoked.

    The role is checked too: staff who take the advisor role away from an account close its
    links without touching them.
    """
    if not user.is_authenticated or user.role != User.Role.ADVISOR:
        return False
    return active_links().filter(profile=profile, advisor=user).exists()


def active_links() -> QuerySet[AdvisorLink]:
    """Links the applicant has not revoked: the only ones that give access."""
    return AdvisorLink.objects.filter(revoked_at__isnull=True)
