"""Writes in the pair's workspace. Each runs in one transaction and explains every refusal."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from mentorbridge.accounts.models import User
from mentorbridge.core import clock, events
from mentorbridge.core.audit import audit_record
from mentorbridge.core.notifications import notify
from mentorbridge.core.permissions import COORDINATORS_GROUP, is_coordinator
from mentorbridge.core.refusals import Refusal
from mentorbridge.members.models import Block, Member, Topic
from mentorbridge.programs.calendar import calendar_for_student
from mentorbridge.programs.models import CalendarDate, Enrollment

from .forms import ResourceForm
from .models import (
    Agreement,
    AtRisk,
    CheckIn,
    Goal,
    Meeting,
    Mentorship,
    Message,
    Milestone,
    Report,
    Resource,
)
from .text import message_body


def mentorship_start(
    *,
    mentee_enrollment: Enrollment,
    mentor_enrollment: Enrollment,
    source: str,
) -> Mentorship:
    """The pairing gate: the only code that creates a Mentorship row (requests, match runs, and
    whatever pairs people later). Refuses, changing nothing, unless the two are different people,
    neither blocked the other, the mentor has a free seat and the mentee has no active mentorship
    in the program.

    Lock order, the same in every path that pairs people: the mentee's enrollment row, then
    (the caller's) requests, then the mentor's seats. A caller that answers requests locks the
    mentee's enrollment first itself (`mentee_enrollment_lock`); locking it again here is free.
    """
    if mentee_enrollment.member_id == mentor_enrollment.member_id:
        raise Refusal("Nobody can mentor themselves.")
    if (
        mentee_enrollment.cycle_id != mentor_enrollment.cycle_id
        or mentee_enrollment.role != Enrollment.Role.MENTEE
        or mentor_enrollment.role != Enrollment.Role.MENTOR
    ):
        raise Refusal("A mentorship pairs a mentee and a mentor enrolled in the same cycle.")
    with transaction.atomic():
        mentee_enrollment_lock(enrollment_id=mentee_enrollment.pk)
        if Block.objects.between(mentee_enrollment.member_id, mentor_enrollment.member_id).exists():
            raise Refusal(
                f"{mentee_enrollment.member} and {mentor_enrollment.member} cannot be paired: "
                "one of them blocked the other."
            )
        cycle = mentee_enrollment.cycle
        if (
            Mentorship.objects.active()
            .filter(mentee_id=mentee_enrollment.member_id, program_id=cycle.program_id)
            .exists()
        ):
            raise Refusal(
                f"{mentee_enrollment.member} already has an active mentorship in {cycle.program}."
            )
        seats = Enrollment.objects.filter(
            pk=mentor_enrollment.pk,
            status=Enrollment.Status.ACTIVE,
            mentee_count__lt=F("capacity"),
        ).update(mentee_count=F("mentee_count") + 1)
        if seats == 0:
            raise Refusal(f"{mentor_enrollment.member} has no capacity left this cycle.")
        try:
            # The partial unique index is the last word when two paths race past the check above.
            with transaction.atomic():
                mentorship = Mentorship.objects.create(
                    program_id=cycle.program_id,
                    cycle=cycle,
                    mentee_id=mentee_enrollment.member_id,
                    mentor_id=mentor_enrollment.member_id,
                    mentee_enrollment=mentee_enrollment,
                    mentor_enrollment=mentor_enrollment,
                    source=source,
                    started_at=clock.now(),
                )
        except IntegrityError:
            raise Refusal(
                f"{mentee_enrollment.member} already has an active mentorship in {cycle.program}."
            ) from None
        events.emit(
            events.MENTORSHIP_STARTED,
            {
                "mentorship": mentorship.pk,
                "program": cycle.program.slug,
                "cycle": cycle.pk,
                "mentee": mentorship.mentee_id,
                "mentor": mentorship.mentor_id,
                "source": source,
            },
        )
    return mentorship


def mentee_enrollment_lock(*, enrollment_id: int) -> None:
    """Take the first lock of the pairing lock order (see `mentorship_start`)."""
    list(Enrollment.objects.select_for_update().filter(pk=enrollment_id).values_list("pk"))


def mentorship_announce(*, mentorship: Mentorship) -> None:
    """Tell both members they are a pair (after `mentorship_start`, in its transaction)."""
    url = mentorship.get_absolute_url()
    for member, other in (
        (mentorship.mentee, mentorship.mentor),
        (mentorship.mentor, mentorship.mentee),
    ):
        notify(
            member=member,
            kind="mentorship_started",
            title=f"You and {other.display_name} are now a mentorship pair",
            url=url,
            template="pair_started",
            context={
                "mentorship": mentorship,
                "other": other,
                "is_mentee": member == mentorship.mentee,
            },
        )


def _writable(mentorship: Mentorship) -> None:
    if not mentorship.is_active:
        raise Refusal("This mentorship is closed; its workspace is read-only.")


def _touch(mentorship: Mentorship) -> None:
    Mentorship.objects.filter(pk=mentorship.pk).update(last_activity_at=clock.now())


def agreement_save(*, mentorship: Mentorship, by: Member, data: dict[str, Any]) -> Agreement:
    """Create or edit the agreement. Editing clears both confirmations; the editor confirms."""
    _writable(mentorship)
    with transaction.atomic():
        agreement, _ = Agreement.objects.select_for_update().get_or_create(
            mentorship=mentorship, defaults=data
        )
        for name, value in data.items():
            setattr(agreement, name, value)
        now = clock.now()
        agreement.mentee_confirmed_at = now if by.pk == mentorship.mentee_id else None
        agreement.mentor_confirmed_at = now if by.pk == mentorship.mentor_id else None
        agreement.save()
        _touch(mentorship)
        other = mentorship.other_party(by)
        notify(
            member=other,
            kind="agreement",
            title=f"{by.display_name} wrote your mentorship agreement: please read and confirm it",
            url=mentorship.get_absolute_url() + "#agreement",
        )
    return agreement


def agreement_confirm(*, mentorship: Mentorship, by: Member) -> Agreement:
    _writable(mentorship)
    with transaction.atomic():
        agreement = Agreement.objects.select_for_update().filter(mentorship=mentorship).first()
        if agreement is None:
            raise Refusal("There is no agreement to confirm yet.")
        field = "mentee_confirmed_at" if by.pk == mentorship.mentee_id else "mentor_confirmed_at"
        setattr(agreement, field, clock.now())
        agreement.save(update_fields=[field, "updated_at"])
        _touch(mentorship)
    return agreement


def meeting_propose(
    *,
    mentorship: Mentorship,
    by: Member,
    starts_at: dt.datetime,
    duration_minutes: int,
    format: str,
    location: str = "",
) -> Meeting:
    _writable(mentorship)
    if starts_at <= clock.now():
        raise Refusal("Pick a time in the future.")
    with transaction.atomic():
        meeting = Meeting.objects.create(
            mentorship=mentorship,
            proposed_by=by,
            starts_at=starts_at,
            duration_minutes=duration_minutes,
            format=format,
            location=location,
        )
        _touch(mentorship)
        other = mentorship.other_party(by)
        notify(
            member=other,
            kind="meeting_proposed",
            title=f"{by.display_name} proposes a meeting",
            url=mentorship.get_absolute_url() + "#meetings",
            template="mentorship_meeting",
            context={
                "meeting": meeting,
                "proposer": by,
                "when": local_time(meeting.starts_at, other),
            },
        )
    return meeting


def local_time(when: dt.datetime, member: Member) -> str:
    """A time as the member reads it, in their own time zone."""
    import zoneinfo

    try:
        zone = zoneinfo.ZoneInfo(member.time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = zoneinfo.ZoneInfo("UTC")
    local = when.astimezone(zone)
    return f"{local:%A %-d %B %Y, %H:%M} ({local.tzname()}, {member.time_zone.replace('_', ' ')})"


def meeting_answer(*, meeting: Meeting, by: Member, accept: bool) -> Meeting:
    mentorship = meeting.mentorship
    _writable(mentorship)
    if meeting.proposed_by_id == by.pk:
        raise Refusal("The other member answers a proposal; you can cancel yours instead.")
    new = Meeting.Status.ACCEPTED if accept else Meeting.Status.DECLINED
    with transaction.atomic():
        if not Meeting.objects.filter(pk=meeting.pk, status=Meeting.Status.PROPOSED).update(
            status=new, sequence=F("sequence") + 1
        ):
            raise Refusal("This meeting was already answered.")
        meeting.refresh_from_db()
        _touch(mentorship)
        proposer = meeting.proposed_by
        if accept:
            from .calendar import invite

            for member in (mentorship.mentee, mentorship.mentor):
                notify(
                    member=member,
                    kind="meeting_accepted",
                    title="Your meeting is confirmed: the calendar invite is attached",
                    url=mentorship.get_absolute_url() + "#meetings",
                    template="mentorship_meeting_confirmed",
                    context={"meeting": meeting, "when": local_time(meeting.starts_at, member)},
                    attachments=[("meeting.ics", invite(meeting), "text/calendar")],
                )
        else:
            notify(
                member=proposer,
                kind="meeting_declined",
                title=f"{by.display_name} cannot make the proposed time: suggest another",
                url=mentorship.get_absolute_url() + "#meetings",
            )
    return meeting


def meeting_cancel(*, meeting: Meeting, by: Member) -> Meeting:
    _writable(meeting.mentorship)
    with transaction.atomic():
        if not Meeting.objects.filter(
            pk=meeting.pk, status__in=[Meeting.Status.PROPOSED, Meeting.Status.ACCEPTED]
        ).update(status=Meeting.Status.CANCELLED, sequence=F("sequence") + 1):
            raise Refusal("Only a planned meeting can be cancelled.")
        meeting.refresh_from_db()
        notify(
            member=meeting.mentorship.other_party(by),
            kind="meeting_cancelled",
            title=f"{by.display_name} cancelled the meeting of {meeting.starts_at:%-d %B}",
            url=meeting.mentorship.get_absolute_url() + "#meetings",
        )
    return meeting


def meeting_log(
    *,
    meeting: Meeting,
    by: Member,
    held: bool,
    minutes: int | None,
    topics: list[Topic],
    notes: str,
) -> Meeting:
    """Record what happened: held (with duration and topics) or missed."""
    _writable(meeting.mentorship)
    if meeting.starts_at > clock.now():
        raise Refusal("A meeting can be logged once its time has come.")
    if meeting.status not in {Meeting.Status.ACCEPTED, Meeting.Status.PROPOSED}:
        raise Refusal("This meeting was already logged or cancelled.")
    if held and not minutes:
        raise Refusal("Say how long the meeting lasted.")
    with transaction.atomic():
        meeting.status = Meeting.Status.HELD if held else Meeting.Status.MISSED
        meeting.minutes_held = minutes if held else None
        meeting.notes = notes
        meeting.save(update_fields=["status", "minutes_held", "notes"])
        meeting.topics_covered.set(topics if held else [])
        _touch(meeting.mentorship)
    return meeting


def meeting_record_past(
    *,
    mentorship: Mentorship,
    by: Member,
    starts_at: dt.datetime,
    minutes: int,
    format: str,
    topics: list[Topic],
    notes: str = "",
) -> Meeting:
    """Log a meeting that already took place and was never proposed here (a call, a corridor)."""
    _writable(mentorship)
    if starts_at > clock.now():
        raise Refusal("That time is still to come: propose the meeting instead.")
    if starts_at < mentorship.started_at - dt.timedelta(days=1):
        raise Refusal(
            f"That is before your mentorship started ({mentorship.started_at:%-d %B %Y})."
        )
    with transaction.atomic():
        meeting = Meeting.objects.create(
            mentorship=mentorship,
            proposed_by=by,
            starts_at=starts_at,
            duration_minutes=min(max(minutes, 10), 240),
            format=format,
            status=Meeting.Status.HELD,
            minutes_held=minutes,
            notes=notes.strip()[:3000],
        )
        meeting.topics_covered.set(topics)
        _touch(mentorship)
        notify(
            member=mentorship.other_party(by),
            kind="meeting_logged",
            title=f"{by.display_name} logged your meeting of {local_day(starts_at, mentorship.other_party(by))}",
            url=mentorship.get_absolute_url() + "#meetings",
        )
    return meeting


def local_day(when: dt.datetime, member: Member) -> str:
    import zoneinfo

    try:
        zone = zoneinfo.ZoneInfo(member.time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = zoneinfo.ZoneInfo("UTC")
    return f"{when.astimezone(zone):%-d %B}"


def message_post(*, mentorship: Mentorship, by: Member, body: str) -> Message:
    _writable(mentorship)
    body = message_body(body)
    with transaction.atomic():
        message = Message.objects.create(
            mentorship=mentorship, author=by, body=body, created_at=clock.now()
        )
        _touch(mentorship)
    return message


def messages_mark_read(*, mentorship: Mentorship, reader: Member) -> None:
    Message.objects.filter(mentorship=mentorship, read_at__isnull=True).exclude(
        author=reader
    ).update(read_at=clock.now())


def goal_add(
    *,
    mentorship: Mentorship,
    by: Member,
    title: str,
    description: str = "",
    due_date: dt.date | None = None,
    milestones: list[str] | None = None,
) -> Goal:
    _writable(mentorship)
    with transaction.atomic():
        goal = Goal.objects.create(
            mentorship=mentorship, title=title, description=description, due_date=due_date
        )
        Milestone.objects.bulk_create(
            [Milestone(goal=goal, title=m) for m in milestones or [] if m.strip()]
        )
        _touch(mentorship)
    return goal


def goal_set_status(*, goal: Goal, status: str) -> Goal:
    """Conditional on the mentorship still being active when the row is written, so a goal of a
    pair closed meanwhile (another tab, a coordinator) is never changed."""
    if status not in Goal.Status.values:
        raise Refusal("Unknown goal status.")
    with transaction.atomic():
        if not Goal.objects.filter(pk=goal.pk, mentorship__status=Mentorship.Status.ACTIVE).update(
            status=status
        ):
            raise Refusal("This mentorship is closed; its workspace is read-only.")
        _touch(goal.mentorship)
    goal.status = status
    return goal


def milestone_set_done(*, milestone: Milestone, done: bool) -> Milestone:
    """Set (not flip) the state the member asked for: a click in a stale tab repeats the
    intended state instead of undoing the click made in the other tab."""
    with transaction.atomic():
        if not Milestone.objects.filter(
            pk=milestone.pk, goal__mentorship__status=Mentorship.Status.ACTIVE
        ).update(done=done):
            raise Refusal("This mentorship is closed; its workspace is read-only.")
        _touch(milestone.goal.mentorship)
    milestone.done = done
    return milestone


def goals_from_calendar(*, mentorship: Mentorship) -> list[Goal]:
    """Students get the residency application calendar as goals, with the dates of their own
    application year (programs.calendar: the cycle's dates shifted by the mentee's stage)."""
    steps = calendar_for_student(
        cycle=mentorship.cycle, stage=mentorship.mentee.stage, today=clock.today()
    )
    existing = set(mentorship.goals.values_list("calendar_key", flat=True))
    labels = dict(CalendarDate.Key.choices)
    goals = [
        Goal(mentorship=mentorship, title=labels[key], due_date=day, calendar_key=key)
        for key, day in steps.items()
        if key not in existing
    ]
    return Goal.objects.bulk_create(goals)


def mentorship_completes(mentorship: Mentorship, *, today: dt.date | None = None) -> bool:
    """The product's one rule for "completed" (what a mentor's certificate counts): the pair
    reached the cycle's term end with at least one meeting held, or both members confirmed that
    they completed it. No coordinator or admin action is needed."""
    if mentorship.mentee_completed_at and mentorship.mentor_completed_at:
        return True
    return (today or clock.today()) >= mentorship.cycle.term_end and mentorship.meetings.filter(
        status=Meeting.Status.HELD
    ).exists()


def completion_confirm(*, mentorship: Mentorship, by: Member) -> Mentorship:
    """One member says "we completed our mentorship"; when the other has said so too, the
    mentorship closes as completed."""
    _writable(mentorship)
    field = "mentee_completed_at" if by.pk == mentorship.mentee_id else "mentor_completed_at"
    with transaction.atomic():
        Mentorship.objects.filter(pk=mentorship.pk, **{f"{field}__isnull": True}).update(
            **{field: clock.now()}
        )
        mentorship.refresh_from_db()
        if mentorship.mentee_completed_at and mentorship.mentor_completed_at:
            return mentorship_close(
                mentorship=mentorship, by=by, reason="Both members confirmed completion."
            )
        notify(
            member=mentorship.other_party(by),
            kind="completion_asked",
            title=f"{by.display_name} says your mentorship is complete: confirm it in the workspace",
            url=mentorship.get_absolute_url() + "#end-title",
        )
    return mentorship


def completion_withdraw(*, mentorship: Mentorship, by: Member) -> Mentorship:
    _writable(mentorship)
    field = "mentee_completed_at" if by.pk == mentorship.mentee_id else "mentor_completed_at"
    Mentorship.objects.filter(pk=mentorship.pk).update(**{field: None})
    mentorship.refresh_from_db()
    return mentorship


def mentorship_close(
    *,
    mentorship: Mentorship,
    by: Member | None,
    reason: str = "",
    rematch: bool = False,
    at: dt.datetime | None = None,
) -> Mentorship:
    """End a mentorship (no fault). Frees the mentor's seat in the same transaction; whether it
    counts as completed follows `mentorship_completes`, whoever closes it. `at`: the jobs' time."""
    at = at or clock.now()
    with transaction.atomic():
        mentorship.refresh_from_db()
        completed = mentorship_completes(mentorship, today=timezone.localdate(at))
        closed = Mentorship.objects.filter(
            pk=mentorship.pk, status=Mentorship.Status.ACTIVE
        ).update(
            status=Mentorship.Status.CLOSED,
            ended_at=at,
            closed_by=by,
            closure_reason=reason.strip()[:3000],
            rematch_requested=rematch and by is not None and by.pk == mentorship.mentee_id,
            completed=completed,
        )
        if not closed:
            raise Refusal("This mentorship is already closed.")
        Enrollment.objects.filter(pk=mentorship.mentor_enrollment_id, mentee_count__gt=0).update(
            mentee_count=F("mentee_count") - 1
        )
        mentorship.refresh_from_db()
        events.emit(
            events.MENTORSHIP_CLOSED,
            {
                "mentorship": mentorship.pk,
                "cycle": mentorship.cycle_id,
                "mentee": mentorship.mentee_id,
                "mentor": mentorship.mentor_id,
                "closed_by": by.pk if by is not None else None,
                "completed": mentorship.completed,
            },
        )
        if by is not None:
            notify(
                member=mentorship.other_party(by),
                kind="mentorship_closed",
                title=f"{by.display_name} closed your mentorship. Thank you for taking part.",
                url=mentorship.get_absolute_url(),
            )
        if mentorship.rematch_requested:
            _tell_coordinators(
                title=f"{mentorship.mentee.display_name} asks to be matched again in {mentorship.program}",
                url=reverse("dashboard:at_risk"),
            )
    return mentorship


