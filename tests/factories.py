"""factory_boy factories for the domain; tests build on the named members in conftest.py."""

from __future__ import annotations

from typing import TYPE_CHECKING

import factory
from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password

from mentorbridge.accounts.models import User
from mentorbridge.members.models import Institution, Member, TrainingStage

if TYPE_CHECKING:
    from mentorbridge.mentorships.models import Mentorship
    from mentorbridge.programs.models import Cycle, Enrollment

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


def make_cycle(program_slug: str = "student-resident", **overrides: object) -> Cycle:
    """An open cycle enrolling today, for the given program."""
    import datetime as dt

    from django.utils import timezone

    from mentorbridge.programs.models import Cycle, Program

    today = timezone.localdate()
    fields: dict[str, object] = {
        "program": Program.objects.get(slug=program_slug),
        "name": f"Cycle {Cycle.objects.count() + 1}",
        "status": Cycle.Status.OPEN,
        "enrollment_opens": today - dt.timedelta(days=10),
        "enrollment_closes": today + dt.timedelta(days=30),
        "match_date": today + dt.timedelta(days=31),
        "term_end": today + dt.timedelta(days=300),
    }
    fields.update(overrides)
    return Cycle.objects.create(**fields)


def enroll(member: Member, cycle: Cycle, role: str, **overrides: object) -> Enrollment:
    from mentorbridge.programs.models import Enrollment

    fields: dict[str, object] = {"cycle": cycle, "member": member, "role": role}
    if role == "mentor":
        fields["capacity"] = 2
    fields.update(overrides)
    return Enrollment.objects.create(**fields)


def make_mentorship(mentee: Member, mentor: Member, cycle: Cycle | None = None) -> Mentorship:
    """An active mentorship made directly (bypassing requests), with both enrollments."""
    from mentorbridge.mentorships.models import Mentorship

    cycle = cycle or make_cycle()
    mentee_enrollment = enroll(mentee, cycle, "mentee")
    mentor_enrollment = enroll(mentor, cycle, "mentor", mentee_count=1)
    return Mentorship.objects.create(
        program=cycle.program,
        cycle=cycle,
        mentee=mentee,
        mentor=mentor,
        mentee_enrollment=mentee_enrollment,
        mentor_enrollment=mentor_enrollment,
        source=Mentorship.Source.REQUEST,
    )


def complete_mentorship(mentorship: Mentorship) -> Mentorship:
    """Both members confirm they completed it, which closes it as completed."""
    from mentorbridge.mentorships.services import completion_confirm

    completion_confirm(mentorship=mentorship, by=mentorship.mentee)
    return completion_confirm(mentorship=mentorship, by=mentorship.mentor)
