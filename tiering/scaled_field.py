"""A list entry's score and confidence kept as two-byte integers instead of eight-byte floats.

The scoring gives a score as a whole number from 0 to 100 (``round(total)``) and a confidence
rounded to hundredths (``round(confidence, 2)``, 0.05 to 1). Kept as a small integer (the
score itself, the confidence in hundredths) each takes two bytes instead of eight, on every one
of some hundred entries per applicant. Python code reads and writes the same floats as before:
``k / 100`` is the float nearest to k hundredths, as ``round(x, 2)`` is, so a confidence read
back compares equal to the one the scoring gave. A value the column cannot hold exactly is
refused (ValueError), never rounded.
"""

from __future__ import annotations

from django import forms
from django.core import exceptions
from django.db import models
from django.utils.functional import cached_property


def stored(value: float | int, scale: int) -> int:
    """The integer kept for ``value`` at ``scale``; ValueError when it would not read back."""
    number = round(float(value) * scale)
    if number / scale != float(value):
        raise ValueError(f"{value!r} is not a multiple of 1/{scale}: it cannot be kept exactly")
    return number


class ScaledFloatField(models.SmallIntegerField):
    """A float kept as ``round(value * scale)`` in a two-byte integer column, read back as
    ``number / scale``."""

    def __init__(self, *args, scale: int = 1, **kwargs):  # noqa: ANN002, ANN003
        self.scale = scale
        super().__init__(*args, **kwargs)

    def deconstruct(self):  # noqa: ANN201
        name, path, args, kwargs = super().deconstruct()
        if self.scale != 1:
            kwargs["scale"] = self.scale
        return name, path, args, kwargs

    def from_db_value(self, value, expression, connection):  # noqa: ANN001, ANN201
        return None if value is None else int(value) / self.scale

    def to_python(self, value):  # noqa: ANN001, ANN201
        if value is None:
            return None
        try:
            return float(value)
        except (TypeError, ValueError):
            raise exceptions.ValidationError(self.error_messages["invalid"], code="invalid",
                                             params={"value": value}) from None

    def get_prep_value(self, value):  # noqa: ANN001, ANN201
        if value is None or hasattr(value, "resolve_expression"):
            return value
        return stored(value, self.scale)

    @cached_property
    def validators(self) -> list:
        # The column's integer range applies to the stored number, not to the float Python holds.
        return list(self._validators)

    def formfield(self, **kwargs):  # noqa: ANN003, ANN201
        # A number with decimals, as the FloatField it replaced offered.
        return models.Field.formfield(self, **{"form_class": forms.FloatField, **kwargs})