def report_file(*, mentorship: Mentorship, by: Member, text: str, block: bool) -> Report:
    text = text.strip()
    if not text:
        raise Refusal("Tell the coordinators what happened.")
    with transaction.atomic():
        report = Report.objects.create(
            mentorship=mentorship, reporter=by, text=text[:3000], block=block
        )
        if block:
            Block.objects.get_or_create(blocker=by, blocked=mentorship.other_party(by))
        AtRisk.objects.get_or_create(
            mentorship=mentorship,
            reason=AtRisk.Reason.REPORT,
            resolved_at=None,
            defaults={"detail": f"Report by {by.display_name}"},
        )
        _tell_coordinators(
            title=f"Problem reported in the mentorship of {mentorship.mentee.display_name} and {mentorship.mentor.display_name}",
            url=reverse("dashboard:at_risk"),
        )
    return report


def _tell_coordinators(*, title: str, url: str) -> None:
    coordinators = Member.objects.filter(
        user__groups__name=COORDINATORS_GROUP, user__is_active=True
    ).select_related("user")
    for coordinator in coordinators:
        notify(
            member=coordinator,
            kind="coordinator_alert",
            title=title,
            url=url,
            template="mentorship_alert",
            context={"alert": title},
        )


def risk_note(*, risk: AtRisk, note: str, resolve: bool, by: User) -> AtRisk:
    """Append a coordinator's note (and maybe resolve). The row is locked and read again, so two
    coordinators writing at once both keep their note; the note goes in the audit log under `by`
    in the same transaction."""
    if not is_coordinator(by):
        raise Refusal("Coordinators keep the at-risk list.")
    note = note.strip()
    if not note:
        raise Refusal("Write what you did or plan to do.")
    with transaction.atomic():
        risk = AtRisk.objects.select_for_update().get(pk=risk.pk)
        line = f"{clock.now():%Y-%m-%d}: {note[:1000]}"
        risk.action_note = f"{risk.action_note}\n{line}" if risk.action_note else line
        if resolve and risk.resolved_at is None:
            risk.resolved_at = clock.now()
        risk.save(update_fields=["action_note", "resolved_at"])
        audit_record(
            actor=by,
            target=risk,
            message="Resolved with a note" if risk.resolved_at else "Added a note",
        )
    return risk


