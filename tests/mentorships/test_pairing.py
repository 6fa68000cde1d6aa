"""The pairing gate: the one way a mentorship starts, and what it refuses (changing nothing)."""

from __future__ import annotations

import pytest

from mentorbridge.core.refusals import Refusal
from mentorbridge.members.models import Block
from mentorbridge.mentorships.models import Mentorship
from mentorbridge.mentorships.services import mentorship_start
from mentorbridge.programs.models import Cycle, Enrollment

from ..conftest import stage
from ..factories import MemberFactory, enroll, make_cycle


@pytest.fixture
def cycle(db: None) -> Cycle:
    return make_cycle()


@pytest.fixture
def mentee(cycle: Cycle) -> Enrollment:
    return enroll(MemberFactory(stage=stage("ms3")), cycle, "mentee")


@pytest.fixture
def mentor(cycle: Cycle) -> Enrollment:
    return enroll(MemberFactory(stage=stage("fellow")), cycle, "mentor", capacity=1)


def start(mentee: Enrollment, mentor: Enrollment) -> Mentorship:
    return mentorship_start(mentee_enrollment=mentee, mentor_enrollment=mentor, source="request")


def test_it_starts_a_mentorship_and_takes_a_seat(mentee: Enrollment, mentor: Enrollment) -> None:
    mentorship = start(mentee, mentor)
    mentor.refresh_from_db()
    assert (mentorship.mentee, mentorship.mentor) == (mentee.member, mentor.member)
    assert mentor.mentee_count == 1


@pytest.mark.parametrize("direction", ["mentee blocks mentor", "mentor blocks mentee"])
def test_it_refuses_a_blocked_pair_either_way(
    mentee: Enrollment, mentor: Enrollment, direction: str
) -> None:
    a, b = (mentee.member, mentor.member)
    Block.objects.create(blocker=a, blocked=b) if direction.startswith(
        "mentee"
    ) else Block.objects.create(blocker=b, blocked=a)
    with pytest.raises(Refusal, match="blocked"):
        start(mentee, mentor)
    mentor.refresh_from_db()
    assert mentor.mentee_count == 0
    assert not Mentorship.objects.exists()


def test_it_refuses_a_full_mentor(cycle: Cycle, mentee: Enrollment, mentor: Enrollment) -> None:
    start(enroll(MemberFactory(stage=stage("ms4")), cycle, "mentee"), mentor)
    with pytest.raises(Refusal, match="no capacity left"):
        start(mentee, mentor)
    assert Mentorship.objects.count() == 1


def test_it_refuses_a_second_active_mentorship_in_the_program(
    cycle: Cycle, mentee: Enrollment, mentor: Enrollment
) -> None:
    start(mentee, mentor)
    other = enroll(MemberFactory(stage=stage("fellow")), cycle, "mentor")
    with pytest.raises(Refusal, match="already has an active mentorship"):
        start(mentee, other)
    other.refresh_from_db()
    assert other.mentee_count == 0


def test_it_refuses_self_pairing(cycle: Cycle) -> None:
    resident = MemberFactory(stage=stage("pgy-4-resident"))
    as_mentor = enroll(resident, cycle, "mentor")
    with pytest.raises(Refusal, match="Nobody can mentor themselves"):
        start(Enrollment(member=resident, cycle=cycle, role="mentee"), as_mentor)


def test_it_refuses_enrollments_of_different_cycles(mentee: Enrollment) -> None:
    elsewhere = enroll(MemberFactory(stage=stage("fellow")), make_cycle(), "mentor")
    with pytest.raises(Refusal, match="same cycle"):
        start(mentee, elsewhere)
    assert not Mentorship.objects.exists()
