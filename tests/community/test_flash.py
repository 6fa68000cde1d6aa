"""Flash mentoring: creating events, volunteering, signing up, scheduling, wishes to continue."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.core import mail

from mentorbridge.community import flash
from mentorbridge.community.models import FlashEvent, FlashSeat, FlashSignup, FlashVolunteer
from mentorbridge.core import clock
from mentorbridge.core.refusals import Refusal
from mentorbridge.matching.models import MentorshipRequest
from mentorbridge.members.models import Block, Member
from mentorbridge.mentorships.models import Mentorship
from mentorbridge.programs.models import Enrollment, Program

from ..conftest import client_for, stage
from ..factories import MemberFactory, enroll, make_cycle
from .conftest import NEXT_WEEK, event_data


def residents(n: int) -> list[Member]:
    return [MemberFactory(stage=stage("pgy-3-resident")) for _ in range(n)]


def students(n: int) -> list[Member]:
    return [MemberFactory(stage=stage("ms3")) for _ in range(n)]


def after(event: FlashEvent) -> dt.datetime:
    return event.ends_at + dt.timedelta(minutes=5)


# --- creating an event: bad input gets a clear message and nothing is saved ---------------------


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"rounds": 8, "round_minutes": 15}, "take 134 minutes, but the event lasts 90"),
        ({"mentee_cap": 9}, "9 mentees cannot sit at 4 tables of 2 (8 seats a round)"),
        ({"end_time": dt.time(13, 0)}, "must end after it starts"),
        ({"time_zone": "Mars/Olympus"}, "not a time zone we know"),
        ({"date": dt.date(2020, 1, 1)}, "in the future"),
    ],
)
def test_it_refuses_an_event_that_cannot_work(
    track1: Program, coordinator: Member, overrides: dict[str, object], message: str
) -> None:
    with pytest.raises(Refusal, match=re.escape(message)):
        flash.event_save(by=coordinator, program=track1, data=event_data(**overrides))
    assert not FlashEvent.objects.exists()


def test_it_refuses_a_time_skipped_by_daylight_saving(track1: Program, coordinator: Member) -> None:
    # 8 March 2037, 02:30 does not exist in Chicago (the clocks go from 02:00 to 03:00).
    data = event_data(date=dt.date(2037, 3, 8), start_time=dt.time(2, 30), end_time=dt.time(4, 0))
    with pytest.raises(Refusal, match="02:30 does not exist on 8 March 2037"):
        flash.event_save(by=coordinator, program=track1, data=data)
    data = event_data(date=dt.date(2037, 3, 8), start_time=dt.time(1, 0), end_time=dt.time(4, 0))
    with pytest.raises(Refusal, match="clocks change during this event"):
        flash.event_save(by=coordinator, program=track1, data=data)
    assert not FlashEvent.objects.exists()


def test_the_form_shows_the_reason_and_creates_nothing(
    coordinator: Member, track1: Program
) -> None:
    data = {k: str(v) for k, v in event_data(rounds=8, round_minutes=15).items()}
    data["program"] = str(track1.pk)
    response = client_for(coordinator).post("/community/flash/new/", data)
    assert response.status_code == 200
    assert "take 134 minutes, but the event lasts 90" in response.content.decode()
    assert not FlashEvent.objects.exists()
    data.update(rounds="3", round_minutes="10")
    response = client_for(coordinator).post("/community/flash/new/", data)
    assert response.status_code == 302
    assert FlashEvent.objects.get().status == FlashEvent.Status.DRAFT


# --- volunteering and signing up -----------------------------------------------------------------


def test_a_mentor_volunteers_and_a_mentee_signs_up_with_preferences(
    event: FlashEvent, student: Member, resident: Member
) -> None:
    flash.volunteer(event=event, member=resident, rounds=[1, 3])
    place = flash.signup(event=event, member=student, preferences=[resident.pk])
    assert FlashVolunteer.objects.get().rounds == [1, 3]
    assert place.preferences == [resident.pk]


def test_it_refuses_a_duplicate_sign_up(event: FlashEvent, student: Member) -> None:
    flash.signup(event=event, member=student, preferences=[])
    with pytest.raises(Refusal, match="already signed up"):
        flash.signup(event=event, member=student, preferences=[])
    assert FlashSignup.objects.count() == 1


def test_it_refuses_more_mentees_than_places(event: FlashEvent) -> None:
    for member in students(8):
        flash.signup(event=event, member=member, preferences=[])
    late = students(1)[0]
    with pytest.raises(Refusal, match="full: all 8 places are taken"):
        flash.signup(event=event, member=late, preferences=[])
    assert FlashSignup.objects.count() == 8


def test_it_refuses_a_round_whose_tables_are_all_taken(event: FlashEvent) -> None:
    hosts = residents(5)
    for host in hosts[:4]:
        flash.volunteer(event=event, member=host, rounds=[2])
    with pytest.raises(Refusal, match="All 4 tables are taken in round 2"):
        flash.volunteer(event=event, member=hosts[4], rounds=[1, 2])
    assert FlashVolunteer.objects.count() == 4


@pytest.mark.parametrize(("rounds", "message"), [([], "at least one"), ([0, 4], "from 1 to 3")])
def test_it_refuses_rounds_that_do_not_exist(
    event: FlashEvent, resident: Member, rounds: list[int], message: str
) -> None:
    with pytest.raises(Refusal, match=message):
        flash.volunteer(event=event, member=resident, rounds=rounds)
    assert not FlashVolunteer.objects.exists()


def test_roles_follow_the_program(event: FlashEvent, student: Member, surgeon: Member) -> None:
    with pytest.raises(Refusal, match="cannot host a table as a mentor"):
        flash.volunteer(event=event, member=student, rounds=[1])
    with pytest.raises(Refusal, match="cannot sign up as a mentee"):
        flash.signup(event=event, member=surgeon, preferences=[])


def test_preferences_must_name_hosts(event: FlashEvent, student: Member, surgeon: Member) -> None:
    with pytest.raises(Refusal, match="hosting a table"):
        flash.signup(event=event, member=student, preferences=[surgeon.pk])
    assert not FlashSignup.objects.exists()


def test_a_draft_takes_no_sign_up(track1: Program, coordinator: Member, student: Member) -> None:
    draft = flash.event_save(by=coordinator, program=track1, data=event_data())
    with pytest.raises(Refusal, match="not open"):
        flash.signup(event=draft, member=student, preferences=[])


# --- the schedule ---------------------------------------------------------------------------------


def test_the_schedule_seats_everyone_at_different_tables_and_tells_them(
    event: FlashEvent, django_capture_on_commit_callbacks: Any
) -> None:
    hosts = residents(4)
    for host in hosts:
        flash.volunteer(event=event, member=host, rounds=[1, 2, 3])
    mentees = students(8)
    for k, mentee in enumerate(mentees):
        flash.signup(event=event, member=mentee, preferences=[hosts[k % 4].pk])
    with django_capture_on_commit_callbacks(execute=True):
        flash.schedule_request(event=event)  # the task runs at once in tests
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        flash.schedule_compute(event_id=event.pk)  # scheduling again tells everyone again
    event.refresh_from_db()
    assert event.status == FlashEvent.Status.SCHEDULED
    assert event.schedule_summary["exact"] is True
    assert event.schedule_summary["meetings"] == 24
    for mentee in mentees:
        mentors = list(
            FlashSeat.objects.filter(event=event, mentee=mentee).values_list("mentor", flat=True)
        )
        assert len(mentors) == len(set(mentors)) == 3
    for r in (1, 2, 3):
        for host in hosts:
            assert FlashSeat.objects.filter(event=event, round=r, mentor=host).count() <= 2
    assert FlashSeat.objects.filter(preferred=True).count() == 8
    assert len(mail.outbox) == 12
    invite = mail.outbox[0].attachments[0]
    assert invite[0] == "flash-schedule.ics" and invite[1].count("BEGIN:VEVENT") == 3


def test_blocked_pairs_never_share_a_table(event: FlashEvent, student: Member) -> None:
    hosts = residents(3)
    for host in hosts:
        flash.volunteer(event=event, member=host, rounds=[1, 2, 3])
    flash.signup(event=event, member=student, preferences=[])
    Block.objects.create(blocker=student, blocked=hosts[0])
    flash.schedule_compute(event_id=event.pk)
    assert not FlashSeat.objects.filter(mentee=student, mentor=hosts[0]).exists()
    assert FlashSeat.objects.filter(mentee=student).count() == 2


def test_there_is_nothing_to_schedule_without_people(event: FlashEvent) -> None:
    with pytest.raises(Refusal, match="No mentor hosts a table yet"):
        flash.schedule_request(event=event)
    assert FlashEvent.objects.get().scheduling_requested_at is None


# --- wishes after the event -------------------------------------------------------------------


@pytest.fixture
def met_pair(event: FlashEvent, student: Member, resident: Member) -> FlashEvent:
    flash.volunteer(event=event, member=resident, rounds=[1, 2, 3])
    flash.signup(event=event, member=student, preferences=[resident.pk])
    return flash.schedule_compute(event_id=event.pk)


def test_a_mutual_wish_becomes_a_request_in_the_open_cycle(
    met_pair: FlashEvent, student: Member, resident: Member
) -> None:
    cycle = make_cycle()
    enroll(resident, cycle, "mentor")
    with clock.frozen(after(met_pair)):
        flash.wish_mark(event=met_pair, member=student, other=resident)
        assert not MentorshipRequest.objects.exists()  # a one-sided wish tells nobody
        wish = flash.wish_mark(event=met_pair, member=resident, other=student)
    request = MentorshipRequest.objects.get()
    assert request.mentor_enrollment.member == resident
    assert request.mentee_enrollment.member == student  # enrolled for them as a mentee
    assert request.state == MentorshipRequest.State.PENDING
    assert "waiting for the mentor's answer" in wish.outcome


def test_a_mentor_who_offers_to_start_makes_a_pair_through_the_services(
    met_pair: FlashEvent, student: Member, resident: Member
) -> None:
    cycle = make_cycle()
    enroll(resident, cycle, "mentor", capacity=1)
    with clock.frozen(after(met_pair)):
        flash.wish_mark(event=met_pair, member=resident, other=student, direct=True)
        flash.wish_mark(event=met_pair, member=student, other=resident)
    mentorship = Mentorship.objects.get()
    assert (mentorship.mentee, mentorship.mentor) == (student, resident)
    assert Enrollment.objects.get(member=resident).mentee_count == 1


def test_a_full_mentor_gets_no_pair_and_both_are_told_why(
    met_pair: FlashEvent, student: Member, resident: Member
) -> None:
    cycle = make_cycle()
    enroll(resident, cycle, "mentor", capacity=1, mentee_count=1)
    with clock.frozen(after(met_pair)):
        flash.wish_mark(event=met_pair, member=resident, other=student, direct=True)
        wish = flash.wish_mark(event=met_pair, member=student, other=resident)
    assert not Mentorship.objects.exists() and not MentorshipRequest.objects.exists()
    assert "no capacity left" in wish.outcome
    assert student.notifications.filter(kind="flash_mutual").exists()


def test_wishes_wait_for_the_end_and_name_only_people_met(
    met_pair: FlashEvent, student: Member, resident: Member, outsider: Member
) -> None:
    with pytest.raises(Refusal, match="once the event is over"):
        flash.wish_mark(event=met_pair, member=student, other=resident)
    with clock.frozen(after(met_pair)):
        with pytest.raises(Refusal, match="someone you met"):
            flash.wish_mark(event=met_pair, member=outsider, other=resident)
        flash.wish_mark(event=met_pair, member=student, other=resident)
        with pytest.raises(Refusal, match="already said"):
            flash.wish_mark(event=met_pair, member=student, other=resident)


# --- pages and permissions --------------------------------------------------------------------


def test_a_draft_is_hidden_from_members(
    track1: Program, coordinator: Member, student: Member
) -> None:
    draft = flash.event_save(by=coordinator, program=track1, data=event_data())
    assert client_for(student).get(f"/community/flash/{draft.pk}/").status_code == 404
    assert client_for(coordinator).get(f"/community/flash/{draft.pk}/").status_code == 200


def test_members_outside_the_program_get_404(event: FlashEvent, surgeon: Member) -> None:
    client = client_for(surgeon)
    assert client.get(f"/community/flash/{event.pk}/").status_code == 404
    for tail in ("signup/", "volunteer/", "withdraw/", "open/", "schedule/", "edit/"):
        assert client.post(f"/community/flash/{event.pk}/{tail}").status_code == 404
    assert event.name not in client.get("/community/flash/").content.decode()


def test_only_coordinators_manage_events(
    event: FlashEvent, student: Member, resident: Member
) -> None:
    for member in (student, resident):
        client = client_for(member)
        assert client.get("/community/flash/new/").status_code == 404
        assert client.post(f"/community/flash/{event.pk}/schedule/").status_code == 404
        assert client.get(f"/community/flash/{event.pk}/edit/").status_code == 404


def test_the_schedule_and_invites_are_the_members_own(
    met_pair: FlashEvent, student: Member, resident: Member, outsider: Member
) -> None:
    page = client_for(student).get(f"/community/flash/{met_pair.pk}/").content.decode()
    assert "Your schedule" in page and resident.display_name in page
    ics = client_for(student).get(f"/community/flash/{met_pair.pk}/schedule.ics")
    assert ics.status_code == 200 and ics["Content-Type"] == "text/calendar"
    # Another student of the program sees the event, not others' tables or invites.
    other = client_for(outsider)
    assert (
        resident.display_name not in other.get(f"/community/flash/{met_pair.pk}/").content.decode()
    )
    assert other.get(f"/community/flash/{met_pair.pk}/schedule.ics").status_code == 404
    with clock.frozen(after(met_pair)):
        assert other.post(f"/community/flash/{met_pair.pk}/wish/{resident.pk}/").status_code == 404


def test_signing_up_through_the_page(event: FlashEvent, student: Member, resident: Member) -> None:
    flash.volunteer(event=event, member=resident, rounds=[1, 2])
    client = client_for(student)
    response = client.post(f"/community/flash/{event.pk}/signup/", {"choice_0": str(resident.pk)})
    assert response.status_code == 302
    assert FlashSignup.objects.get(member=student).preferences == [resident.pk]
    response = client.post(
        f"/community/flash/{event.pk}/signup/", {"choice_0": "nonsense"}, follow=True
    )
    assert "Choose mentors from the lists" in response.content.decode()
    assert FlashSignup.objects.get(member=student).preferences == [resident.pk]


def test_the_event_date_is_next_week() -> None:
    assert dt.date.today() < NEXT_WEEK
