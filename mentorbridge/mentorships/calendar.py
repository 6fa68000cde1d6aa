"""Calendar invites (.ics) for meetings, made with the `icalendar` library."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.conf import settings
from icalendar import Calendar, Event, vCalAddress, vText

from mentorbridge.members.models import Member

from .models import Meeting


def invite(meeting: Meeting) -> str:
    mentorship = meeting.mentorship
    return meeting_invite(
        uid=str(meeting.uid),
        sequence=meeting.sequence,
        starts_at=meeting.starts_at,
        minutes=meeting.duration_minutes,
        summary=(
            f"Mentorship meeting: {mentorship.mentee.display_name} & "
            f"{mentorship.mentor.display_name}"
        ),
        description=(
            f"{meeting.get_format_display()}. Workspace: "
            f"{settings.SITE_URL}{mentorship.get_absolute_url()}"
        ),
        location=meeting.location,
        organizer=meeting.proposed_by,
        attendees=[mentorship.mentee, mentorship.mentor],
        cancelled=meeting.status == Meeting.Status.CANCELLED,
    )


def meeting_invite(
    *,
    uid: str,
    sequence: int,
    starts_at: dt.datetime,
    minutes: int,
    summary: str,
    description: str,
    location: str,
    organizer: Member,
    attendees: Sequence[Member],
    cancelled: bool,
) -> str:
    """One meeting as an iCalendar invite: the pair's meetings and group meetings (mentoring
    circles) alike, so every invite the product sends behaves the same in mail clients."""
    calendar = Calendar()
    calendar.add("prodid", "-//MentorBridge//Mentorship meetings//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if cancelled else "REQUEST")
    event = Event()
    event.add("uid", f"{uid}@mentorbridge")
    event.add("sequence", sequence)
    event.add("dtstamp", dt.datetime.now(dt.UTC))
    event.add("dtstart", starts_at.astimezone(dt.UTC))
    event.add("dtend", (starts_at + dt.timedelta(minutes=minutes)).astimezone(dt.UTC))
    event.add("summary", summary)
    event.add("description", description)
    if location:
        event["location"] = vText(location)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    # METHOD:REQUEST (and CANCEL) is what Gmail, Outlook and Apple Calendar put straight into the
    # calendar and later update or remove by UID and SEQUENCE; RFC 5546 requires an ORGANIZER with
    # it. The organizer is the member who set the time (replies reach a person, not a no-reply
    # box). Everyone already agreed in MentorBridge, so attendees are ACCEPTED with RSVP=FALSE:
    # clients do not ask them to answer again.
    chair = vCalAddress(f"mailto:{organizer.user.email}")
    chair.params["cn"] = vText(organizer.display_name)
    event.add("organizer", chair, encode=False)
    for member in attendees:
        attendee = vCalAddress(f"mailto:{member.user.email}")
        attendee.params["cn"] = vText(member.display_name)
        attendee.params["role"] = "REQ-PARTICIPANT"
        attendee.params["partstat"] = "DECLINED" if cancelled else "ACCEPTED"
        attendee.params["rsvp"] = "FALSE"
        event.add("attendee", attendee, encode=False)
    calendar.add_component(event)
    ical: bytes = calendar.to_ical()
    return ical.decode()