CHECK_IN_ANSWERS = ("rating", "met", "comments", "recommend", "answers")


def check_in_answer(*, check_in: CheckIn, answers: dict[str, Any]) -> CheckIn:
    """A member's answers to a check-in, recorded once: the UPDATE is conditional on it being
    unanswered, so a second tab is refused instead of overwriting the first answer. A rating of
    1–2 puts the pair on the at-risk list at once, in the same transaction."""
    fields = {name: answers[name] for name in CHECK_IN_ANSWERS if name in answers}
    with transaction.atomic():
        changed = CheckIn.objects.filter(pk=check_in.pk, answered_at__isnull=True).update(
            answered_at=clock.now(), **fields
        )
        if not changed:
            raise Refusal("You already answered this check-in. Thank you!")
        check_in.refresh_from_db()
        if check_in.rating is not None and check_in.rating <= 2:
            AtRisk.objects.get_or_create(
                mentorship=check_in.mentorship,
                reason=AtRisk.Reason.LOW_RATING,
                resolved_at=None,
                defaults={"detail": f"{check_in.member.display_name} rated {check_in.rating}/5"},
            )
    return check_in


def _curator(by: User) -> None:
    if not is_coordinator(by):
        raise Refusal("Coordinators curate the resource library.")


def resource_save(*, form: ResourceForm, by: User) -> Resource:
    """A coordinator adds a resource to the library (a form without an instance) or edits one
    (its topics with it); either is in the audit log."""
    _curator(by)
    adding = form.instance.pk is None
    with transaction.atomic():
        resource: Resource = form.save()
        audit_record(
            actor=by,
            target=resource,
            kind="add" if adding else "change",
            message=f"{'Added' if adding else 'Edited'} resource “{resource.title}”",
        )
    return resource


def resource_remove(*, resource: Resource, by: User) -> None:
    """A coordinator takes a resource out of the library; the audit log keeps that it was there."""
    _curator(by)
    with transaction.atomic():
        audit_record(
            actor=by, target=resource, kind="delete", message=f"Removed resource “{resource.title}”"
        )
        resource.delete()
