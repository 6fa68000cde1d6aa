"""Calendar invites (.ics) for meetings, made with the `icalendar` library."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from icalendar import Calendar, Event, vCalAddress, vText

from .models import Meeting


def invite(meeting: Meeting) -> str:
    mentorship = meeting.mentorship
    calendar = Calendar()
    calendar.add("prodid", "-//MentorBridge//Mentorship meetings//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if meeting.status == Meeting.Status.CANCELLED else "REQUEST")
    event = Event()
    event.add("uid", f"{meeting.uid}@mentorbridge")
    event.add("sequence", meeting.sequence)
    event.add("dtstamp", dt.datetime.now(dt.UTC))
    event.add("dtstart", meeting.starts_at.astimezone(dt.UTC))
    event.add(
        "dtend",
        (meeting.starts_at + dt.timedelta(minutes=meeting.duration_minutes)).astimezone(dt.UTC),
    )
    event.add(
        "summary",
        f"Mentorship meeting: {mentorship.mentee.display_name} & {mentorship.mentor.display_name}",
    )
    event.add(
        "description",
        f"{meeting.get_format_display()}. Workspace: {settings.SITE_URL}{mentorship.get_absolute_url()}",
    )
    if meeting.location:
        event["location"] = vText(meeting.location)
    event.add("status", "CANCELLED" if meeting.status == Meeting.Status.CANCELLED else "CONFIRMED")
    for member in (mentorship.mentee, mentorship.mentor):
        attendee = vCalAddress(f"mailto:{member.user.email}")
        attendee.params["cn"] = vText(member.display_name)
        event.add("attendee", attendee, encode=False)
    calendar.add_component(event)
    return calendar.to_ical().decode()
