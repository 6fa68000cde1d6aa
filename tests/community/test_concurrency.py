"""Flash mentoring's limits under concurrent clicks, on PostgreSQL: 50 students signing up at once
for the last places, and 50 mentors taking the last tables of a round."""

from __future__ import annotations

import pytest
from django.conf import settings

from mentorbridge.community import flash
from mentorbridge.community.models import FlashSignup, FlashVolunteer
from mentorbridge.core.refusals import Refusal
from mentorbridge.members.models import Member
from mentorbridge.programs.models import Program

from ..conftest import stage
from ..factories import MemberFactory
from ..matching.test_concurrency import THREADS, run_at_once
from .conftest import event_data

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        "postgresql" not in settings.DATABASES["default"]["ENGINE"],
        reason="concurrency is tested on PostgreSQL (set DATABASE_URL)",
    ),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _event(coordinator: Member) -> object:
    program = Program.objects.get(slug="student-resident")
    made = flash.event_save(
        by=coordinator, program=program, data=event_data(tables=5, mentee_cap=7)
    )
    return flash.event_open(event=made)


def test_fifty_sign_ups_never_exceed_the_cap(coordinator: Member) -> None:
    event = _event(coordinator)
    students = [MemberFactory(stage=stage("ms3")) for _ in range(THREADS)]
    results = run_at_once(
        [lambda s=s: flash.signup(event=event, member=s, preferences=[]) for s in students]  # type: ignore[arg-type]
    )
    assert sum(isinstance(r, FlashSignup) for r in results) == 7
    assert sum(isinstance(r, Refusal) for r in results) == THREADS - 7, results
    assert FlashSignup.objects.count() == 7


def test_fifty_mentors_never_take_more_tables_than_a_round_has(coordinator: Member) -> None:
    event = _event(coordinator)
    hosts = [MemberFactory(stage=stage("pgy-3-resident")) for _ in range(THREADS)]
    results = run_at_once(
        [lambda h=h: flash.volunteer(event=event, member=h, rounds=[2]) for h in hosts]  # type: ignore[arg-type]
    )
    assert sum(isinstance(r, FlashVolunteer) for r in results) == 5
    assert FlashVolunteer.objects.count() == 5
