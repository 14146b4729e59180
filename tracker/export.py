"""The application tracker as a workbook (.xlsx) or CSV: loading, then a pure row generator
(``tracker.rows``) and thin writers (``tracker.workbook``), in the layout of ``tracker.columns``.

``tracker_export`` loads what the export needs in a fixed number of queries; everything after
that (``tracker_export_of``, ``tracker_rows``, the writers) works on loaded objects and never
touches the database, so the export time grows with the rows, not with round trips.

The workbook and the CSV are written in the active language (the user's): headers, sheet names,
statuses, Yes/No and labels go through gettext when written.

Text that came from a user or a source is never written so that a spreadsheet could run it: in
the workbook it is a string cell even when it starts with ``=``, and in the CSV a leading
``= + - @ tab CR`` gets the usual apostrophe guard, which ``tracker.tracking`` strips back.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext

from applicants.models import Profile
from strategy import season
from strategy.soap import soap_list
from tiering.explain import attach_explanations
from tiering.models import ListEntry
from tiering.scope import score_scope, with_programs
from tiering.scored import Scored

# The upload and the tests read these names from here.
from tracker.columns import (  # noqa: F401
    ACGME_ID_HEADER,
    SHEET_TRACKER,
    STATUS_LABELS,
    TRACKER_HEADERS,
    TRACKING_HEADERS,
    yes_no,
)
from tracker.rows import SoapRow, TrackerExport, eras_fee_at, tracker_export_of  # noqa: F401


def tracker_entries(profile: Profile) -> list[ListEntry]:
    """The entries the tracker shows: the list (in scope, not removed), all tiers, with their
    reasons scored again (they are not stored)."""
    entries = with_programs(ListEntry.objects.on_list().filter(profile=profile))
    attach_explanations(profile, entries)
    return entries


def tracker_export(profile: Profile, *, candidates: bool = False) -> TrackerExport:
    """Load the profile's list (a fixed number of queries, whatever its size) and build the
    export; with ``candidates``, also every other program in scope, scored."""
    specialty_names = list(profile.target_specialties.order_by("name")
                           .values_list("name", flat=True))
    entries = tracker_entries(profile)
    others: list[Scored] = []
    if candidates and profile.is_complete:
        taken = set(ListEntry.objects.filter(profile=profile).values_list("program_id",
                                                                          flat=True))
        others = [item for item in score_scope(profile) if item.program.pk not in taken]
    # The SOAP backup list needs what the list needs: a graduation year and a specialty.
    complete = profile.graduation_year is not None and (bool(entries) or profile.is_complete)
    soap, soap_note = soap_rows(profile, {e.program_id for e in entries}) if complete \
        else ([], "")
    return tracker_export_of(
        profile=profile, specialty_names=specialty_names, entries=entries,
        generated_at=timezone.localtime(), candidates=others, soap=soap, soap_note=soap_note,
    )


def soap_rows(profile: Profile, on_list: set[int]) -> tuple[list[SoapRow], str]:
    """The SOAP backup list's rows, and the line that says the limit and its source."""
    rows = [SoapRow(place=c.place, program=c.program.name, acgme_id=c.program.acgme_id,
                    specialty=c.program.specialty.name, city=c.program.city,
                    state=c.program.state, tier=c.tier_name, score=c.score,
                    on_main_list=yes_no(c.on_main_list), reason=c.reason)
            for c in soap_list(profile, on_list=on_list)]
    note = gettext("SOAP allows at most %(n)d applications (%(season)s; %(source)s, "
                   "%(url)s). Check each program against the NRMP's List of Unfilled "
                   "Programs in Match week.") % {
        "n": season.SOAP_MAX_APPLICATIONS, "season": season.SOAP_SEASON,
        "source": season.SOAP_SOURCE, "url": season.SOAP_SOURCE_URL}
    return rows, note
