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
    # METHOD:REQUEST (and CANCEL) is what Gmail, Outlook and Apple Calendar put straight into the
    # calendar and later update or remove by UID and SEQUENCE; RFC 5546 requires an ORGANIZER with
    # it. The organizer is the member who proposed the time (replies reach a person, not a
    # no-reply box). Both already accepted in MentorBridge, so attendees are ACCEPTED with
    # RSVP=FALSE: clients do not ask them to answer again.
    organizer = vCalAddress(f"mailto:{meeting.proposed_by.user.email}")
    organizer.params["cn"] = vText(meeting.proposed_by.display_name)
    event.add("organizer", organizer, encode=False)
    for member in (mentorship.mentee, mentorship.mentor):
        attendee = vCalAddress(f"mailto:{member.user.email}")
        attendee.params["cn"] = vText(member.display_name)
        attendee.params["role"] = "REQ-PARTICIPANT"
        attendee.params["partstat"] = (
            "DECLINED" if meeting.status == Meeting.Status.CANCELLED else "ACCEPTED"
        )
        attendee.params["rsvp"] = "FALSE"
        event.add("attendee", attendee, encode=False)
    calendar.add_component(event)
    return calendar.to_ical().decode()
