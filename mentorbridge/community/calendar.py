"""Calendar invites (.ics) for a participant's flash mentoring rounds, made with `icalendar`."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from icalendar import Calendar, Event, vText

from mentorbridge.members.models import Member

from .models import FlashEvent
from .schedule import schedule_for


def schedule_invite(event: FlashEvent, member: Member) -> str:
    """One VEVENT per round the member sits at a table (UIDs stable across reschedules)."""
    calendar = Calendar()
    calendar.add("prodid", "-//MentorBridge//Flash mentoring//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    for row in schedule_for(event, member):
        if not row["people"]:
            continue
        names = ", ".join(p.display_name for p in row["people"])
        item = Event()
        item.add("uid", f"{event.uid}-{member.pk}-{row['round']}@mentorbridge")
        item.add("sequence", event.sequence)
        item.add("dtstamp", dt.datetime.now(dt.UTC))
        item.add("dtstart", row["starts_at"].astimezone(dt.UTC))
        item.add("dtend", row["ends_at"].astimezone(dt.UTC))
        item.add("summary", f"{event.name}, round {row['round']}: {names}")
        item.add(
            "description",
            f"Flash mentoring, {event.round_minutes} minutes. "
            f"Your schedule: {settings.SITE_URL}{event.get_absolute_url()}",
        )
        item["location"] = vText(event.location)
        calendar.add_component(item)
    ical: bytes = calendar.to_ical()
    return ical.decode()
