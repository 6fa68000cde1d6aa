"""A published circle of track 1 led by a resident, in an open cycle: the fixtures' helpers."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from mentorbridge.community import circles
from mentorbridge.community.models import Circle
from mentorbridge.members.models import Member, Topic
from mentorbridge.programs.models import Cycle

from ..conftest import stage
from ..factories import MemberFactory


def circle_data(**overrides: object) -> dict[str, object]:
    today = timezone.localdate()
    data: dict[str, object] = {
        "title": "Research year, step by step",
        "topic": Topic.objects.get(slug="research-and-publications"),
        "description": "For students who want a research year: finding a lab, funding, timing.",
        "max_mentees": 3,
        "starts_on": today + dt.timedelta(days=7),
        "ends_on": today + dt.timedelta(days=120),
        "cadence": Circle.Cadence.FORTNIGHTLY,
    }
    data.update(overrides)
    return data


def published_circle(
    *, leader: Member, coordinator: Member, cycle: Cycle, **overrides: object
) -> Circle:
    circle = circles.circle_propose(
        by=leader, program=cycle.program, cycle=cycle, data=circle_data(**overrides)
    )
    return circles.circle_decide(circle=circle, by=coordinator, publish=True)


def students(n: int) -> list[Member]:
    return [MemberFactory(stage=stage("ms3")) for _ in range(n)]
