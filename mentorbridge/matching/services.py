"""Requests between mentees and mentors; an accepted request starts a mentorship through the
pairing gate (`mentorships.services.mentorship_start`).

The invariants hold in the database, whatever the interleaving of clicks:
- a mentor never exceeds capacity: `mentee_count` only grows by a conditional UPDATE
  (`mentee_count < capacity`), backed by a check constraint;
- a mentee never holds two active mentorships in one program: a partial unique index;
- a request is answered once: its state changes by a conditional UPDATE from `pending`.
"""

from __future__ import annotations

import datetime as dt

from django.core import signing
from django.db import IntegrityError, transaction
from django.urls import reverse

from mentorbridge.core import clock, events
from mentorbridge.core.notifications import notify
from mentorbridge.core.refusals import Refusal
from mentorbridge.members.models import Block, Member
from mentorbridge.mentorships.models import Mentorship
from mentorbridge.mentorships.services import (
    mentee_enrollment_lock,
    mentorship_announce,
    mentorship_start,
)
from mentorbridge.programs.models import Cycle, Enrollment

from .models import MentorshipRequest


def blocked_members(member_id: int) -> set[int]:
    rows = Block.objects.involving(member_id)
    return {b if a == member_id else a for a, b in rows.values_list("blocker_id", "blocked_id")}


def close_other_requests(*, mentorship: Mentorship, keep: int = 0) -> list[MentorshipRequest]:
    """The mentee has a mentor now: their other open requests in the program are closed."""
    others = list(
        MentorshipRequest.objects.pending()
        .filter(
            mentee_enrollment__member_id=mentorship.mentee_id,
            cycle__program_id=mentorship.program_id,
        )
        .exclude(pk=keep)
        .select_related("mentor_enrollment__member__user")
    )
    MentorshipRequest.objects.filter(pk__in=[r.pk for r in others]).update(
        state=MentorshipRequest.State.CLOSED, answered_at=clock.now()
    )
    return others


def requests_closed_announce(*, mentorship: Mentorship, closed: list[MentorshipRequest]) -> None:
    for request in closed:
        notify(
            member=request.mentor_enrollment.member,
            kind="request_closed",
            title=f"{mentorship.mentee.display_name} found a mentor; their request to you is closed",
            url=reverse("matching:requests"),
        )


def request_send(
    *, mentee_enrollment: Enrollment, mentor_enrollment: Enrollment, message: str
) -> MentorshipRequest:
    message = message.strip()
    if not message:
        raise Refusal("Write a short message so the mentor knows why you are asking.")
    if len(message) > 2000:
        raise Refusal("Keep the message under 2,000 characters.")
    with transaction.atomic():
        # Lock the mentee's enrollment so concurrent sends count open requests one at a time.
        mentee_enrollment = (
            Enrollment.objects.select_for_update()
            .select_related("cycle__program", "member")
            .get(pk=mentee_enrollment.pk)
        )
        cycle = mentee_enrollment.cycle
        program = cycle.program
        if mentee_enrollment.role != Enrollment.Role.MENTEE or mentee_enrollment.status != "active":
            raise Refusal("Only an active mentee enrollment can send requests.")
        if cycle.status != Cycle.Status.OPEN:
            raise Refusal(f"{cycle} is closed; requests are no longer possible.")
        if not program.allows_requests:
            raise Refusal(
                f"In {program}, the Task Force matches everyone in a batch; no requests are needed."
            )
        if (
            mentor_enrollment.cycle_id != cycle.pk
            or mentor_enrollment.role != Enrollment.Role.MENTOR
            or mentor_enrollment.status != Enrollment.Status.ACTIVE
        ):
            raise Refusal("That mentor is not taking mentees in this cycle.")
        if mentor_enrollment.member_id == mentee_enrollment.member_id:
            raise Refusal("You cannot send a request to yourself.")
        if Block.objects.between(mentee_enrollment.member_id, mentor_enrollment.member_id).exists():
            raise Refusal("You cannot send a request to this mentor.")
        if mentor_enrollment.remaining_capacity <= 0:
            raise Refusal(f"{mentor_enrollment.member} has no capacity left this cycle.")
        if (
            Mentorship.objects.active()
            .filter(mentee_id=mentee_enrollment.member_id, program=program)
            .exists()
        ):
            raise Refusal(f"You already have a mentor in {program}.")
        open_count = (
            MentorshipRequest.objects.pending().filter(mentee_enrollment=mentee_enrollment).count()
        )
        if open_count >= program.max_open_requests:
            raise Refusal(
                f"You already have {open_count} open requests, the most allowed at once. "
                "Wait for an answer or withdraw one."
            )
        now = clock.now()
        try:
            with transaction.atomic():
                request = MentorshipRequest.objects.create(
                    cycle=cycle,
                    mentee_enrollment=mentee_enrollment,
                    mentor_enrollment=mentor_enrollment,
                    message=message,
                    created_at=now,
                    deadline=now + dt.timedelta(days=program.response_days),
                )
        except IntegrityError:
            raise Refusal("You already have an open request to this mentor.") from None
        mentor = mentor_enrollment.member
        notify(
            member=mentor,
            kind="request_received",
            title=f"{mentee_enrollment.member.display_name} asks you to be their mentor",
            url=reverse("matching:requests"),
            template="request_received",
            context={
                "request": request,
                "mentee": mentee_enrollment.member,
                "accept_url": answer_url(request, "accept"),
                "decline_url": answer_url(request, "decline"),
            },
        )
    return request


