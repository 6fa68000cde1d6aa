"""The community demo: events and questions appear once, however often it runs."""

from __future__ import annotations

from django.core.management import call_command

from mentorbridge.community.models import Circle, FlashEvent, FlashSeat, Question
from mentorbridge.members.models import Member


def test_the_demo_adds_events_and_questions_once(db: None) -> None:
    call_command("seed_demo", "--size", "80", "--quiet-logins")
    call_command("seed_demo", "--size", "80", "--quiet-logins")
    assert FlashEvent.objects.count() == 2 and Question.objects.count() == 4
    student = Member.objects.get(user__email="student@demo.mentorbridge.org")
    past = FlashEvent.objects.get(status=FlashEvent.Status.SCHEDULED)
    met = set(FlashSeat.objects.filter(event=past, mentee=student).values_list("mentor", flat=True))
    assert (
        len(met) == 4
    )  # four rounds, four different mentors, the demo resident and fellow among them
    named = Member.objects.filter(
        user__email__in=["resident@demo.mentorbridge.org", "fellow@demo.mentorbridge.org"]
    )
    assert set(named.values_list("pk", flat=True)) <= met


def test_the_demo_adds_circles_once(db: None) -> None:
    call_command("seed_demo", "--size", "80", "--quiet-logins")
    call_command("seed_demo", "--size", "80", "--quiet-logins")
    assert Circle.objects.count() == 2
    running = Circle.objects.get(title="Research year, step by step")
    student = Member.objects.get(user__email="student@demo.mentorbridge.org")
    assert running.leader.user.email == "resident@demo.mentorbridge.org"
    assert running.members.filter(mentee=student, active=True).exists()
    assert running.member_count == running.members.filter(active=True).count() == 4
    assert running.meetings.count() == 2 and running.messages.count() == 3
