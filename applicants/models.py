"""Users, their roles, the applicant's profile, and the advisors an applicant lets in."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q, prefetch_related_objects
from django.utils.translation import gettext_lazy as _

from programs.models import Specialty

USMLE_MAX_ATTEMPTS = 4  # USMLE attempt limit: 4 per Step (usmle.org, "Attempt limit", 2021).


class EmailUserManager(UserManager):
    """Users sign in with their email address; the username mirrors it."""

    def get_by_natural_key(self, username: str | None) -> User:  # type: ignore[override]
        # Addresses are stored in lower case; "A3@Example.com" is the same person.
        return self.get(email__iexact=(username or "").strip())

    def _create_user(self, username, email, password, **extra_fields):  # type: ignore[override]
        email = self.normalize_email(email or username)
        return super()._create_user(email, email, password, **extra_fields)

    def create_user(self, email=None, password=None, **extra_fields):  # type: ignore[override]
        extra_fields.pop("username", None)
        return super().create_user(email, email, password, **extra_fields)

    def create_superuser(self, email=None, password=None, **extra_fields):  # type: ignore[override]
        extra_fields.pop("username", None)
        return super().create_superuser(email, email, password, **extra_fields)


class User(AbstractUser):
    class Role(models.TextChoices):
        APPLICANT = "applicant", _("Applicant")
        ADVISOR = "advisor", _("Advisor")
        STAFF = "staff", _("Staff")

    email = models.EmailField(_("email address"), unique=True)
    role = models.CharField(
        _("role"), max_length=10, choices=Role.choices, default=Role.APPLICANT
    )
    # Set when the owner opened the confirmation link sent at sign-up.
    email_confirmed_at = models.DateTimeField(null=True, blank=True)
    # The language chosen with the switcher while signed in (a code of settings.LANGUAGES);
    # empty until then, and the browser's language applies. It follows the user to any device.
    language = models.CharField(_("language"), max_length=10, blank=True, default="")

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = EmailUserManager()

    def save(self, *args, **kwargs) -> None:
        self.email = self.email.strip().lower()
        self.username = self.email
        super().save(*args, **kwargs)


class VisaNeed(models.TextChoices):
    J1 = "j1", _("J-1 (ECFMG-sponsored)")
    H1B = "h1b", _("H-1B")
    NONE = "none", _("None: I do not need a visa")


class Citizenship(models.TextChoices):
    """Whether the applicant needs a visa, and whether rules that require US citizenship apply
    (armed-forces programs: a commission requires it, 10 U.S.C. 532(a)(1))."""

    US_CITIZEN = "us_citizen", _("US citizen")
    PERMANENT_RESIDENT = "permanent_resident", _("US permanent resident (green card)")
    NEEDS_VISA = "needs_visa", _("Neither: I need a visa")


class EcfmgStatus(models.TextChoices):
    CERTIFIED = "certified", _("ECFMG certified")
    IN_PROGRESS = "in_progress", _("In progress (exams passed or pending)")
    NOT_STARTED = "not_started", _("Not started")


class SpanishLevel(models.TextChoices):
    NONE = "none", _("None")
    BASIC = "basic", _("Basic")
    INTERMEDIATE = "intermediate", _("Intermediate")
    ADVANCED = "advanced", _("Advanced / professional")
    NATIVE = "native", _("Native")


class SettingPreference(models.TextChoices):
    """ERAS's geographic preferences also ask for an urban, suburban or rural setting (F3.9)."""

    NONE = "", _("No preference")
    URBAN = "urban", _("Urban")
    SUBURBAN = "suburban", _("Suburban")
    RURAL = "rural", _("Rural")


attempts_validators = [MinValueValidator(0), MaxValueValidator(USMLE_MAX_ATTEMPTS)]