def _answerable(request: MentorshipRequest, by: Member) -> None:
    if request.mentor_enrollment.member_id != by.pk:
        raise Refusal("Only the mentor who received this request can answer it.")


def request_accept(*, request: MentorshipRequest, by: Member) -> Mentorship:
    _answerable(request, by)
    with transaction.atomic():
        # Lock order, the same in every path: the mentee's enrollment, then requests, then the
        # mentor's seats. Accepts for one mentee therefore queue instead of deadlocking on the
        # mentee's other requests and the one-active-mentorship index.
        mentee_enrollment_lock(enrollment_id=request.mentee_enrollment_id)
        now = clock.now()
        answered = MentorshipRequest.objects.filter(
            pk=request.pk, state=MentorshipRequest.State.PENDING, deadline__gt=now
        ).update(state=MentorshipRequest.State.ACCEPTED, answered_at=now)
        if answered == 0:
            request.refresh_from_db()
            raise Refusal(not_pending_reason(request, now))
        mentorship = mentorship_start(
            mentee_enrollment=request.mentee_enrollment,
            mentor_enrollment=request.mentor_enrollment,
            source=Mentorship.Source.REQUEST,
        )
        MentorshipRequest.objects.filter(pk=request.pk).update(mentorship=mentorship)
        closed = close_other_requests(mentorship=mentorship, keep=request.pk)
        mentorship_announce(mentorship=mentorship)
        requests_closed_announce(mentorship=mentorship, closed=closed)
        _answered(request, state=MentorshipRequest.State.ACCEPTED, mentorship=mentorship.pk)
    request.refresh_from_db()
    return mentorship


def request_decline(
    *, request: MentorshipRequest, by: Member, reason: str = ""
) -> MentorshipRequest:
    _answerable(request, by)
    reason = reason.strip()[:1000]
    with transaction.atomic():
        now = clock.now()
        # Like accepting, declining ends at the deadline: after it the request expires instead
        # (and the mentee is pointed to other mentors by the expiry job).
        answered = MentorshipRequest.objects.filter(
            pk=request.pk, state=MentorshipRequest.State.PENDING, deadline__gt=now
        ).update(state=MentorshipRequest.State.DECLINED, answered_at=now, decline_reason=reason)
        if answered == 0:
            request.refresh_from_db()
            raise Refusal(not_pending_reason(request, now))
        mentee = request.mentee_enrollment.member
        notify(
            member=mentee,
            kind="request_declined",
            title=f"{request.mentor_enrollment.member.display_name} cannot take you on this cycle",
            url=reverse("matching:find", args=[request.mentee_enrollment_id]),
            template="request_declined",
            context={"request": request, "reason": reason},
        )
        _answered(request, state=MentorshipRequest.State.DECLINED, mentorship=None)
    request.refresh_from_db()
    return request


