"""Verified facts: recorded by staff and advisors, reviewed by staff, laid over the catalog.

The catalog's sources are mostly from 2021; freshness comes from people who call programs. A
verified fact carries its value, how it was verified, a link or note, the date and who. Staff
entries are approved on save; an advisor's entry (and an applicant's error report) waits in the
staff review queue. Approved entries are the newest source of their fact ("verified on DATE"):
``with_verified`` lays them over a program when it is shown or scored, so a catalog rebuild or
``import_catalog`` (which write only the catalog's own fields) never overwrites them. Approving
or withdrawing one touches the program's ``updated_at``, which marks every stored list out of
date (``tiering.lists.list_is_stale``); each is recomputed on its next view.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext_lazy

from programs.models import Program, Setting, TriState, VerifiedFact
from programs.signals import catalog_changed
from programs.versions import bump_catalog_version


@dataclass(frozen=True)
class Verifiable:
    label: str
    kind: str  # "tri" | "percent" | "count" | "setting"


# The facts that can be verified: the ones the scoring reads, and PGY-1 positions.
_ = gettext_lazy
VERIFIABLE: dict[str, Verifiable] = {
    "j1_accepted": Verifiable(_("J-1 visa accepted"), "tri"),
    "h1b_sponsored": Verifiable(_("H-1B visa sponsored"), "tri"),
    "citizens_only": Verifiable(_("US citizens or permanent residents only"), "tri"),
    "img_share_pct": Verifiable(_("IMG residents (%)"), "percent"),
    "non_us_img_share_pct": Verifiable(_("Non-US-citizen IMG residents (%)"), "percent"),
    "pgy1_positions": Verifiable(_("PGY-1 positions"), "count"),
    "setting": Verifiable(_("Setting"), "setting"),
}
STAFF, ADVISOR = "staff", "advisor"


def can_verify(user) -> bool:
    return bool(user.is_authenticated and getattr(user, "role", "") in (STAFF, ADVISOR))


def is_staff_reviewer(user) -> bool:
    return bool(user.is_authenticated and (getattr(user, "role", "") == STAFF or user.is_staff))


def clean_value(key: str, text: str) -> str | int | float:
    """The value as the catalog stores it; ValidationError with a message for the field."""
    spec = VERIFIABLE.get(key)
    if spec is None:
        raise ValidationError("This fact cannot be verified here.")
    text = text.strip().lower()
    if spec.kind == "tri":
        if text not in (TriState.YES, TriState.NO):
            raise ValidationError("Enter yes or no.")
        return text
    if spec.kind == "setting":
        if text not in Setting.values:
            raise ValidationError(f"Enter one of: {', '.join(Setting.values)}.")
        return text
    try:
        number = float(text.rstrip("%"))
    except ValueError:
        raise ValidationError("Enter a number.") from None
    if spec.kind == "percent":
        if not 0 <= number <= 100:
            raise ValidationError("A share is between 0 and 100.")
        return number
    if not number.is_integer() or not 0 <= number <= 1000:
        raise ValidationError("Enter a whole number of positions, 0 to 1000.")
    return int(number)


def check_entry(*, key: str, value: str, url: str, verified_on: dt.date) -> dict[str, str]:
    """Errors by field for a verified fact (empty when it is valid)."""
    errors: dict[str, str] = {}
    try:
        clean_value(key, value)
    except ValidationError as exc:
        errors["value"] = exc.messages[0]
    if url and not url.lower().startswith(("http://", "https://")):
        errors["url"] = "Give an http:// or https:// address."
    if verified_on > timezone.localdate():
        errors["verified_on"] = "The date cannot be in the future."
    return errors


def submit(
    program: Program, user, *, key: str, value: str, method: str, url: str = "", note: str = "",
    verified_on: dt.date,
) -> VerifiedFact:
    """Record a verified fact: approved at once for staff, pending review for an advisor."""
    if not can_verify(user) and not is_staff_reviewer(user):
        raise PermissionError("Only staff and advisors record verified facts.")
    errors = check_entry(key=key, value=value, url=url, verified_on=verified_on)
    if errors:
        raise ValidationError(errors)
    fact = VerifiedFact.objects.create(
        program=program, key=key, value=str(clean_value(key, value)), method=method, url=url,
        note=note, verified_on=verified_on, entered_by=user,
    )
    if is_staff_reviewer(user):
        approve(fact.pk, user)
        fact.refresh_from_db()
    return fact


def _decide(fact_id: int, user, status: str, *, from_status: str) -> bool:
    """Move one entry from ``from_status`` to ``status``; True only for the call that did it.

    One conditional UPDATE: two staff approving the same entry at once apply it once.
    """
    if not is_staff_reviewer(user):
        raise PermissionError("Only staff review verified facts.")
    with transaction.atomic():
        done = VerifiedFact.objects.filter(pk=fact_id, status=from_status).update(
            status=status, reviewed_by=user, reviewed_at=timezone.now()
        )
        if done:
            program_id = VerifiedFact.objects.values_list("program_id", flat=True).get(pk=fact_id)
            # Lists holding the program are out of date from now (tiering.lists.list_is_stale).
            Program.objects.filter(pk=program_id).update(updated_at=timezone.now())
            # Pages and the scoring's inputs are cached per catalog version: a new one now.
            bump_catalog_version()
            code = Program.objects.values_list("specialty__code", flat=True).get(pk=program_id)
            # The lists it touches are rebuilt by a task-queue worker, not the next page view.
            transaction.on_commit(lambda: catalog_changed.send(sender=Program,
                                                               specialty_codes=[code]))
    return bool(done)


def approve(fact_id: int, user) -> bool:
    return _decide(fact_id, user, VerifiedFact.Status.APPROVED,
                   from_status=VerifiedFact.Status.PENDING)


def reject(fact_id: int, user) -> bool:
    if not is_staff_reviewer(user):
        raise PermissionError("Only staff review verified facts.")
    return bool(VerifiedFact.objects.filter(pk=fact_id, status=VerifiedFact.Status.PENDING)
                .update(status=VerifiedFact.Status.REJECTED, reviewed_by=user,
                        reviewed_at=timezone.now()))


def withdraw(fact_id: int, user) -> bool:
    """Take an approved fact back: the catalog's value shows again."""
    return _decide(fact_id, user, VerifiedFact.Status.WITHDRAWN,
                   from_status=VerifiedFact.Status.APPROVED)


