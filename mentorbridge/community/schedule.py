"""Reads of a flash event's schedule: a member's rounds, and the people they met."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import models

from mentorbridge.members.models import Member

from .models import FlashEvent, FlashSeat


def schedule_for(event: FlashEvent, member: Member) -> list[dict[str, Any]]:
    """The member's rounds: when, and with whom (a mentee's mentor, or a mentor's mentees)."""
    starts = event.round_starts()
    seats = list(
        FlashSeat.objects.filter(event=event)
        .filter(models.Q(mentee=member) | models.Q(mentor=member))
        .select_related("mentee", "mentor")
        .order_by("round", "pk")
    )
    hosting = next((v for v in event.volunteers.all() if v.member_id == member.pk), None)
    rows = []
    for r in range(1, event.rounds + 1):
        here = [s for s in seats if s.round == r]
        if hosting is not None:
            if r not in hosting.rounds:
                continue
            people = [s.mentee for s in here]
        else:
            people = [s.mentor for s in here]
        rows.append(
            {
                "round": r,
                "starts_at": starts[r - 1],
                "ends_at": starts[r - 1] + dt.timedelta(minutes=event.round_minutes),
                "people": people,
                # A host sees the seats left at their table (a mentee withdrew after scheduling).
                "free": max(event.seats_per_table - len(people), 0) if hosting is not None else 0,
                "preferred": any(s.preferred for s in here) and hosting is None,
            }
        )
    return rows


def met(event: FlashEvent, member: Member) -> list[Member]:
    """Everyone the member sat with at this event."""
    seats = FlashSeat.objects.filter(event=event).filter(
        models.Q(mentee=member) | models.Q(mentor=member)
    )
    ids = {s.mentor_id if s.mentee_id == member.pk else s.mentee_id for s in seats}
    return list(Member.objects.filter(pk__in=ids).order_by("full_name"))
