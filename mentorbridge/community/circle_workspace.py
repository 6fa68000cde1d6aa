"""A circle's workspace: norms the members confirm, meetings with invites, a message thread and
monthly check-ins. The parts reuse the pair workspace's: its agreement fields and form, its
meeting form, its .ics builder (`mentorships.calendar.meeting_invite`) and its text rules
(`mentorships.text`). Writes refuse with Refusal and change nothing.

The leader writes the norms and sets the meetings (a group does not negotiate a time by
proposals the way a pair does); every member confirms the norms, posts messages and checks in.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F

from mentorbridge.core import clock
from mentorbridge.core.notifications import notify
from mentorbridge.core.refusals import Refusal
from mentorbridge.members.models import Member
from mentorbridge.mentorships.calendar import meeting_invite
from mentorbridge.mentorships.services import local_time
from mentorbridge.mentorships.text import message_body

from .circles import _coordinators
from .models import (
    Circle,
    CircleCheckIn,
    CircleMeeting,
    CircleMessage,
    CircleNorms,
    CircleNormsConfirmation,
)

LOW_RATING = 2


def people(circle: Circle) -> list[Member]:
    """The leader first, then the members in the order they joined."""
    members = [
        s.mentee
        for s in circle.members.filter(active=True).select_related("mentee__user").order_by("pk")
    ]
    return [circle.leader, *members]


def _writable(circle: Circle, by: Member, *, leader: bool = False) -> None:
    if circle.status not in {Circle.Status.OPEN, Circle.Status.CLOSED}:
        raise Refusal("The workspace opens once the coordinators publish the circle.")
    if circle.is_over:
        raise Refusal("This circle's term is over; its workspace is read-only.")
    if leader and by.pk != circle.leader_id:
        raise Refusal("The circle's leader does this.")
    if by.pk != circle.leader_id and not circle.members.filter(mentee=by, active=True).exists():
        raise Refusal("Only the circle's members use its workspace.")


def _tell_others(
    circle: Circle, by: Member, *, kind: str, title: str, anchor: str, **email: Any
) -> None:
    for person in people(circle):
        if person.pk != by.pk:
            notify(
                member=person,
                kind=kind,
                title=title,
                url=circle.get_absolute_url() + anchor,
                **email,
            )


def norms_save(*, circle: Circle, by: Member, data: dict[str, Any]) -> CircleNorms:
    """The leader writes or edits the norms; editing clears everyone's confirmation and the
    leader's save confirms for them."""
    _writable(circle, by, leader=True)
    with transaction.atomic():
        norms, _ = CircleNorms.objects.select_for_update().get_or_create(
            circle=circle, defaults=data
        )
        for name, value in data.items():
            setattr(norms, name, value)
        norms.save()
        norms.confirmations.all().delete()
        CircleNormsConfirmation.objects.create(norms=norms, member=by, confirmed_at=clock.now())
        _tell_others(
            circle,
            by,
            kind="circle_norms",
            title=f"The norms of “{circle.title}” are written: please read and confirm them",
            anchor="#norms",
        )
    return norms


def norms_confirm(*, circle: Circle, by: Member) -> CircleNormsConfirmation:
    _writable(circle, by)
    norms = CircleNorms.objects.filter(circle=circle).first()
    if norms is None:
        raise Refusal("The leader has not written the norms yet.")
    try:
        with transaction.atomic():
            return CircleNormsConfirmation.objects.create(
                norms=norms, member=by, confirmed_at=clock.now()
            )
    except IntegrityError:
        raise Refusal("You have already confirmed the norms.") from None


def invite(meeting: CircleMeeting) -> str:
    circle = meeting.circle
    return meeting_invite(
        uid=str(meeting.uid),
        sequence=meeting.sequence,
        starts_at=meeting.starts_at,
        minutes=meeting.duration_minutes,
        summary=f"Mentoring circle: {circle.title}",
        description=(
            f"{meeting.get_format_display()}, led by {circle.leader.display_name}. "
            f"Circle: {settings.SITE_URL}{circle.get_absolute_url()}"
        ),
        location=meeting.location,
        organizer=circle.leader,
        attendees=people(circle),
        cancelled=meeting.status == CircleMeeting.Status.CANCELLED,
    )


