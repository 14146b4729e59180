from __future__ import annotations

import factory
from django.utils import timezone

from applicants.models import Profile, User
from programs.models import Program, Specialty


class SpecialtyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Specialty
        django_get_or_create = ("code",)

    code = "140"
    name = "Internal Medicine"


class ProgramFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Program

    specialty = factory.SubFactory(SpecialtyFactory)
    acgme_id = factory.Sequence(lambda n: f"{140:03d}{4800000 + n:07d}")
    name = factory.Sequence(lambda n: f"Test Hospital {n} Program")
    city = "El Paso"
    state = "TX"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    # Accounts in tests have confirmed their address, as every account that can log in has.
    email_confirmed_at = factory.LazyFunction(timezone.now)
    password = factory.PostGenerationMethodCall("set_password", "correct horse battery staple")

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):  # noqa: N805
        if create:
            obj.save()


class ProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Profile

    user = factory.SubFactory(UserFactory)
    step1_passed = True
    step1_attempts = 1
    step2_score = 222
    step2_attempts = 1
    graduation_year = 2024
    visa_need = "j1"
