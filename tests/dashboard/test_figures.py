"""The dashboard's figures against the small cycle worked out by hand, and small-cell suppression."""

from __future__ import annotations

import datetime as dt

import pytest
from pytest_django import DjangoAssertNumQueries

from mentorbridge.dashboard.figures import HIDDEN, HIDDEN_RATE, _group_rows, cycle_figures
from mentorbridge.members.models import PrivateIdentity

from ..factories import MemberFactory, enroll
from .fixtures import NOW, T0, small_cycle

pytestmark = pytest.mark.django_db


def rows(figures: object, slug: str) -> dict[object, list[object]]:
    return {row[0]: row[1:] for row in figures.tables[slug].rows}  # type: ignore[attr-defined]


def test_funnel_and_match_rate_are_the_hand_computed_ones() -> None:
    small = small_cycle()
    figures = cycle_figures(small.cycle, now=NOW)
    funnel = [row[1] for row in figures.tables["funnel"].rows]
    # Seven members have a student's stage (the one who withdrew too); residents are no mentees.
    assert funnel == [7, 6, 5, 3, 2, 1, 1]
    enrollment = rows(figures, "enrollment")
    assert enrollment["Seats offered by mentors"] == [5]
    assert enrollment["Match rate (%)"] == [50.0]
    assert enrollment["Most mentees that could be matched with these seats"] == [5]
    assert enrollment["Highest possible match rate (%)"] == [83.3]


def test_requests_times_and_engagement() -> None:
    cycle = small_cycle().cycle
    figures = cycle_figures(cycle, now=NOW)
    requests = rows(figures, "requests")
    assert requests["Answered in time"] == [1, 33.3]
    assert requests["Expired without an answer"] == [1, 33.3]
    assert requests["Still waiting"] == [1, 33.3]
    # The headline counts the requests that came due: one answered in time, one expired, and the
    # waiting one, past its deadline at NOW; before that deadline it is not counted.
    assert figures.headline["answered_in_time"] == 33.3
    early = cycle_figures(cycle, now=T0 + dt.timedelta(days=3))
    assert early.headline["answered_in_time"] == 50.0
    times = rows(figures, "times")
    assert times["From enrolling to being matched"] == [4.0]
    assert times["From being matched to the first meeting held"] == [7.0]
    engagement = rows(figures, "engagement")
    assert engagement["Meetings held"] == [3]
    assert engagement["Meetings per pair"] == [1.0]
    assert engagement["Hours met"] == [2.2]  # 135 minutes, rounded to one decimal
    assert engagement["Messages"] == [4]
    assert engagement["Active pairs with no activity in 45 days"] == [1]
    assert engagement["Pairs at risk (open)"] == [1]


def test_satisfaction_and_load() -> None:
    figures = cycle_figures(small_cycle().cycle, now=NOW)
    ratings = rows(figures, "ratings")
    assert ratings[5] == [2, 0]
    assert ratings[4] == [0, 1]
    assert ratings[1] == [0, 0]
    nps = rows(figures, "nps")
    assert nps["Mentees"] == [2, 1, 0, 1, 0]
    assert nps["Mentors"] == [1, 1, 0, 0, 100]
    load = rows(figures, "load")
    assert load[2] == [2, 1, 0]
    assert load[3] == [1, 1, 2]
    assert load["All"] == [3, 2, 2]


def test_activity_by_month_and_comparison() -> None:
    small = small_cycle()
    figures = cycle_figures(small.cycle, now=NOW)
    activity = figures.tables["activity"].rows
    assert sum(int(r[1]) for r in activity) == 3  # type: ignore[arg-type]
    assert sum(int(r[2]) for r in activity) == 4  # type: ignore[arg-type]
    comparison = figures.tables["comparison"].rows
    assert comparison[-1] == ["2025–26", 6, 3, 50.0, 1, 3]


def test_small_groups_and_their_complements_are_hidden() -> None:
    assert _group_rows([("a", 4, 2)]) == [["a", HIDDEN, HIDDEN, HIDDEN_RATE]]
    assert _group_rows([("b", 8, 5)]) == [["b", 8, HIDDEN, HIDDEN_RATE]]  # 3 unmatched give it away
    assert _group_rows([("c", 8, 3)]) == [["c", 8, HIDDEN, HIDDEN_RATE]]
    assert _group_rows([("d", 10, 5)]) == [["d", 10, 5, 50.0]]


def test_consented_groups_count_only_consenting_members_in_groups_of_five() -> None:
    small = small_cycle()
    for member in small.mentees[:6]:
        PrivateIdentity.objects.create(member=member, consent=True, first_generation=True)
    # Four first-generation mentees more, but without consent their answers do not exist.
    for _ in range(4):
        enroll(MemberFactory(), small.cycle, "mentee")
    figures = cycle_figures(small.cycle, now=NOW)
    groups = rows(figures, "by_group")
    assert groups["First-generation students"] == [6, HIDDEN, HIDDEN_RATE]
    assert groups["Gender: Woman"] == [HIDDEN, HIDDEN, HIDDEN_RATE]


def test_the_number_of_queries_does_not_grow_with_the_cycle(
    django_assert_max_num_queries: type[DjangoAssertNumQueries],
) -> None:
    small = small_cycle()
    with django_assert_max_num_queries(20):
        cycle_figures(small.cycle, now=NOW)
    for _ in range(20):
        enroll(MemberFactory(), small.cycle, "mentee")
    with django_assert_max_num_queries(20):
        cycle_figures(small.cycle, now=NOW)