def meeting_schedule(
    *,
    circle: Circle,
    by: Member,
    starts_at: dt.datetime,
    duration_minutes: int,
    format: str,
    location: str = "",
) -> CircleMeeting:
    """The leader sets a meeting; everyone is emailed the invite."""
    _writable(circle, by, leader=True)
    if starts_at <= clock.now():
        raise Refusal("Pick a time in the future.")
    end = dt.datetime.combine(circle.ends_on, dt.time.max, tzinfo=dt.UTC)
    if starts_at > end + dt.timedelta(days=1):
        raise Refusal(f"The circle's term ends on {circle.ends_on:%-d %B %Y}.")
    with transaction.atomic():
        meeting = CircleMeeting.objects.create(
            circle=circle,
            starts_at=starts_at,
            duration_minutes=duration_minutes,
            format=format,
            location=location,
        )
        ics = invite(meeting)
        for person in people(circle):
            notify(
                member=person,
                kind="circle_meeting",
                title=f"Circle meeting “{circle.title}”: {local_time(starts_at, person)}",
                url=circle.get_absolute_url() + "#meetings",
                template="circle_meeting",
                context={
                    "circle": circle,
                    "meeting": meeting,
                    "when": local_time(starts_at, person),
                },
                attachments=[("circle-meeting.ics", ics, "text/calendar")],
            )
    return meeting


def meeting_cancel(*, meeting: CircleMeeting, by: Member) -> CircleMeeting:
    circle = meeting.circle
    _writable(circle, by, leader=True)
    with transaction.atomic():
        if not CircleMeeting.objects.filter(
            pk=meeting.pk, status=CircleMeeting.Status.PLANNED
        ).update(status=CircleMeeting.Status.CANCELLED, sequence=F("sequence") + 1):
            raise Refusal("Only a planned meeting can be cancelled.")
        meeting.refresh_from_db()
        ics = invite(meeting)
        for person in people(circle):
            if person.pk != by.pk:
                notify(
                    member=person,
                    kind="circle_meeting_cancelled",
                    title=f"The circle meeting of {local_time(meeting.starts_at, person)} is cancelled",
                    url=circle.get_absolute_url() + "#meetings",
                    template="circle_meeting",
                    context={
                        "circle": circle,
                        "meeting": meeting,
                        "when": local_time(meeting.starts_at, person),
                        "cancelled": True,
                    },
                    attachments=[("circle-meeting.ics", ics, "text/calendar")],
                )
    return meeting


def meeting_log(
    *, meeting: CircleMeeting, by: Member, held: bool, minutes: int | None
) -> CircleMeeting:
    """The leader records what happened: held (for how long) or not. Held meetings count in the
    leader's mentoring record."""
    circle = meeting.circle
    if by.pk != circle.leader_id:
        raise Refusal("The circle's leader logs its meetings.")
    if meeting.starts_at > clock.now():
        raise Refusal("A meeting can be logged once its time has come.")
    if held and not minutes:
        raise Refusal("Say how long the meeting lasted.")
    new = CircleMeeting.Status.HELD if held else CircleMeeting.Status.MISSED
    if not CircleMeeting.objects.filter(pk=meeting.pk, status=CircleMeeting.Status.PLANNED).update(
        status=new, minutes_held=minutes if held else None
    ):
        raise Refusal("This meeting was already logged or cancelled.")
    meeting.refresh_from_db()
    return meeting


def message_post(*, circle: Circle, by: Member, body: str) -> CircleMessage:
    """A message to the whole circle. The others are told in the app (not by email for each
    message: a group of nine would flood everyone's inbox)."""
    _writable(circle, by)
    try:
        text = message_body(body)
    except Refusal:
        raise
    with transaction.atomic():
        message = CircleMessage.objects.create(
            circle=circle, author=by, body=text, created_at=clock.now()
        )
        _tell_others(
            circle,
            by,
            kind="circle_message",
            title=f"{by.display_name} wrote in “{circle.title}”",
            anchor="#messages",
        )
    return message


def check_in(*, circle: Circle, by: Member, rating: int, comments: str = "") -> CircleCheckIn:
    """A member's monthly word on how the circle goes; a low rating tells the coordinators."""
    _writable(circle, by)
    if not 1 <= rating <= 5:
        raise Refusal("Rate the circle from 1 to 5.")
    month = clock.today().replace(day=1)
    try:
        with transaction.atomic():
            entry = CircleCheckIn.objects.create(
                circle=circle,
                member=by,
                month=month,
                rating=rating,
                comments=comments.replace("\x00", "").strip()[:3000],
                created_at=clock.now(),
            )
            if rating <= LOW_RATING:
                for coordinator in _coordinators():
                    notify(
                        member=coordinator,
                        kind="circle_low_rating",
                        title=f"A member rated the circle “{circle.title}” {rating} of 5",
                        url=circle.get_absolute_url(),
                        template="circle_news",
                        context={"news": "Look in on the circle and its leader."},
                    )
    except IntegrityError:
        raise Refusal(f"You have checked in for {month:%B} already; thank you.") from None
    return entry
