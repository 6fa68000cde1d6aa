"""The residency application calendar, shifted to each student's own application year.

Coordinators set one set of dates per cycle (programs.CalendarDate): the dates of the cohort that
applies in that cycle's application season, i.e. the students who are MS3 during the cycle (they
apply in the autumn of their MS4 year and match the following March). A student follows the same
calendar shifted by whole years to their own season: an MS2 applies one year later, an MS1 two
years later; a student in a research year (taken between MS3 and MS4) applies with the MS3s; an
MS4 is in the season before the cycle's, one year earlier. Dates already past for that student are
left out. See docs/programs.md, "Application calendar".
"""

from __future__ import annotations

import datetime as dt

from mentorbridge.members.models import TrainingStage

from .models import CalendarDate, Cycle

# Years after the cycle's reference cohort (the MS3s) that a student of each stage applies.
YEARS_AFTER_MS3 = {"ms1": 2, "ms2": 1, "ms3": 0, "research-year": 0, "ms4": -1}


def application_shift(stage: TrainingStage | None) -> int | None:
    """Whole years to add to the cycle's calendar for a student at `stage`; None if not a student
    on the calendar (residents and surgeons have no application calendar)."""
    if stage is None or stage.kind != TrainingStage.Kind.STUDENT:
        return None
    return YEARS_AFTER_MS3.get(stage.slug)


def _shift(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year without one
        return day.replace(year=day.year + years, day=28)


def calendar_for_student(
    *, cycle: Cycle, stage: TrainingStage | None, today: dt.date
) -> dict[str, dt.date | None]:
    """The calendar keys a student still has ahead, with their own dates (None: no date set by the
    coordinators for that step). Empty when the stage has no application calendar."""
    years = application_shift(stage)
    if years is None:
        return {}
    dates = {c.key: c.date for c in CalendarDate.objects.filter(cycle=cycle)}
    result: dict[str, dt.date | None] = {}
    for key in CalendarDate.Key.values:
        day = dates.get(key)
        shifted = _shift(day, years) if day else None
        if shifted is not None and shifted < today:
            continue  # already behind this student
        result[key] = shifted
    return result


def match_year(*, cycle: Cycle, stage: TrainingStage | None) -> int | None:
    """The year of this student's own Match Day, for the workspace's wording."""
    years = application_shift(stage)
    day = CalendarDate.objects.filter(cycle=cycle, key=CalendarDate.Key.MATCH_DAY).first()
    if years is None or day is None:
        return None
    return day.date.year + years
