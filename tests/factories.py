"""factory_boy factories for the domain; tests build on the named members in conftest.py."""

from __future__ import annotations

import factory
from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password

from mentorbridge.accounts.models import User
from mentorbridge.members.models import Institution, Member, TrainingStage

PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    password = factory.LazyFunction(lambda: make_password(PASSWORD))

    @factory.post_generation
    def verified(self, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)


class InstitutionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Institution

    name = factory.Sequence(lambda n: f"University Hospital {n}")
    city = "Springfield"
    region = "IL"
    has_ct_program = True


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Member
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    full_name = factory.Sequence(lambda n: f"Member {n}")
    institution = factory.SubFactory(InstitutionFactory)
    time_zone = "America/New_York"
    stage = factory.LazyFunction(lambda: TrainingStage.objects.get(slug="ms3"))
