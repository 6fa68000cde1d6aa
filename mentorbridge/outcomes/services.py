"""Writes of the outcomes registry, and the yearly survey (sent once per member per year)."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse

from mentorbridge.core import clock
from mentorbridge.core.notifications import notify
from mentorbridge.members.models import Member
from mentorbridge.mentorships.models import Mentorship

from .forms import OutcomeForm
from .models import Outcome, OutcomeSurvey


def outcome_save(*, member: Member, year: int, form: OutcomeForm) -> Outcome:
    with transaction.atomic():
        outcome: Outcome = form.save(commit=False)
        outcome.member = member
        outcome.year = year
        outcome.updated_at = clock.now()
        outcome.save()
    return outcome


def outcome_surveys_send(*, now: dt.datetime | None = None) -> int:
    """Ask every member who has been in a mentorship for this year's outcomes, once a year:
    the survey row is inserted first, and a second run finds it there."""
    now = now or clock.now()
    year = now.year
    people = (
        Member.objects.filter(
            Exists(Mentorship.objects.filter(Q(mentee=OuterRef("pk")) | Q(mentor=OuterRef("pk"))))
        )
        .exclude(outcome_surveys__year=year)
        .select_related("user")
    )
    sent = 0
    for member in people.iterator(chunk_size=1000):
        try:
            with transaction.atomic():
                OutcomeSurvey.objects.create(member=member, year=year, sent_at=now)
                notify(
                    member=member,
                    kind="outcome_survey",
                    title=f"Your {year} outcomes: two minutes for the mentorship program",
                    url=reverse("outcomes:mine"),
                    template="outcome_survey",
                    context={"member": member, "year": year},
                )
        except IntegrityError:  # another run got there first
            continue
        sent += 1
    return sent