class Profile(models.Model):
    """What an applicant tells us; the scoring reads only this."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="profile")

    # Exams
    step1_passed = models.BooleanField(_("Step 1 passed"), default=False)
    step1_attempts = models.PositiveSmallIntegerField(
        _("Step 1 attempts"),
        default=0,
        validators=attempts_validators,
        help_text=_("Every sitting, the passing one included. 0 if not taken."),
    )
    step2_score = models.PositiveSmallIntegerField(
        _("Step 2 CK score"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(300)],
        help_text=_("Your passing score. Leave empty if you have not passed Step 2 CK yet."),
    )
    step2_attempts = models.PositiveSmallIntegerField(
        _("Step 2 CK attempts"),
        default=0,
        validators=attempts_validators,
        help_text=_("Every sitting, the passing one included. 0 if not taken."),
    )
    step3_passed = models.BooleanField(_("Step 3 passed"), default=False)
    step3_attempts = models.PositiveSmallIntegerField(
        _("Step 3 attempts"),
        default=0,
        validators=attempts_validators,
        help_text=_("Every sitting, the passing one included. 0 if not taken."),
    )

    # Graduation and visa
    graduation_year = models.PositiveSmallIntegerField(
        _("year of graduation"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1960)],
    )
    citizenship = models.CharField(
        _("citizenship"), max_length=18, choices=Citizenship.choices,
        default=Citizenship.NEEDS_VISA
    )
    visa_need = models.CharField(
        _("visa you need"), max_length=4, choices=VisaNeed.choices, default=VisaNeed.J1
    )
    ecfmg_status = models.CharField(
        _("ECFMG certification"),
        max_length=12,
        choices=EcfmgStatus.choices,
        default=EcfmgStatus.IN_PROGRESS,
    )

    # Clinical experience
    usce_hands_on_months = models.PositiveSmallIntegerField(
        _("hands-on US clinical experience (months)"),
        default=0,
        help_text=_("Externships, sub-internships, hands-on electives in the US."),
    )
    usce_observership_months = models.PositiveSmallIntegerField(
        _("observerships in the US (months)"), default=0
    )
    usce_border_months = models.PositiveSmallIntegerField(
        _("of which in the US-Mexico border region (months)"),
        default=0,
        help_text=_("Part of the two figures above spent within 100 km of the border."),
    )
    us_letters = models.PositiveSmallIntegerField(_("letters from US clinicians"), default=0)
    research_experiences = models.PositiveSmallIntegerField(
        _("research experiences or publications"), default=0
    )
    border_or_underserved_projects = models.BooleanField(
        _("border-health or underserved-care projects"),
        default=False,
        help_text=_("Volunteer work, projects or jobs serving border or underserved communities."),
    )

    # Language
    spanish_level = models.CharField(
        _("Spanish"), max_length=12, choices=SpanishLevel.choices, default=SpanishLevel.NONE
    )

    # Preferences
    target_specialties = models.ManyToManyField(
        Specialty, blank=True, related_name="+", verbose_name=_("specialties")
    )
    target_states = models.JSONField(
        _("states"),
        default=list,
        blank=True,
        help_text=_("Two-letter state codes; empty means every state."),
    )
    budget_usd = models.PositiveIntegerField(
        _("application budget (USD)"),
        null=True,
        blank=True,
        help_text=_("What you can spend on ERAS fees and fixed costs this season."),
    )
    # ERAS geographic preferences (F3.9): up to 3 US Census divisions (keys of
    # tiering.scoring.divisions) and a setting. The scoring reads the divisions.
    geographic_divisions = models.JSONField(
        _("Census divisions named in ERAS"), default=list, blank=True
    )
    geographic_setting = models.CharField(
        _("setting named in ERAS"),
        max_length=10,
        choices=SettingPreference.choices,
        blank=True,
        default="",
    )

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Raised by every save: a save made from an older version (another tab) is refused, and
    # the stored list says which version it was built from.
    version = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    usce_border_months__lte=F("usce_hands_on_months")
                    + F("usce_observership_months")
                ),
                name="profile_border_months_within_total",
            ),
            models.CheckConstraint(
                condition=Q(step2_score__isnull=True) | Q(step2_score__gte=1, step2_score__lte=300),
                name="profile_step2_score_in_range",
            ),
            models.CheckConstraint(
                condition=Q(step1_attempts__lte=USMLE_MAX_ATTEMPTS)
                & Q(step2_attempts__lte=USMLE_MAX_ATTEMPTS)
                & Q(step3_attempts__lte=USMLE_MAX_ATTEMPTS),
                name="profile_attempts_within_usmle_limit",
            ),
        ]

    def __str__(self) -> str:
        return f"Profile of {self.user.email}"

    @property
    def is_complete(self) -> bool:
        """Enough to score: a graduation year and at least one specialty. Without a query when
        the specialties were read with the profile (``read_specialties``)."""
        return self.graduation_year is not None and self.target_specialties.exists()

    def read_specialties(self) -> None:
        """Read the target specialties once, in one query, for the rest of the request: a page
        that asks whether the profile is complete, its specialties' ids and their codes then
        asks the database nothing more (``specialties``). Adding or removing one (``set``,
        ``add``, ``clear``) drops what was read."""
        prefetch_related_objects([self], "target_specialties")

    def specialties(self) -> list:
        """The target specialties by name: what ``read_specialties`` read, else one query."""
        return list(self.target_specialties.all())


class AdvisorLink(models.Model):
    """An applicant's choice to let an advisor see and annotate their list; revocable."""

    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="advisor_links")
    advisor = models.ForeignKey(User, on_delete=models.CASCADE, related_name="client_links")
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["profile", "advisor"],
                condition=Q(revoked_at__isnull=True),
                name="one_active_link_per_advisor",
            ),
        ]

    def __str__(self) -> str:
        return f"Advisor {self.advisor_id} for profile {self.profile_id}"