def approved_prefetch() -> Prefetch:
    """Prefetch a queryset's approved verified facts (``program.approved_verified``)."""
    return Prefetch(
        "verified_facts",
        queryset=VerifiedFact.objects.filter(status=VerifiedFact.Status.APPROVED),
        to_attr="approved_verified",
    )


def _approved(program: Program) -> Iterable[VerifiedFact]:
    found = getattr(program, "approved_verified", None)
    if found is None:
        found = list(program.verified_facts.filter(status=VerifiedFact.Status.APPROVED))
    return found


def with_verified(program: Program) -> Program:
    """The program with its latest approved verified fact per key laid over the catalog.

    Returns a copy when anything is laid over (the catalog instance is never changed, so it is
    never saved with a verified value); the catalog's own value becomes a "replaced" other
    value, so the page shows both.
    """
    latest: dict[str, VerifiedFact] = {}
    for fact in sorted(_approved(program), key=lambda f: (f.verified_on, f.pk)):
        # An approved error report without a corrected value changes nothing by itself.
        if fact.key in VERIFIABLE and fact.value:
            latest[fact.key] = fact
    if not latest:
        return program
    shown = copy.copy(program)
    shown.provenance = copy.deepcopy(program.provenance or {})
    shown.other_values = list(program.other_values or [])
    for key, fact in latest.items():
        old = getattr(program, key)
        new = clean_value(key, fact.value)
        if old not in (None, "", TriState.UNKNOWN) and old != new:
            origin = shown.provenance.get(key, {})
            shown.other_values.append({
                "key": key, "kind": "replaced", "value": str(old).removesuffix(".0"),
                "source": origin.get("source", ""), "year": origin.get("year"),
                "url": origin.get("url", ""),
            })
        setattr(shown, key, new)
        shown.provenance[key] = {
            "source": "verified", "year": fact.verified_on.year, "url": fact.url,
            "verified_on": fact.verified_on.isoformat(), "method": fact.method,
        }
    return shown


# An applicant may file this many error reports per day: enough for real errors, and a cap on
# a flood of them in the staff queue [judgement].
REPORTS_PER_DAY = 5


class RateLimited(Exception):
    pass


def report_error(
    program: Program, user, *, key: str, note: str, value: str = "", url: str = ""
) -> VerifiedFact:
    """An applicant's error report: pending staff review; nothing changes until approved."""
    if not user.is_authenticated:
        raise PermissionError("Log in to report an error.")
    since = timezone.now() - dt.timedelta(days=1)
    recent = VerifiedFact.objects.filter(
        entered_by=user, method=VerifiedFact.Method.REPORT, created_at__gte=since
    ).count()
    if recent >= REPORTS_PER_DAY:
        raise RateLimited(
            f"You have sent {REPORTS_PER_DAY} reports today; please try again tomorrow."
        )
    return VerifiedFact.objects.create(
        program=program, key=key, value=str(clean_value(key, value)) if value else "",
        method=VerifiedFact.Method.REPORT, url=url, note=note,
        verified_on=timezone.localdate(), entered_by=user,
    )
