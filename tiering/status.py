"""The statuses of the applicant's tracking, in a module of their own: the list entries
(tiering.models) and the way the history keeps a tracking save (tiering.event_changes) both
read them."""

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


class StatusField(models.PositiveSmallIntegerField):
    """A tracking status kept as its place in ``Status`` (a two-byte integer) instead of its
    name (up to 18 bytes, "not_started" on most of the hundred entries of every list). Python
    code, forms, filters and backups read and write the same names as before; only the column
    changes."""

    NAMES = tuple(Status.values)

    def __init__(self, *args, **kwargs):  # noqa: ANN002, ANN003 (Django's signature)
        kwargs.setdefault("choices", Status.choices)
        kwargs.setdefault("default", Status.NOT_STARTED)
        super().__init__(*args, **kwargs)

    def deconstruct(self):  # noqa: ANN201
        name, path, args, kwargs = super().deconstruct()
        # The choices and the default are the field's own: migrations need not repeat them.
        kwargs.pop("choices", None)
        if kwargs.get("default") == Status.NOT_STARTED:
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
