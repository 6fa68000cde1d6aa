"""The cycle and the student's mentee enrollment most matching tests start from; a test file with
another mentee (interests, goals) defines its own `mentee`, which takes precedence."""

from __future__ import annotations

import pytest

from mentorbridge.members.models import Member
from mentorbridge.programs.models import Cycle, Enrollment

from ..factories import enroll, make_cycle


@pytest.fixture
def cycle(db: None) -> Cycle:
    return make_cycle()


@pytest.fixture
def mentee(student: Member, cycle: Cycle) -> Enrollment:
    return enroll(student, cycle, "mentee")
