"""The program catalog: one row per ACGME-accredited program, each fact with its provenance.

A fact we do not know stays unknown: nullable numbers are NULL, yes/no facts are "unknown",
choices are blank. Provenance lives in ``Program.provenance`` keyed by ``PROVENANCE_KEYS``:
``{"j1_accepted": {"source": "freida-2025", "year": 2025, "url": "..."}}``.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

US_STATES = frozenset(
    "AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH "
    "NJ NM NY NC ND OH OK OR PA PR RI SC SD TN TX UT VT VA VI WA WV WI WY GU AS MP".split()
)
BORDER_REGION_KM = 100  # La Paz Agreement (1983): 100 km either side of the line (HHS OGA).


class TriState(models.TextChoices):
    YES = "yes", _("Yes")
    NO = "no", _("No")
    UNKNOWN = "unknown", _("Unknown")


class Strictness(models.TextChoices):
    """How a program states a requirement: only "strict" can make a program ineligible."""

    STRICT = "strict", _("Required")
    PREFERRED = "preferred", _("Preferred")


class Setting(models.TextChoices):
    UNIVERSITY = "university", _("University")
    AFFILIATED = "university_affiliated_community", _("University-affiliated community")
    COMMUNITY = "community", _("Community")
    MILITARY = "military", _("Military")
    OTHER = "other", _("Other")


class ScoreBand(models.TextChoices):
    """AAMC Residency Explorer bands for the average USMLE Step 1 score of current residents."""

    BELOW_210 = "below_210", "Below 210"
    B210_225 = "210_225", "210-225"
    B226_235 = "226_235", "226-235"
    B236_245 = "236_245", "236-245"
    ABOVE_245 = "above_245", "Greater than 245"


# Facts that carry their own source, year and URL. "identity" covers name, specialty, city, state.
PROVENANCE_KEYS: tuple[str, ...] = (
    "identity",
    "zip_code",
    "location",
    "border_distance_km",
    "setting",
    "pgy1_positions",
    "j1_accepted",
    "h1b_sponsored",
    "img_share_pct",
    "non_us_img_share_pct",
    "step_score_band",
    "participates_in_eras",
    "citizens_only",
    "min_step2_score",
    "max_years_since_graduation",
    "max_attempts_per_step",
    "min_usce_months",
    "step3_required",
    "medical_spanish",
    "website",
    "armed_forces",
    "usce_within_years",
    "steps_within_years",
    "county_spanish_share",
    "hpsa_primary_care",
    "hpsa_mental_health",
)


class SpecialtyManager(models.Manager):
    def get_by_natural_key(self, code: str) -> Specialty:
        return self.get(code=code)


class Specialty(models.Model):
    code = models.CharField(
        "ACGME specialty code",
        max_length=3,
        unique=True,
        validators=[RegexValidator(r"^\d{3}$", "An ACGME specialty code has three digits.")],
    )
    name = models.CharField(max_length=120)

    objects = SpecialtyManager()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "specialties"

    def __str__(self) -> str:
        return self.name

    def natural_key(self) -> tuple[str]:
        return (self.code,)


class ProgramQuerySet(models.QuerySet):
    def in_border_region(self) -> ProgramQuerySet:
        return self.filter(in_border_region=True)

    def search(self, text: str) -> ProgramQuerySet:
        text = text.strip()
        if not text:
            return self
        return self.filter(Q(name__icontains=text) | Q(city__icontains=text))

    def for_list(self) -> ProgramQuerySet:
        return self.select_related("specialty")

    def get_by_natural_key(self, acgme_id: str) -> Program:
        return self.get(acgme_id=acgme_id)


class Program(models.Model):
    acgme_id = models.CharField(
        "ACGME program id",
        max_length=10,
        unique=True,
        validators=[RegexValidator(r"^\d{10}$", "An ACGME program id has ten digits.")],
    )
    name = models.CharField(max_length=255)
    specialty = models.ForeignKey(Specialty, on_delete=models.PROTECT, related_name="programs")
    city = models.CharField(max_length=100)
    state = models.CharField(max_length=2, db_index=True)
    zip_code = models.CharField("ZIP", max_length=10, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    county_fips = models.CharField("county FIPS", max_length=5, blank=True)
    border_distance_km = models.FloatField(
        "distance to the US-Mexico border (km)", null=True, blank=True
    )
    in_border_region = models.BooleanField(
        "in the border region",
        null=True,
        blank=True,
        db_index=True,
        help_text=f"Within {BORDER_REGION_KM} km of the line (La Paz Agreement); "
        "empty when the location is unknown.",
    )
    setting = models.CharField(max_length=40, choices=Setting.choices, blank=True)
    pgy1_positions = models.PositiveSmallIntegerField("PGY-1 positions", null=True, blank=True)
    j1_accepted = models.CharField(
        "J-1 accepted", max_length=7, choices=TriState.choices, default=TriState.UNKNOWN
    )
    h1b_sponsored = models.CharField(
        "H-1B sponsored", max_length=7, choices=TriState.choices, default=TriState.UNKNOWN
    )
    img_share_pct = models.FloatField(
        "IMG residents (%)",
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    non_us_img_share_pct = models.FloatField(
        "non-US-citizen IMG residents (%)",
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    step_score_band = models.CharField(
        "Step 1 score band of current residents",
        max_length=12,
        choices=ScoreBand.choices,
        blank=True,
    )
    participates_in_eras = models.CharField(
        "participates in ERAS", max_length=7, choices=TriState.choices, default=TriState.UNKNOWN
    )
    citizens_only = models.CharField(
        "US citizens or permanent residents only",
        max_length=7,
        choices=TriState.choices,
        default=TriState.UNKNOWN,
    )
    min_step2_score = models.PositiveSmallIntegerField(
        "minimum Step 2 CK", null=True, blank=True, validators=[MaxValueValidator(300)]
    )
    min_step2_strictness = models.CharField(max_length=9, choices=Strictness.choices, blank=True)
    max_years_since_graduation = models.PositiveSmallIntegerField(
        "maximum years since graduation", null=True, blank=True
    )
    max_years_since_graduation_strictness = models.CharField(
        max_length=9, choices=Strictness.choices, blank=True
    )
    max_attempts_per_step = models.PositiveSmallIntegerField(
        "maximum attempts per Step",
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(4)],
        help_text="1 means passes on the first attempt only.",
    )
    max_attempts_per_step_strictness = models.CharField(
        max_length=9, choices=Strictness.choices, blank=True
    )
    min_usce_months = models.PositiveSmallIntegerField(
        "minimum months of hands-on US clinical experience",
        null=True,
        blank=True,
        help_text="Empty with a strictness set means: required, amount not stated.",
    )
    min_usce_months_strictness = models.CharField(
        max_length=9, choices=Strictness.choices, blank=True
    )
    step3_required = models.CharField(
        "Step 3 required", max_length=7, choices=TriState.choices, default=TriState.UNKNOWN
    )
    step3_strictness = models.CharField(max_length=9, choices=Strictness.choices, blank=True)
    medical_spanish = models.CharField(
        "medical-Spanish instruction",
        max_length=7,
        choices=TriState.choices,
        default=TriState.UNKNOWN,
    )
    website = models.URLField(max_length=500, blank=True)
    armed_forces = models.CharField(
        "armed-forces program (residents are commissioned officers)",
        max_length=7,
        choices=TriState.choices,
        default=TriState.UNKNOWN,
    )
    usce_within_years = models.PositiveSmallIntegerField(
        "hands-on US clinical experience within the last N years",
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(70)],
    )
    steps_within_years = models.PositiveSmallIntegerField(
        "every USMLE Step passed within N years",
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(70)],
    )
    # The program's county (issue 28; docs/data-sources.md, "Community facts"). Facts about
    # the community a program serves, not about the program.
    county_spanish_share = models.FloatField(
        "county: people aged 5+ who speak Spanish at home (%)",
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    county_spanish_share_period = models.CharField(
        "period of the county's Spanish-at-home share", max_length=9, blank=True,
        help_text="The ACS 5-year period, e.g. 2019-2023.",
    )
    hpsa_primary_care = models.CharField(
        "county holds a designated geographic primary-care HPSA",
        max_length=7,
        choices=TriState.choices,
        default=TriState.UNKNOWN,
    )
    hpsa_primary_care_score = models.PositiveSmallIntegerField(
        "highest primary-care HPSA score in the county",
        null=True,
        blank=True,
        validators=[MaxValueValidator(26)],
    )
    hpsa_mental_health = models.CharField(
        "county holds a designated geographic mental-health HPSA",
        max_length=7,
        choices=TriState.choices,
        default=TriState.UNKNOWN,
    )
    hpsa_mental_health_score = models.PositiveSmallIntegerField(
        "highest mental-health HPSA score in the county",
        null=True,
        blank=True,
        validators=[MaxValueValidator(26)],
    )
    provenance = models.JSONField(default=dict, blank=True)
    # Values another source gives for a fact: [{"key", "value", "source", "year", "url",
    # "kind"}], kind "conflict" (two current answers disagree) or "replaced" (by a later
    # source). Shown on the program page; a conflict is scored as unknown.
    other_values = models.JSONField(default=list, blank=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    objects = ProgramQuerySet.as_manager()

    class Meta:
        ordering = ["name", "acgme_id"]
        indexes = [models.Index(fields=["specialty", "state"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(img_share_pct__isnull=True)
                | Q(img_share_pct__gte=0, img_share_pct__lte=100),
                name="program_img_share_is_a_percentage",
            ),
            models.CheckConstraint(
                condition=Q(non_us_img_share_pct__isnull=True)
                | Q(non_us_img_share_pct__gte=0, non_us_img_share_pct__lte=100),
                name="program_non_us_img_share_is_a_percentage",
            ),
            models.CheckConstraint(
                condition=Q(border_distance_km__isnull=True) | Q(border_distance_km__gte=0),
                name="program_border_distance_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(county_spanish_share__isnull=True)
                | Q(county_spanish_share__gte=0, county_spanish_share__lte=100),
                name="program_county_spanish_share_is_a_percentage",
            ),
            models.CheckConstraint(
                condition=Q(max_attempts_per_step__isnull=True)
                | Q(max_attempts_per_step__gte=1, max_attempts_per_step__lte=4),
                name="program_attempts_policy_between_1_and_4",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.specialty.name}, {self.city}, {self.state})"

    def natural_key(self) -> tuple[str]:
        return (self.acgme_id,)

    natural_key.dependencies = ["programs.specialty"]  # type: ignore[attr-defined]

    def source_of(self, key: str) -> dict:
        """Provenance of one fact: ``{"source": ..., "year": ..., "url": ...}`` or empty."""
        return self.provenance.get(key, {})


class VerifiedFact(models.Model):
    """A fact someone verified with the program: the newest source of that fact.

    A separate layer over the catalog: a rebuild or ``import_catalog`` never touches it, and
    ``programs.verification.with_verified`` lays the latest approved entry per fact over the
    catalog's value when a program is shown or scored. An advisor's entry and an applicant's
    error report wait for staff review; a staff entry is approved as it is saved.
    """

    class Method(models.TextChoices):
        WEBSITE = "website", "Program website"
        EMAIL = "email", "Email from the program"
        PHONE = "phone", "Phone call with the program"
        DOCUMENT = "document", "The program's own document"
        REPORT = "report", "Error report from an applicant"

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for staff review"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"
        WITHDRAWN = "withdrawn", "Withdrawn"

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="verified_facts")
    key = models.CharField("fact", max_length=40)  # programs.verification.VERIFIABLE
    value = models.CharField(max_length=20, blank=True)  # empty: an error report's "what"
    method = models.CharField(max_length=10, choices=Method.choices)
    url = models.URLField("link", max_length=500, blank=True)
    note = models.TextField(blank=True, max_length=2000)
    verified_on = models.DateField("verified on")
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-verified_on", "-pk"]
        indexes = [models.Index(fields=["status", "program"])]

    def __str__(self) -> str:
        return f"{self.program.acgme_id} {self.key}={self.value} ({self.status})"


class CatalogVersion(models.Model):
    """One row: the catalog's version, bumped in the transaction of every change to programs.

    Read once per request by primary key (``programs.versions``), where counting the programs
    and taking their latest change scanned the whole table on every catalog, program, list and
    strategy request. Kept in the database (not only in a cache) so every app server sees a
    change at its next request, committed with the change itself or rolled back with it.
    """

    number = models.BigIntegerField(default=0)
    changed_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"catalog version {self.number} ({self.changed_at:%Y-%m-%d %H:%M:%S})"
