"""The stored list: the programs an applicant applies to (and the ones removed from it by hand,
kept so a rebuild respects the decision), with the advisor's corrections, the applicant's
tracking, and the history of every change. Candidates not on the list are never stored: they
are scored from the catalog when a page needs them."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from applicants.models import Profile, User
from programs.models import Program
from tiering import event_changes
from tiering.choice_field import ChoiceField
from tiering.ids_field import IdsField
from tiering.scaled_field import ScaledFloatField
from tiering.status import EventKind, EventKindField, Status, StatusField


class Tier(models.IntegerChoices):
    """Stored tiers; a smaller number is a better tier. Same order as scoring.Tier."""

    TIER_1 = 1, _("Tier 1")
    TIER_2 = 2, _("Tier 2")
    TIER_3 = 3, _("Tier 3")
    NOT_ELIGIBLE = 4, _("Not eligible")


class ListEntryQuerySet(models.QuerySet):
    def for_list(self) -> ListEntryQuerySet:
        return self.select_related("program", "program__specialty")

    def in_scope(self) -> ListEntryQuerySet:
        return self.filter(in_scope=True)

    def on_list(self) -> ListEntryQuerySet:
        """The programs the applicant applies to: in scope and not removed."""
        return self.filter(in_scope=True, excluded=False)


class ListEntry(models.Model):
    """One program on one applicant's list (or removed from it by hand): where the scoring
    placed it when the list was built, why it was chosen, the advisor's corrections and the
    applicant's own tracking, kept together so the app and the tracker agree."""

    # No index of its own: the unique (profile, program) index finds a profile's entries.
    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="entries",
                                db_index=False)
    # No index either: entries are always read by profile; only deleting a program (by hand in
    # the admin: the catalog import never deletes) looks them up by program, and a scan of the
    # table then finds them as surely. The index cost every applicant some 2.7 KB.
    program = models.ForeignKey("programs.Program", on_delete=models.CASCADE, related_name="+",
                                db_index=False)
    # Whether the program is in the profile's current specialties and states. Entries that fall
    # out of scope but hold the applicant's or advisor's work are kept, not deleted.
    in_scope = models.BooleanField(default=True)

    # Computed by tiering.scoring when the list was last built. The reasons behind them are
    # not stored: they are scored again for the programs a page shows (attach_explanations).
    computed_tier = models.PositiveSmallIntegerField(choices=Tier.choices)
    # A whole number 0-100 and hundredths, kept as two-byte integers (tiering.scaled_field).
    score = ScaledFloatField()
    confidence = ScaledFloatField(scale=100)
    # Why the program is on the list: tiering.selection.Choice as {"code": ..., "params": ...},
    # kept on disk as one short line (tiering.choice_field).
    choice = ChoiceField(default=dict, blank=True)
    # Decisions made by hand, which a rebuild keeps: pinned programs stay on the list, added
    # ones were taken from the candidates; "excluded" below means removed from the list.
    pinned = models.BooleanField(default=False)
    added = models.BooleanField(default=False)

    # Advisor's corrections.
    override_tier = models.PositiveSmallIntegerField(choices=Tier.choices, null=True, blank=True)
    override_reason = models.TextField(blank=True)
    # Indexed only where set (Meta.indexes): almost every entry has none.
    override_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        db_index=False,
    )
    override_at = models.DateTimeField(null=True, blank=True)
    # The computed tier when the override was made, to say when a recomputation moved it.
    override_computed_tier = models.PositiveSmallIntegerField(
        choices=Tier.choices, null=True, blank=True
    )
    # Removed from the list, by the applicant or the advisor (the history says who).
    excluded = models.BooleanField(default=False)
    excluded_reason = models.TextField(blank=True)

    # The applicant's tracking, mirrored by the Excel tracker.
    # Kept as a small integer, read as the status's name (tiering.status.StatusField).
    status = StatusField()
    signal = models.BooleanField(default=False)
    date_applied = models.DateField(null=True, blank=True)
    interview_date = models.DateField(null=True, blank=True)
    letters_sent = models.PositiveSmallIntegerField(null=True, blank=True)
    fee = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    notes = models.TextField(blank=True)
    tracking_updated_at = models.DateTimeField(null=True, blank=True)

    objects = ListEntryQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["profile", "program"], name="one_entry_per_program"),
            models.CheckConstraint(
                condition=Q(override_tier__isnull=True) | ~Q(override_reason=""),
                name="override_needs_a_reason",
            ),
        ]
        # A profile's entries are read through the unique (profile, program) index, about a
        # hundred rows each; an index per filter would only add to every applicant's storage.
        indexes = [models.Index(fields=["override_by"], name="entry_override_by",
                                condition=Q(override_by__isnull=False))]

    def __str__(self) -> str:
        return f"{self.program_id} on the list of profile {self.profile_id}"

    # Filled for the programs a page shows by tiering.explain.attach_explanations.
    explanation: dict | None = None

    @property
    def tier(self) -> int:
        """The tier the applicant sees: the advisor's when there is one."""
        return self.override_tier or self.computed_tier

    @property
    def override_differs(self) -> bool:
        """A recomputation moved the computed tier since the advisor's override."""
        return (
            self.override_tier is not None
            and self.override_computed_tier is not None
            and self.override_computed_tier != self.computed_tier
        )

    @property
    def has_user_data(self) -> bool:
        return bool(
            self.override_tier
            or self.excluded
            or self.pinned
            or self.added
            or self.status != Status.NOT_STARTED
            or self.signal
            or self.date_applied
            or self.interview_date
            or self.notes
            or self.letters_sent is not None
            or self.fee is not None
        )


