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

import hashlib
from dataclasses import replace

from django.core.cache import cache
from django.utils import timezone, translation
from django.utils.translation import gettext

from applicants.models import Profile
from programs.versions import catalog_version
from strategy import season
from strategy.soap import soap_list
from tiering import scoring
from tiering.explain import brief_explanation
from tiering.facts import cached_facts
from tiering.models import ListEntry
from tiering.scope import score_scope, with_programs
from tiering.scored import SCORING_VERSION, Scored, applicant_of

# The upload and the tests read these names from here.
from tracker.columns import (  # noqa: F401
    ACGME_ID_HEADER,
    SHEET_TRACKER,
    STATUS_LABELS,
    TRACKER_HEADERS,
    TRACKING_HEADERS,
    yes_no,
)
from tracker.rows import (  # noqa: F401
    ProgramText,
    SoapRow,
    TrackerExport,
    catalog_years,
    eras_fee_at,
    program_text,
    source_rows,
    tracker_export_of,
)

# What a download says of the programs (their reasons, scored again, and their facts' dates;
# the SOAP list with its reasons; the sources the list's facts cite) is the same for every
# download until the applicant's scored answers, the catalog, the scoring model or the
# language change: it is kept in the shared cache under all four, so a download scores
# nothing the previous one scored.
TEXT_SECONDS = 24 * 3600


def _text_key(kind: str, profile: Profile, *, complete: bool, version: str,
              programs: object = ()) -> str:
    applicant = applicant_of(profile) if profile.graduation_year is not None else None
    parts = (kind, translation.get_language(), complete, applicant, version, programs,
             SCORING_VERSION, season.SOAP_MAX_APPLICATIONS, sorted(season.SOAP_SPECIALTIES))
    return f"tracker-{kind}:" + hashlib.sha256(repr(parts).encode()).hexdigest()


def program_texts(profile: Profile, entries: list[ListEntry], *, complete: bool, key: str,
                  found: dict[int, ProgramText] | None) -> dict[int, ProgramText]:
    """Each entry's ``ProgramText`` by program id, scored (with reasons) only for programs no
    download has asked for since the answers, the catalog or the language last changed.
    ``found``: what the cache holds under ``key``."""
    texts = found or {}
    missing = [entry for entry in entries if entry.program_id not in texts]
    if missing:
        briefs: list[dict | None] = [None] * len(missing)
        if complete:
            # A row says the top reasons and the first fact to verify: only those are put in
            # words (brief_explanation), not the whole explanation of every program.
            results = scoring.score_programs(
                applicant=applicant_of(profile),
                programs=[cached_facts(entry.program) for entry in missing])
            briefs = [brief_explanation(result) for result in results]
        texts.update({entry.program_id: program_text(entry.program, brief)
                      for entry, brief in zip(missing, briefs, strict=True)})
        cache.set(key, texts, TEXT_SECONDS)
    return texts


def tracker_export(profile: Profile, *, candidates: bool = False) -> TrackerExport:
    """Load the profile's list (a fixed number of queries, whatever its size) and build the
    export; with ``candidates``, also every other program in scope, scored."""
    specialty_names = [specialty.name for specialty in profile.specialties()]  # by name
    # Enough to score: a graduation year and a specialty (Profile.is_complete, without a query).
    complete = profile.graduation_year is not None and bool(specialty_names)
    version = catalog_version()  # read once: each read is a query outside a request
    entries = with_programs(ListEntry.objects.on_list().filter(profile=profile), version=version)
    on_list = {e.program_id for e in entries}
    # The SOAP backup list needs what the list needs: a graduation year and a specialty.
    with_soap = profile.graduation_year is not None and (bool(entries) or complete)
    keys = {"programs": _text_key("programs", profile, complete=complete, version=version),
            "soap": _text_key("soap", profile, complete=True, version=version),
            "sources": _text_key("sources", profile, complete=complete, version=version,
                                 programs=sorted(on_list))}
    found = cache.get_many(keys.values())  # one round trip for the three
    texts = program_texts(profile, entries, complete=complete, key=keys["programs"],
                          found=found.get(keys["programs"]))
    cited = found.get(keys["sources"])
    if cited is None:
        programs = [entry.program for entry in entries]
        cited = (catalog_years(programs), tuple(source_rows(programs)))
        cache.set(keys["sources"], cited, TEXT_SECONDS)
    others: list[Scored] = []
    if candidates and complete:
        taken = set(ListEntry.objects.filter(profile=profile).values_list("program_id",
                                                                          flat=True))
        others = [item for item in score_scope(profile) if item.program.pk not in taken]
    soap, soap_note = soap_rows(profile, on_list, key=keys["soap"],
                                found=found.get(keys["soap"])) if with_soap else ([], "")
    return tracker_export_of(
        profile=profile, specialty_names=specialty_names, entries=entries, texts=texts,
        generated_at=timezone.localtime(), candidates=others, soap=soap, soap_note=soap_note,
        cited=cited,
    )


def soap_rows(profile: Profile, on_list: set[int], *, key: str,
              found: list[tuple[int, SoapRow]] | None) -> tuple[list[SoapRow], str]:
    """The SOAP backup list's rows, and the line that says the limit and its source.
    ``found``: what the cache holds under ``key``."""
    rows = found
    if rows is None:
        rows = [(c.program.pk, SoapRow(
            place=c.place, program=c.program.name, acgme_id=c.program.acgme_id,
            specialty=c.program.specialty.name, city=c.program.city, state=c.program.state,
            tier=c.tier_name, score=c.score, on_main_list="", reason=c.reason))
            for c in soap_list(profile, on_list=on_list)]
        cache.set(key, rows, TEXT_SECONDS)
    note = gettext("SOAP allows at most %(n)d applications (%(season)s; %(source)s, "
                   "%(url)s). Check each program against the NRMP's List of Unfilled "
                   "Programs in Match week.") % {
        "n": season.SOAP_MAX_APPLICATIONS, "season": season.SOAP_SEASON,
        "source": season.SOAP_SOURCE, "url": season.SOAP_SOURCE_URL}
    # Whether a program is on the main list changes with the list, not with the ranking.
    return [replace(row, on_main_list=yes_no(pk in on_list)) for pk, row in rows], note
