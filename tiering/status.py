"""The statuses of the applicant's tracking and the kinds of a list entry's history events, in
a module of their own: the list entries (tiering.models) and the way the history keeps a
tracking save (tiering.event_changes) both read them. Both are kept on disk as small
integers (PlaceField)."""

from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    PREPARING = "preparing", _("Preparing")
    APPLIED = "applied", _("Applied")
    INTERVIEW_INVITED = "interview_invited", _("Interview invited")
    INTERVIEWED = "interviewed", _("Interviewed")
    RANKED = "ranked", _("Ranked")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    REJECTED = "rejected", _("Rejected")


class EventKind(models.TextChoices):
    """What a list entry's history event records (tiering.models.EntryEvent.Kind). Kept by
    its place in this list (EventKindField): a new kind goes at the end, never between."""

    ADD = "add", _("Added to the list")
    REMOVE = "remove", _("Removed from the list")
    PIN = "pin", _("Pinned")
    UNPIN = "unpin", _("Unpinned")
    OVERRIDE = "override", _("Tier changed")
    CLEAR_OVERRIDE = "clear_override", _("Tier change removed")
    EXCLUDE = "exclude", _("Excluded")
    RESTORE = "restore", _("Restored")
    NOTE = "note", _("Note")
    TRACKING = "tracking", _("Tracking updated")
    UPLOAD = "upload", _("Tracker uploaded")


class PlaceField(models.PositiveSmallIntegerField):
    """A name among ``CHOICES`` kept as its place in them (a two-byte integer) instead of the
    name itself. Python code, forms, filters and backups read and write the names; only the
    column changes. The places are on disk: a new name goes at the end of its choices."""

    CHOICES: type[models.TextChoices]
    NAMES: tuple[str, ...]  # CHOICES' values, in their order: set for each field below
    DEFAULT: str | None = None

    def __init_subclass__(cls, **kwargs):  # noqa: ANN003, ANN204
        super().__init_subclass__(**kwargs)
        cls.NAMES = tuple(cls.CHOICES.values)

    def __init__(self, *args, **kwargs):  # noqa: ANN002, ANN003 (Django's signature)
        kwargs.setdefault("choices", self.CHOICES.choices)
        if self.DEFAULT is not None:
            kwargs.setdefault("default", self.DEFAULT)
        super().__init__(*args, **kwargs)

    def deconstruct(self):  # noqa: ANN201
        name, path, args, kwargs = super().deconstruct()
        # The choices and the default are the field's own: migrations need not repeat them.
        kwargs.pop("choices", None)
        if self.DEFAULT is not None and kwargs.get("default") == self.DEFAULT:
            kwargs.pop("default")
        return name, path, args, kwargs

    @cached_property
    def validators(self) -> list:
        # The integer column's range checks do not apply to the names Python holds.
        return list(self._validators)

    def from_db_value(self, value, expression, connection):  # noqa: ANN001, ANN201
        return self.to_python(value)

    def to_python(self, value):  # noqa: ANN001, ANN201
        if value is None or value == "":
            return value
        if isinstance(value, int):
            return self.NAMES[value]
        return str(value)

    def get_prep_value(self, value):  # noqa: ANN001, ANN201
        if value is None or value == "":
            return None
        if isinstance(value, int):
            return value
        return self.NAMES.index(str(value))

    def value_to_string(self, obj):  # noqa: ANN001, ANN201
        return self.value_from_object(obj)

    def formfield(self, **kwargs):  # noqa: ANN003, ANN201
        # A choice among the names, as the CharField it replaced offered.
        return models.Field.formfield(self, **kwargs)


class StatusField(PlaceField):
    """A tracking status kept as its place in ``Status`` instead of its name (up to 18 bytes,
    "not_started" on most of the hundred entries of every list)."""

    CHOICES = Status
    DEFAULT = Status.NOT_STARTED


class EventKindField(PlaceField):
    """A history event's kind kept as its place in ``EventKind`` instead of its name ("tracking"
    on most events)."""

    CHOICES = EventKind