class EntryEvent(models.Model):
    """History of changes to a list entry: who, when, what, why."""

    Kind = EventKind

    entry = models.ForeignKey(ListEntry, on_delete=models.CASCADE, related_name="events")
    # Not indexed: events are read by entry, never by actor (the list page's "changed by your
    # advisor" joins the actor to a profile's events). Only deleting a user (in the admin) looks
    # events up by actor, to empty it; a scan finds them as surely, and the index cost every
    # applicant some 1.5 KB for the eighty saves of a season.
    actor = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+",
                              db_index=False)
    # Kept as a small integer, read as the kind's name (tiering.status.EventKindField).
    kind = EventKindField()
    before = models.CharField(max_length=200, blank=True)
    after = models.CharField(max_length=200, blank=True)
    text = models.TextField(blank=True)
    # Not indexed: events are read by entry (or by profile, through the entries), never
    # across every applicant by date; an index would add to every save.
    created_at = models.DateTimeField(auto_now_add=True)
    # A tracking save as one short line of raw values (tiering.event_changes), with before,
    # after and text left empty on disk: the words those three showed are made from it when
    # the event is read, so every reader (the history, the program page, the admin, a
    # backup) gets the same words as before at about a third of the bytes.
    changes = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on entry {self.entry_id}"

    @classmethod
    def from_db(cls, db, field_names, values):  # noqa: ANN001, ANN206 (Django's signature)
        event = super().from_db(db, field_names, values)
        line = event.__dict__.get("changes")
        if line and event.__dict__.keys() >= {"before", "after", "text"}:
            event.text, event.before, event.after = event_changes.shown(line)
        return event


class ApplicantList(models.Model):
    """The list as a whole: when and from what it was built, and a revision that every change
    raises, so that a change made from a stale page (another tab) is refused, not merged."""

    profile = models.OneToOneField(Profile, on_delete=models.CASCADE, related_name="program_list")
    revision = models.PositiveIntegerField(default=0)
    # Raised by every write to the entries that does not raise the revision (tracking, the
    # signals): the list page is cached under the two (tiering.page_cache), so a writer of
    # entries moves one of them in its own transaction (``ApplicantList.touch``).
    content_stamp = models.PositiveIntegerField(default=0)
    built_at = models.DateTimeField(null=True, blank=True)
    profile_version = models.PositiveIntegerField(default=0)  # Profile.version it was built from
    scoring_version = models.CharField(max_length=20, blank=True)
    # What the last build decided and why, for the list page and the history.
    target = models.PositiveSmallIntegerField(default=0)
    budget_limited = models.BooleanField(default=False)
    # What the budget did, as code and figures (lists.budget_note; list_summary.budget_note_text).
    budget_note = models.CharField(max_length=400, blank=True)

    def __str__(self) -> str:
        return f"List of profile {self.profile_id} (revision {self.revision})"

    @classmethod
    def touch(cls, profile_ids: Iterable[int]) -> None:
        """The entries of these lists changed without a change of the list itself: pages
        cached from them are no longer current."""
        cls.objects.filter(profile_id__in=set(profile_ids)).update(
            content_stamp=F("content_stamp") + 1)


class ListGroups(models.Model):
    """What every ranked entry of a tier and specialty shares (how many the rule took of how
    many, the next candidate left out), once per group instead of on each of some twenty
    entries (tiering.choice_field.split; attach_groups gives entries their whole choice), and
    the budget what-if of the list as built. A row of its own, written only by a build that
    changes them: the list's row gets a new version on every tracking save
    (ApplicantList.touch), and would copy them each time."""

    profile = models.OneToOneField(Profile, on_delete=models.CASCADE, primary_key=True,
                                   related_name="choice_groups")
    groups = models.TextField(blank=True, default="")
    # The budget what-if of the list as built, under its key (tiering.what_if): the list page
    # reads it when no cache has the answer, rather than three selections over the scope.
    budget_what_if = models.JSONField(null=True, blank=True)
    # The first page of candidates of the list as built, under its key (tiering.scope): the
    # list page shown unfiltered reads it when no cache has the scope's ranks, rather than
    # ranking the whole scope (tens of thousands of programs on a large catalog).
    first_candidates = models.JSONField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Choice groups of the list of profile {self.profile_id}"


class ListBuild(models.Model):
    """One (re)build of a list: who asked, and which programs came in and went out, with why."""

    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="list_builds")
    actor = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)  # read by profile, not by date
    cause = models.CharField(max_length=200)
    # ACGME ids (an earlier version stored {"acgme_id", "name"}: builds_with_names reads
    # both), kept as one line (tiering.ids_field).
    came_in = IdsField(default=list, blank=True)
    went_out = models.JSONField(default=list)  # [{"acgme_id", "name"}]
    kept = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Build of the list of profile {self.profile_id} at {self.created_at}"


def builds_with_names(builds: list[ListBuild]) -> list[ListBuild]:
    """The builds with ``came_in`` as [{"acgme_id", "name"}], named from the catalog in one
    query (an id the catalog no longer has is shown as it is)."""
    ids = {item for build in builds for item in build.came_in if isinstance(item, str)}
    names = dict(Program.objects.filter(acgme_id__in=ids).values_list("acgme_id", "name")) \
        if ids else {}
    for build in builds:
        build.came_in = [{"acgme_id": item, "name": names.get(item, item)}
                         if isinstance(item, str) else item for item in build.came_in]
    return builds
