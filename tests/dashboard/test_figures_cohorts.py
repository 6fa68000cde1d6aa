"""The breakdowns, concordance, outcomes by meetings held and per-pair engagement, against a
cycle worked out by hand (groups large enough to show, and small ones that must be hidden)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from mentorbridge.dashboard.figures import HIDDEN, HIDDEN_RATE, cycle_figures
from mentorbridge.members.models import PrivateIdentity, TrainingStage
from mentorbridge.mentorships.models import Meeting, Mentorship
from mentorbridge.outcomes.models import Outcome
from mentorbridge.programs.models import Cycle, Enrollment

from ..factories import InstitutionFactory, MemberFactory, enroll, make_cycle
from .fixtures import NOW, small_cycle

pytestmark = pytest.mark.django_db


def rows(cycle: Cycle, slug: str) -> dict[object, list[object]]:
    table = cycle_figures(cycle, now=NOW).tables[slug]
    return {row[0]: row[1:] for row in table.rows}


@dataclass
class Cohort:
    cycle: Cycle
    pairs: list[Mentorship]


def cohort() -> Cohort:
    """25 mentees enrolled, 14 matched:

    | school (CT program, region) | stage | enrolled | matched |
    |---|---|---|---|
    | North Heart (yes, North) | MS2 | 12 | 6 |
    | South General (no, South) | MS3 | 10 | 7 |
    | East Clinic (no, East) | MS3 | 3 | 1 |

    Of the 14 pairs, the first 10 mentees asked for a mentor of the same gender (all women);
    pairs 1–5 got a woman, 6–10 a man. Pairs 1–3 asked for a shared background too.
    Pairs 1–10 held two meetings each, pairs 11–14 none (one proposed each); every matched
    mentee reported an outcome, consented but for pair 14's: pairs 1–5 matched into CT surgery
    (integrated or traditional), the others into another specialty.
    """
    cycle = make_cycle(name="Cohort")
    ms2 = TrainingStage.objects.get(name="MS2")
    ms3 = TrainingStage.objects.get(name="MS3")
    north = InstitutionFactory(name="North Heart", has_ct_program=True, region="North")
    south = InstitutionFactory(name="South General", has_ct_program=False, region="South")
    east = InstitutionFactory(name="East Clinic", has_ct_program=False, region="East")
    # Three mentors with five seats each (the most a mentor may offer): two women, one man.
    mentors = [MemberFactory(full_name=f"Dr {i}") for i in range(3)]
    for mentor, gender in zip(mentors, ("woman", "man", "woman"), strict=True):
        PrivateIdentity.objects.create(member=mentor, consent=True, gender=gender)
    seats = {m: enroll(m, cycle, "mentor", capacity=5) for m in mentors}
    mentees: list[tuple[Enrollment, bool]] = []
    for place, stage, enrolled, matched in (
        (north, ms2, 12, 6),
        (south, ms3, 10, 7),
        (east, ms3, 3, 1),
    ):
        for i in range(enrolled):
            member = MemberFactory(stage=stage, institution=place)
            mentees.append((enroll(member, cycle, "mentee"), i < matched))
    pairs: list[Mentorship] = []
    for enrollment, matched in mentees:
        if not matched:
            continue
        n = len(pairs) + 1
        mentor = mentors[(n - 1) // 5]  # pairs 1–5, 6–10, 11–14
        if n <= 10:
            PrivateIdentity.objects.create(member=enrollment.member, consent=True, gender="woman")
            enrollment.same_gender = "soft"
            enrollment.shared_background = "soft" if n <= 3 else ""
            enrollment.save()
        pair = Mentorship.objects.create(
            program=cycle.program,
            cycle=cycle,
            mentee=enrollment.member,
            mentor=mentor,
            mentee_enrollment=enrollment,
            mentor_enrollment=seats[mentor],
            source=Mentorship.Source.MATCH_RUN,
            started_at=NOW - dt.timedelta(days=60),
        )
        for k in range(2 if n <= 10 else 1):
            Meeting.objects.create(
                mentorship=pair,
                proposed_by=mentor,
                starts_at=pair.started_at + dt.timedelta(days=7 * (k + 1)),
                duration_minutes=30,
                status=Meeting.Status.HELD if n <= 10 else Meeting.Status.PROPOSED,
            )
        Outcome.objects.create(
            member=enrollment.member,
            year=2026,
            consent=n != 14,  # the last one did not agree to aggregate use: not counted
            match=(Outcome.Match.INTEGRATED, Outcome.Match.TRADITIONAL)[n % 2]
            if n <= 5
            else Outcome.Match.OTHER,
        )
        pairs.append(pair)
    # A second (earlier) year of outcomes counts the mentee once.
    Outcome.objects.create(member=pairs[0].mentee, year=2025, consent=True)
    return Cohort(cycle, pairs)


def test_breakdowns_by_school_stage_and_region_hide_small_cells() -> None:
    cycle = cohort().cycle
    assert rows(cycle, "by_ct_program") == {
        "School with a CT program": [12, 6, 50.0],
        "School without a CT program": [13, 8, 61.5],
    }
    assert rows(cycle, "by_stage") == {"MS2": [12, 6, 50.0], "MS3": [13, 8, 61.5]}
    assert rows(cycle, "by_region") == {
        "East": [HIDDEN, HIDDEN, HIDDEN_RATE],  # 3 enrolled
        "North": [12, 6, 50.0],
        "South": [10, HIDDEN, HIDDEN_RATE],  # 3 unmatched would give the 7 away
    }


def test_concordance_requested_and_met() -> None:
    cycle = cohort().cycle
    assert rows(cycle, "concordance") == {
        "A mentor of the same gender": [10, 5, 50.0],
        "A shared background": [HIDDEN, HIDDEN, HIDDEN_RATE],  # three asked
    }


def test_outcomes_per_cohort_by_meetings_held() -> None:
    cycle = cohort().cycle
    assert rows(cycle, "outcomes") == {
        "No meeting held": [HIDDEN, HIDDEN, HIDDEN_RATE],  # three pairs (proposed meetings only)
        "1–2 meetings": [10, 5, 50.0],
        "3–5 meetings": [HIDDEN, HIDDEN, HIDDEN_RATE],
        "6 or more meetings": [HIDDEN, HIDDEN, HIDDEN_RATE],
        "All mentees with outcomes": [13, 5, 38.5],
    }


def test_consented_identity_groups_of_the_cohort() -> None:
    cycle = cohort().cycle
    groups = rows(cycle, "by_group")
    # Ten consenting women, all matched: the unmatched rest (0) is under five.
    assert groups["Gender: Woman"] == [10, HIDDEN, HIDDEN_RATE]
    assert groups["First-generation students"] == [HIDDEN, HIDDEN, HIDDEN_RATE]


def test_engagement_per_pair_and_activity_by_month_of_the_small_cycle() -> None:
    small = small_cycle()
    engagement = rows(small.cycle, "engagement")
    assert engagement["Pairs"] == [3]
    assert engagement["Pairs still active"] == [2]
    assert engagement["Hours per pair"] == [0.7]  # 2.2 hours over three pairs
    assert engagement["Messages per pair"] == [1.3]  # four messages
    # Meetings on 7 and 15 December and 2 January; messages on 3 (three) and 5 December.
    assert small.cycle.enrollment_opens == dt.date(2025, 12, 1)
    assert cycle_figures(small.cycle, now=NOW).tables["activity"].rows == [
        ["2025-12", 2, 4],
        ["2026-01", 1, 0],
    ]
