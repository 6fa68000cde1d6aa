"""Periodic work that keeps pairs alive: check-ins, nudges, message digests, term ends.

`python manage.py run_mentorship_jobs` runs it all (cron or a systemd timer, docs/operations.md).
Every step may run twice, or be interrupted and run again, and still sends each email once: the
row that records a send (check-in, nudge, message notification) is written in the same transaction
as the notification, and a unique key or a conditional update keeps a second run from writing it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Exists, Min, OuterRef

from mentorbridge.core import clock
from mentorbridge.core.notifications import notify
from mentorbridge.core.refusals import Refusal

from . import services
from .models import AtRisk, CheckIn, Meeting, Mentorship, Message, Nudge

FIRST_CHECK_IN = dt.timedelta(days=30)
CHECK_IN_EVERY = dt.timedelta(days=60)
NO_FIRST_MEETING = dt.timedelta(days=21)
INACTIVE = dt.timedelta(days=45)
DIGEST_EVERY = dt.timedelta(hours=1)


@dataclass
class JobReport:
    check_ins: int = 0
    nudges: int = 0
    at_risk: int = 0
    digests: int = 0
    closed: int = 0


def run_all(now: dt.datetime | None = None) -> JobReport:
    now = now or clock.now()
    report = JobReport()
    report.check_ins = send_check_ins(now)
    report.nudges, report.at_risk = send_nudges(now)
    report.digests = send_message_digests(now)
    report.closed = close_finished_terms(now)
    return report


def _check_in_number(started: dt.datetime, now: dt.datetime) -> int:
    """How many check-ins are due by now: the first at 30 days, then every 60."""
    if now - started < FIRST_CHECK_IN:
        return 0
    return 1 + int((now - started - FIRST_CHECK_IN) / CHECK_IN_EVERY)


def send_check_ins(now: dt.datetime) -> int:
    sent = 0
    for mentorship in Mentorship.objects.active().select_related("mentee__user", "mentor__user"):
        number = _check_in_number(mentorship.started_at, now)
        if number == 0:
            continue
        due = mentorship.started_at + FIRST_CHECK_IN + (number - 1) * CHECK_IN_EVERY
        for member in (mentorship.mentee, mentorship.mentor):
            try:
                with transaction.atomic():
                    check_in = CheckIn.objects.create(
                        mentorship=mentorship, member=member, number=number, due_at=due, sent_at=now
                    )
                    notify(
                        member=member,
                        kind="check_in",
                        title="How is your mentorship going? Two minutes, five questions",
                        url=f"/mentorships/check-ins/{check_in.pk}/",
                        template="mentorship_check_in",
                        context={"mentorship": mentorship, "other": mentorship.other_party(member)},
                    )
                sent += 1
            except IntegrityError:
                continue  # this check-in was sent by an earlier run
    return sent


def send_nudges(now: dt.datetime) -> tuple[int, int]:
    sent = flagged = 0
    held = Meeting.objects.filter(mentorship=OuterRef("pk"), status=Meeting.Status.HELD)
    quiet = Mentorship.objects.active().annotate(has_meeting=Exists(held))
    for mentorship in quiet.filter(has_meeting=False, started_at__lte=now - NO_FIRST_MEETING):
        sent += _nudge(mentorship, Nudge.Kind.NO_FIRST_MEETING, "first", now)
    for mentorship in quiet.filter(last_activity_at__lte=now - INACTIVE):
        # One reminder per stretch of silence: the stretch is named by when it began.
        period = f"{mentorship.last_activity_at:%Y%m%d%H%M}"
        sent += _nudge(mentorship, Nudge.Kind.INACTIVE, period, now)
        _, created = AtRisk.objects.get_or_create(
            mentorship=mentorship,
            reason=AtRisk.Reason.INACTIVE,
            resolved_at=None,
            defaults={"detail": f"Last activity {mentorship.last_activity_at:%-d %b %Y}"},
        )
        flagged += int(created)
    return sent, flagged


def _nudge(mentorship: Mentorship, kind: str, period: str, now: dt.datetime) -> int:
    try:
        with transaction.atomic():
            Nudge.objects.create(mentorship=mentorship, kind=kind, period=period, sent_at=now)
            for member in (mentorship.mentee, mentorship.mentor):
                other = mentorship.other_party(member)
                notify(
                    member=member,
                    kind=f"nudge_{kind}",
                    title=(
                        f"Time for a first meeting with {other.display_name}?"
                        if kind == Nudge.Kind.NO_FIRST_MEETING
                        else f"It has been a while since you and {other.display_name} were in touch"
                    ),
                    url=mentorship.get_absolute_url() + "#meetings",
                    template="mentorship_nudge",
                    context={"mentorship": mentorship, "other": other, "kind": kind},
                )
        return 2
    except IntegrityError:
        return 0


def send_message_digests(now: dt.datetime) -> int:
    """One email per reader and mentorship for unread messages, at most once an hour."""
    sent = 0
    pending = (
        Message.objects.filter(read_at__isnull=True, notified_at__isnull=True)
        .values("mentorship_id", "author_id")
        .annotate(first=Min("created_at"))
    )
    for row in pending:
        mentorship = Mentorship.objects.select_related("mentee__user", "mentor__user").get(
            pk=row["mentorship_id"]
        )
        reader = (
            mentorship.mentor if row["author_id"] == mentorship.mentee_id else mentorship.mentee
        )
        last = (
            Message.objects.filter(mentorship=mentorship, notified_at__isnull=False)
            .exclude(author=reader)
            .order_by("-notified_at")
            .values_list("notified_at", flat=True)
            .first()
        )
        if last is not None and now - last < DIGEST_EVERY:
            continue
        with transaction.atomic():
            count = (
                Message.objects.filter(
                    mentorship=mentorship, read_at__isnull=True, notified_at__isnull=True
                )
                .exclude(author=reader)
                .update(notified_at=now)
            )
            if count:
                author = mentorship.other_party(reader)
                notify(
                    member=reader,
                    kind="messages",
                    title=f"{count} new message{'s' if count != 1 else ''} from {author.display_name}",
                    url=mentorship.get_absolute_url() + "#messages",
                    template="mentorship_messages",
                    context={"count": count, "author": author, "mentorship": mentorship},
                )
                sent += 1
    return sent


def close_finished_terms(now: dt.datetime) -> int:
    closed = 0
    for mentorship in Mentorship.objects.active().filter(cycle__term_end__lt=now.date()):
        try:
            services.mentorship_close(mentorship=mentorship, by=None, at=now)
        except Refusal:
            continue  # closed meanwhile
        for member in (mentorship.mentee, mentorship.mentor):
            with transaction.atomic():
                try:
                    check_in = CheckIn.objects.create(
                        mentorship=mentorship,
                        member=member,
                        kind=CheckIn.Kind.FINAL,
                        number=1,
                        due_at=now,
                        sent_at=now,
                    )
                except IntegrityError:
                    continue
                notify(
                    member=member,
                    kind="final_evaluation",
                    title="Your mentorship term has ended: tell us how it went",
                    url=f"/mentorships/check-ins/{check_in.pk}/",
                    template="mentorship_check_in",
                    context={
                        "mentorship": mentorship,
                        "other": mentorship.other_party(member),
                        "final": True,
                    },
                )
        closed += 1
    return closed


def low_rating(check_in: CheckIn) -> None:
    """A check-in rated 1–2 puts the pair on the at-risk list at once."""
    if check_in.rating is not None and check_in.rating <= 2:
        AtRisk.objects.get_or_create(
            mentorship=check_in.mentorship,
            reason=AtRisk.Reason.LOW_RATING,
            resolved_at=None,
            defaults={"detail": f"{check_in.member.display_name} rated {check_in.rating}/5"},
        )
