"""A small cycle whose dashboard figures are worked out by hand in the tests."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from mentorbridge.matching.models import MatchProposal, MatchRun, MentorshipRequest
from mentorbridge.members.models import Member, TrainingStage
from mentorbridge.mentorships.models import Agreement, AtRisk, CheckIn, Meeting, Mentorship, Message
from mentorbridge.programs.models import Cycle, Enrollment

from ..factories import MemberFactory, enroll, make_cycle

NOW = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)
T0 = NOW - dt.timedelta(days=90)


@dataclass
class SmallCycle:
    cycle: Cycle
    mentees: list[Member]
    mentors: list[Member]
    pairs: list[Mentorship]


def small_cycle() -> SmallCycle:
    """Six enrolled students (and one who withdrew), two residents with 2 and 3 seats, three pairs.

    Hand-computed: 6 mentees, 5 seats, 3 matched (50%), at most 5 (83.3%); reached 5 (three with
    requests, two in a run); days to match 2, 4, 9 (median 4); first meetings after 4 and 10 days
    (median 7); 3 meetings held, 60+30+45 minutes (2.25 h); 4 messages; one quiet pair, at risk.
    """
    ms2 = TrainingStage.objects.get(slug="ms2")
    pgy = TrainingStage.objects.get(slug="pgy-4-resident")
    cycle = make_cycle(
        name="2025–26",
        enrollment_opens=T0.date(),
        enrollment_closes=T0.date() + dt.timedelta(days=20),
        match_date=T0.date() + dt.timedelta(days=21),
        term_end=T0.date() + dt.timedelta(days=300),
    )
    mentees = [MemberFactory(full_name=f"Student {i}", stage=ms2) for i in range(1, 8)]
    mentors = [MemberFactory(full_name=f"Resident {i}", stage=pgy) for i in range(1, 3)]
    e = [enroll(m, cycle, "mentee", created_at=T0) for m in mentees]
    Enrollment.objects.filter(pk=e[6].pk).update(status=Enrollment.Status.WITHDRAWN)
    r1 = enroll(mentors[0], cycle, "mentor", capacity=2, mentee_count=2, created_at=T0)
    r2 = enroll(mentors[1], cycle, "mentor", capacity=3, mentee_count=1, created_at=T0)

    def pair(i: int, mentor: Enrollment, days: int, **extra: object) -> Mentorship:
        return Mentorship.objects.create(
            program=cycle.program,
            cycle=cycle,
            mentee=mentees[i],
            mentor=mentor.member,
            mentee_enrollment=e[i],
            mentor_enrollment=mentor,
            source=Mentorship.Source.REQUEST,
            started_at=T0 + dt.timedelta(days=days),
            last_activity_at=NOW - dt.timedelta(days=2),
            **extra,
        )

    p1 = pair(0, r1, 2, completed=True, status=Mentorship.Status.CLOSED, ended_at=NOW)
    p2 = pair(1, r1, 4)
    p3 = pair(2, r2, 9)
    Mentorship.objects.filter(pk=p3.pk).update(last_activity_at=NOW - dt.timedelta(days=50))
    AtRisk.objects.create(mentorship=p3, reason=AtRisk.Reason.INACTIVE)

    def request(i: int, mentor: Enrollment, state: str, answered_days: float | None) -> None:
        created = T0 + dt.timedelta(days=1)
        MentorshipRequest.objects.create(
            cycle=cycle,
            mentee_enrollment=e[i],
            mentor_enrollment=mentor,
            message="Hello",
            state=state,
            created_at=created,
            deadline=created + dt.timedelta(days=7),
            answered_at=None
            if answered_days is None
            else created + dt.timedelta(days=answered_days),
        )

    request(0, r1, MentorshipRequest.State.ACCEPTED, 1)
    request(3, r2, MentorshipRequest.State.EXPIRED, None)
    request(4, r2, MentorshipRequest.State.PENDING, None)
    run = MatchRun.objects.create(cycle=cycle, objective="coverage", status="published")
    for i in (1, 2):
        MatchProposal.objects.create(run=run, mentee_enrollment=e[i], mentor_enrollment=r1)

    def meeting(p: Mentorship, days: int, minutes: int | None, status: str = "held") -> None:
        Meeting.objects.create(
            mentorship=p,
            proposed_by=p.mentor,
            starts_at=p.started_at + dt.timedelta(days=days),
            duration_minutes=45,
            minutes_held=minutes,
            status=status,
        )

    meeting(p1, 4, 60)
    meeting(p1, 30, 30)
    meeting(p2, 10, None)
    meeting(p3, 3, None, status="proposed")
    for p, n in ((p1, 3), (p2, 1)):
        for k in range(n):
            Message.objects.create(
                mentorship=p, author=p.mentee, body=f"m{k}", created_at=p.started_at
            )
    Agreement.objects.create(
        mentorship=p1,
        goals="g",
        meeting_frequency="monthly",
        communication="email",
        mentee_confirmed_at=NOW,
        mentor_confirmed_at=NOW,
    )
    Agreement.objects.create(
        mentorship=p2, goals="g", meeting_frequency="m", communication="e", mentee_confirmed_at=NOW
    )

    def check_in(p: Mentorship, who: Member, rating: int, recommend: int | None = None) -> None:
        CheckIn.objects.create(
            mentorship=p,
            member=who,
            kind=CheckIn.Kind.CHECK_IN if recommend is None else CheckIn.Kind.FINAL,
            due_at=NOW,
            answered_at=NOW,
            rating=rating,
            recommend=recommend,
        )

    check_in(p1, p1.mentee, 5, 10)
    check_in(p1, p1.mentor, 4, 9)
    check_in(p2, p2.mentee, 5, 6)
    CheckIn.objects.create(mentorship=p2, member=p2.mentor, due_at=NOW)  # not answered
    return SmallCycle(cycle, mentees, mentors, [p1, p2, p3])


def now() -> dt.datetime:
    return timezone.now()
