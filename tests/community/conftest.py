"""An open flash event of track 1 (students meet residents), a week from now."""

from __future__ import annotations

import datetime as dt

import pytest

from mentorbridge.community import flash
from mentorbridge.community.models import FlashEvent
from mentorbridge.members.models import Member
from mentorbridge.programs.models import Program

NEXT_WEEK = dt.date.today() + dt.timedelta(days=7)


def event_data(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "name": "Annual Meeting flash mentoring",
        "location": "Hall B, table area",
        "description": "",
        "date": NEXT_WEEK,
        "start_time": dt.time(14, 0),
        "end_time": dt.time(15, 30),
        "time_zone": "America/Chicago",
        "rounds": 3,
        "round_minutes": 10,
        "break_minutes": 2,
        "tables": 4,
        "seats_per_table": 2,
        "mentee_cap": 8,
    }
    data.update(overrides)
    return data


@pytest.fixture
def track1(db: None) -> Program:
    return Program.objects.get(slug="student-resident")


@pytest.fixture
def event(track1: Program, coordinator: Member) -> FlashEvent:
    made = flash.event_save(by=coordinator, program=track1, data=event_data())
    return flash.event_open(event=made)
