"""The statuses of the applicant's tracking, in a module of their own: the list entries
(tiering.models) and the way the history keeps a tracking save (tiering.event_changes) both
read them."""

from django.db import models
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