def _answered(request: MentorshipRequest, *, state: str, mentorship: int | None) -> None:
    events.emit(
        events.REQUEST_ANSWERED,
        {
            "request": request.pk,
            "state": state,
            "cycle": request.cycle_id,
            "mentee": request.mentee_enrollment.member_id,
            "mentor": request.mentor_enrollment.member_id,
            "mentorship": mentorship,
        },
    )


def request_withdraw(*, request: MentorshipRequest, by: Member) -> None:
    if request.mentee_enrollment.member_id != by.pk:
        raise Refusal("Only the mentee who sent this request can withdraw it.")
    updated = MentorshipRequest.objects.filter(
        pk=request.pk, state=MentorshipRequest.State.PENDING
    ).update(state=MentorshipRequest.State.WITHDRAWN, answered_at=clock.now())
    if updated == 0:
        raise Refusal("This request was already answered.")


def requests_expire(*, now: dt.datetime | None = None) -> int:
    """Expire requests past their deadline and point each mentee to the next recommendations.

    Safe to run twice or concurrently: each request changes state once, and only the run that
    changed it sends the notice.
    """
    now = now or clock.now()
    expired = 0
    due = list(
        MentorshipRequest.objects.pending().filter(deadline__lte=now).values_list("pk", flat=True)
    )
    for pk in due:
        with transaction.atomic():
            changed = MentorshipRequest.objects.filter(
                pk=pk, state=MentorshipRequest.State.PENDING
            ).update(state=MentorshipRequest.State.EXPIRED, answered_at=now)
            if not changed:
                continue
            request = MentorshipRequest.objects.select_related(
                "mentee_enrollment__member__user", "mentor_enrollment__member"
            ).get(pk=pk)
            notify(
                member=request.mentee_enrollment.member,
                kind="request_expired",
                title=f"{request.mentor_enrollment.member.display_name} did not answer in time",
                url=reverse("matching:find", args=[request.mentee_enrollment_id]),
                template="request_expired",
                context={"request": request},
            )
            expired += 1
    return expired


def not_pending_reason(request: MentorshipRequest, now: dt.datetime) -> str:
    if request.state == MentorshipRequest.State.PENDING and request.deadline <= now:
        return "This request expired before it was answered."
    return f"This request was already answered ({request.get_state_display().lower()})."


# One-click answers from the email: a signed token naming the request and the action.
_SALT = "mentorbridge.request-answer"


def answer_token(request: MentorshipRequest, action: str) -> str:
    return signing.dumps({"r": request.pk, "a": action}, salt=_SALT, compress=True)


def answer_url(request: MentorshipRequest, action: str) -> str:
    from django.conf import settings

    return settings.SITE_URL + reverse("matching:answer", args=[answer_token(request, action)])


def read_answer_token(token: str, *, max_age: dt.timedelta) -> tuple[int, str]:
    """(request id, action) from a link; raises Refusal for a forged, broken or stale link."""
    try:
        data = signing.loads(token, salt=_SALT, max_age=max_age)
    except signing.SignatureExpired:
        raise Refusal("This link has expired. Open MentorBridge to see the request.") from None
    except signing.BadSignature:
        raise Refusal("This link is not valid. Open MentorBridge to see your requests.") from None
    if (
        not isinstance(data, dict)
        or data.get("a") not in {"accept", "decline"}
        or not isinstance(data.get("r"), int)
    ):
        raise Refusal("This link is not valid. Open MentorBridge to see your requests.")
    return data["r"], data["a"]
