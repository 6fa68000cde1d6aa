"""The application calendar follows each student's own application year (programs/calendar.py)."""

from __future__ import annotations

import datetime as dt

import pytest

from mentorbridge.members.models import Member
from mentorbridge.mentorships.models import Goal
from mentorbridge.programs.calendar import calendar_for_student
from mentorbridge.programs.models import CalendarDate, Cycle

from ..conftest import client_for, stage
from ..factories import make_cycle, make_mentorship

pytestmark = pytest.mark.django_db

DECEMBER_2026 = dt.date(2026, 12, 3)


@pytest.fixture
def cycle() -> Cycle:
    """A 2026–27 cycle whose coordinators entered the dates of this year's MS3s."""
    cycle = make_cycle()
    for key, day in {
        "explore": dt.date(2026, 12, 15),
        "application": dt.date(2027, 9, 15),
        "interviews": dt.date(2027, 11, 1),
        "match_day": dt.date(2028, 3, 20),
    }.items():
        CalendarDate.objects.create(cycle=cycle, key=key, date=day)
    return cycle


@pytest.mark.parametrize(
    ("slug", "application", "match_day"),
    [
        ("ms1", dt.date(2029, 9, 15), dt.date(2030, 3, 20)),
        ("ms2", dt.date(2028, 9, 15), dt.date(2029, 3, 20)),
        ("ms3", dt.date(2027, 9, 15), dt.date(2028, 3, 20)),
        ("research-year", dt.date(2027, 9, 15), dt.date(2028, 3, 20)),
        ("ms4", None, dt.date(2027, 3, 20)),  # an MS4 applied this autumn: only the match is ahead
    ],
)
def test_each_stage_gets_its_own_application_year(
    cycle: Cycle, slug: str, application: dt.date | None, match_day: dt.date
) -> None:
    dates = calendar_for_student(cycle=cycle, stage=stage(slug), today=DECEMBER_2026)
    assert dates.get("application") == application
    assert dates["match_day"] == match_day
    if slug == "ms4":
        assert "application" not in dates and "interviews" not in dates  # already behind them


def test_residents_have_no_application_calendar(cycle: Cycle) -> None:
    assert (
        calendar_for_student(cycle=cycle, stage=stage("pgy-4-resident"), today=DECEMBER_2026) == {}
    )
    assert calendar_for_student(cycle=cycle, stage=None, today=DECEMBER_2026) == {}


def test_an_ms2s_goals_carry_the_ms2_dates_not_the_ms3_ones(
    cycle: Cycle, student: Member, resident: Member
) -> None:
    assert student.stage is not None and student.stage.slug == "ms2"
    mentorship = make_mentorship(student, resident, cycle=cycle)
    client = client_for(student)
    page = client.get(mentorship.get_absolute_url()).content.decode()
    assert "Dates for MS2 students, who match in 2029." in page
    client.post(f"/mentorships/{mentorship.pk}/goals/", {"template": "1"})
    goals = {g.calendar_key: g.due_date for g in Goal.objects.filter(mentorship=mentorship)}
    assert goals["application"] == dt.date(2028, 9, 15)
    assert goals["match_day"] == dt.date(2029, 3, 20)
