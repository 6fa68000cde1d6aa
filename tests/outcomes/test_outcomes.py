"""The outcomes registry: members record outcomes, the yearly survey goes once per member per year,
the dashboard counts consented outcomes by meetings held (small cells hidden), the export names
nobody."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.core import mail
from django.test import Client

from mentorbridge.core import clock
from mentorbridge.dashboard.figures import HIDDEN, HIDDEN_RATE, cycle_figures
from mentorbridge.members.models import Member, TrainingStage
from mentorbridge.mentorships.models import Meeting, Mentorship
from mentorbridge.outcomes import services
from mentorbridge.outcomes.models import Outcome, OutcomeSurvey

from ..conftest import client_for
from ..factories import MemberFactory, enroll, make_cycle

pytestmark = pytest.mark.django_db


def test_a_mentee_records_outcomes_for_a_year(student: Member) -> None:
    client = client_for(student)
    assert client.get("/outcomes/").status_code == 200
    response = client.post(
        "/outcomes/?year=2025",
        {
            "match": "integrated",
            "matched_program": "Lakeside I-6",
            "publications": "2",
            "presentations": "1",
            "away_rotations": "3",
            "awards": "",
            "consent": "on",
        },
    )
    assert response.status_code == 302
    outcome = Outcome.objects.get(member=student, year=2025)
    assert outcome.matched_ct and outcome.consent and outcome.away_rotations == 3
    bad = client.post("/outcomes/", {"publications": "-4", "matched_program": "X"})
    assert bad.status_code == 400
    assert Outcome.objects.count() == 1
    assert "leadership_roles" not in client.get("/outcomes/").content.decode()  # mentors only
    assert Client().get("/outcomes/").status_code == 302


def test_the_yearly_survey_is_sent_once_per_member_per_year(
    student: Member, resident: Member, outsider: Member, django_capture_on_commit_callbacks: object
) -> None:
    cycle = make_cycle()
    Mentorship.objects.create(
        program=cycle.program,
        cycle=cycle,
        mentee=student,
        mentor=resident,
        mentee_enrollment=enroll(student, cycle, "mentee"),
        mentor_enrollment=enroll(resident, cycle, "mentor", mentee_count=1),
        source="request",
    )
    when = dt.datetime(2026, 4, 1, 9, tzinfo=dt.UTC)
    with clock.frozen(when), django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        assert services.outcome_surveys_send() == 2
        assert services.outcome_surveys_send() == 0
    assert sorted(m.to[0] for m in mail.outbox) == ["rita@example.org", "sam@example.org"]
    with clock.frozen(when + dt.timedelta(days=365)):
        assert services.outcome_surveys_send() == 2
    assert OutcomeSurvey.objects.filter(member=outsider).count() == 0


def test_the_dashboard_counts_consented_ct_matches_by_meetings(coordinator: Member) -> None:
    cycle = make_cycle()
    ms4 = TrainingStage.objects.get(slug="ms4")
    mentor = MemberFactory(stage=TrainingStage.objects.get(slug="fellow"))
    mentor_enrollment = enroll(mentor, cycle, "mentor", capacity=5, mentee_count=0)
    for i in range(12):
        mentee = MemberFactory(stage=ms4)
        pair = Mentorship.objects.create(
            program=cycle.program,
            cycle=cycle,
            mentee=mentee,
            mentor=mentor,
            mentee_enrollment=enroll(mentee, cycle, "mentee"),
            mentor_enrollment=mentor_enrollment,
            source="match_run",
            status="closed",
        )
        meetings = 4 if i < 10 else 0
        for k in range(meetings):
            Meeting.objects.create(
                mentorship=pair,
                proposed_by=mentor,
                starts_at=clock.now() - dt.timedelta(days=k + 1),
                status="held",
            )
        # Ten with 3–5 meetings: 5 matched into CT, 5 not; an 11th does not consent.
        Outcome.objects.create(
            member=mentee,
            year=2026,
            match="traditional" if i % 2 == 0 else "other",
            consent=i != 11,
            awards="Secret award" if i == 0 else "",
        )
    rows = {row[0]: row[1:] for row in cycle_figures(cycle).tables["outcomes"].rows}
    assert rows["3–5 meetings"] == [10, 5, 50.0]
    assert rows["No meeting held"] == [HIDDEN, HIDDEN, HIDDEN_RATE]  # one consented mentee
    assert rows["All mentees with outcomes"] == [11, 6, 54.5]
    client = client_for(coordinator)
    text = client.get(f"/dashboard/cycles/{cycle.pk}/export/outcomes.csv").content.decode(
        "utf-8-sig"
    )
    lines = list(csv.reader(io.StringIO(text)))
    assert len(lines) == 1 + 11  # the one who did not consent is left out
    assert "Secret award" in text
    assert not any(m.full_name in text for m in Member.objects.all())
