"""Requests between mentees and mentors, the caller's mentorships (meetings, messages, goals) and
notifications. Every object comes through the same permission-checked fetch as its page."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

from django.db.models import Q
from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Router

# `Query(default, ge=...)` as a default: the function ninja.Query calls (ninja.Query itself is,
# to mypy, the generic alias `Query[T]`, and calling it without a parameter is an error).
from ninja.params.functions import Query

from mentorbridge.core.notifications import notifications_mark_read
from mentorbridge.core.selectors import get_notification_for_user, notifications_for_user
from mentorbridge.matching import services as matching_services
from mentorbridge.matching.forms import DeclineForm, RequestForm
from mentorbridge.matching.models import MentorshipRequest
from mentorbridge.matching.selectors import get_request_for_member, get_request_for_mentor
from mentorbridge.mentorships import services as workspace
from mentorbridge.mentorships.forms import GoalForm, MeetingForm, MessageForm
from mentorbridge.mentorships.models import Mentorship
from mentorbridge.mentorships.selectors import get_mentorship_for_member
from mentorbridge.programs.models import Enrollment
from mentorbridge.programs.selectors import get_enrollment_for_member

from .. import out
from ..auth import READ, WRITE, caller
from ..bridge import validated
from ..pagination import DEFAULT_LIMIT, Page, page_of
from ..schemas import (
    DeclineIn,
    Done,
    GoalIn,
    GoalOut,
    MeetingIn,
    MeetingOut,
    MentorshipOut,
    MessageIn,
    MessageOut,
    NotificationOut,
    RequestIn,
    RequestOut,
)
from .members import ERRORS, WRITE_ERRORS

router = Router(tags=["requests and mentorships"])

_REQUEST_RELATED = (
    "cycle__program",
    "mentee_enrollment__member__user",
    "mentee_enrollment__member__stage",
    "mentee_enrollment__member__institution",
    "mentor_enrollment__member__user",
    "mentor_enrollment__member__stage",
    "mentor_enrollment__member__institution",
)


@router.get("/requests", response={200: Page[RequestOut], **ERRORS}, auth=READ)
def requests(
    request: HttpRequest,
    box: str = Query("all", pattern="^(all|sent|received)$"),
    state: str | None = Query(
        None, pattern="^(pending|accepted|declined|expired|withdrawn|closed)$"
    ),
    cursor: str | None = None,
    limit: int = Query(DEFAULT_LIMIT, ge=1, le=100),
) -> Any:
    """Requests you sent (as mentee) or received (as mentor)."""
    member = caller(request).member
    mine = {
        "all": Q(mentee_enrollment__member=member) | Q(mentor_enrollment__member=member),
        "sent": Q(mentee_enrollment__member=member),
        "received": Q(mentor_enrollment__member=member),
    }[box]
    qs = MentorshipRequest.objects.select_related(*_REQUEST_RELATED).filter(mine)
    if state:
        qs = qs.filter(state=state)
    return page_of(qs, out.request, cursor=cursor, limit=limit)


@router.post(
    "/requests",
    response={201: RequestOut, **WRITE_ERRORS},
    auth=WRITE,
    summary="Ask a mentor (from one of your mentee enrollments)",
)
def request_send(request: HttpRequest, payload: RequestIn) -> Any:
    member = caller(request).member
    mentee_enrollment = get_enrollment_for_member(member, payload.mentee_enrollment)
    if mentee_enrollment.role != Enrollment.Role.MENTEE:
        raise Http404("Not a mentee enrollment.")
    # The same lookup as the request page: a mentor of the same cycle.
    mentor_enrollment = (
        Enrollment.objects.select_related("member__user")
        .filter(
            pk=payload.mentor_enrollment,
            cycle_id=mentee_enrollment.cycle_id,
            role=Enrollment.Role.MENTOR,
        )
        .first()
    )
    if mentor_enrollment is None:
        raise Http404("No such mentor in this cycle.")
    data = validated(RequestForm({"message": payload.message}))
    sent = matching_services.request_send(
        mentee_enrollment=mentee_enrollment,
        mentor_enrollment=mentor_enrollment,
        message=data["message"],
    )
    return 201, out.request(get_request_for_member(member, sent.pk))


@router.get("/requests/{request_id}", response={200: RequestOut, **ERRORS}, auth=READ)
def request_detail(request: HttpRequest, request_id: int) -> Any:
    return out.request(get_request_for_member(caller(request).member, request_id))


@router.post(
    "/requests/{request_id}/accept",
    response={200: MentorshipOut, **WRITE_ERRORS},
    auth=WRITE,
    summary="Accept a request you received: the mentorship starts",
)
def request_accept(request: HttpRequest, request_id: int) -> Any:
    member = caller(request).member
    found = get_request_for_mentor(member, request_id)
    mentorship = matching_services.request_accept(request=found, by=member)
    return out.mentorship(get_mentorship_for_member(member, mentorship.pk).mentorship)


@router.post(
    "/requests/{request_id}/decline",
    response={200: RequestOut, **WRITE_ERRORS},
    auth=WRITE,
)
def request_decline(request: HttpRequest, request_id: int, payload: DeclineIn) -> Any:
    member = caller(request).member
    found = get_request_for_mentor(member, request_id)
    data = validated(DeclineForm({"reason": payload.reason}))
    matching_services.request_decline(request=found, by=member, reason=data["reason"])
    return out.request(get_request_for_member(member, found.pk))


@router.post(
    "/requests/{request_id}/withdraw",
    response={200: RequestOut, **WRITE_ERRORS},
    auth=WRITE,
)
def request_withdraw(request: HttpRequest, request_id: int) -> Any:
    member = caller(request).member
    found = get_request_for_member(member, request_id)
    matching_services.request_withdraw(request=found, by=member)
    return out.request(get_request_for_member(member, found.pk))


@router.get(
    "/mentorships",
    response={200: Page[MentorshipOut], **ERRORS},
    auth=READ,
    summary="Mentorships you are in, as mentee or mentor",
)
def mentorships(
    request: HttpRequest,
    status: str | None = Query(None, pattern="^(active|closed)$"),
    role: str | None = Query(None, pattern="^(mentee|mentor)$"),
    cursor: str | None = None,
    limit: int = Query(DEFAULT_LIMIT, ge=1, le=100),
) -> Any:
    member = caller(request).member
    qs = Mentorship.objects.involving(member).select_related(
        "program",
        "mentee__user",
        "mentee__stage",
        "mentee__institution",
        "mentor__user",
        "mentor__stage",
        "mentor__institution",
    )
    if status:
        qs = qs.filter(status=status)
    if role:
        qs = qs.filter(**{role: member})
    return page_of(qs, out.mentorship, cursor=cursor, limit=limit)


def _party(request: HttpRequest, mentorship_id: int, *, write: bool = False) -> Mentorship:
    """The workspace of a pair the caller is in. Coordinators read workspaces on the pages (audited);
    the API is for the pair's own tools, so everyone else gets 404 here."""
    member = caller(request).member
    # Only the pair's own ids reach the selector, which would otherwise audit a coordinator's read.
    if not Mentorship.objects.involving(member).filter(pk=mentorship_id).exists():
        raise Http404("No such mentorship.")
    access = get_mentorship_for_member(member, mentorship_id, write=write)
    if not access.is_party:
        raise Http404("No such mentorship.")
    return access.mentorship


@router.get("/mentorships/{mentorship_id}", response={200: MentorshipOut, **ERRORS}, auth=READ)
def mentorship(request: HttpRequest, mentorship_id: int) -> Any:
    return out.mentorship(_party(request, mentorship_id))


@router.get(
    "/mentorships/{mentorship_id}/meetings",
    response={200: Page[MeetingOut], **ERRORS},
    auth=READ,
)
def meetings(
    request: HttpRequest,
    mentorship_id: int,
    status: str | None = Query(
        None, pattern="^(proposed|accepted|declined|cancelled|held|missed)$"
    ),
    cursor: str | None = None,
    limit: int = Query(DEFAULT_LIMIT, ge=1, le=100),
) -> Any:
    qs = _party(request, mentorship_id).meetings.all()
    if status:
        qs = qs.filter(status=status)
    return page_of(qs, out.meeting, cursor=cursor, limit=limit)


@router.post(
    "/mentorships/{mentorship_id}/meetings",
    response={201: MeetingOut, **WRITE_ERRORS},
    auth=WRITE,
    summary="Propose a meeting; your partner is asked to accept it",
)
def meeting_create(request: HttpRequest, mentorship_id: int, payload: MeetingIn) -> Any:
    mentorship = _party(request, mentorship_id, write=True)
    member = caller(request).member
    # The meeting form reads a wall-clock time in the member's zone (as the page's picker sends).
    starts_at = payload.starts_at
    if timezone.is_aware(starts_at):
        try:
            zone = zoneinfo.ZoneInfo(member.time_zone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            zone = zoneinfo.ZoneInfo("UTC")
        starts_at = starts_at.astimezone(zone).replace(tzinfo=None)
    form = MeetingForm(
        {
            "starts_at": starts_at.strftime("%Y-%m-%dT%H:%M"),
            "duration_minutes": payload.duration_minutes,
            "format": payload.format,
            "location": payload.location,
        },
        member=member,
    )
    meeting = workspace.meeting_propose(mentorship=mentorship, by=member, **validated(form))
    return 201, out.meeting(meeting)


@router.get(
    "/mentorships/{mentorship_id}/messages",
    response={200: Page[MessageOut], **ERRORS},
    auth=READ,
    summary="Messages, newest first",
)
def messages(
    request: HttpRequest,
    mentorship_id: int,
    since: dt.datetime | None = Query(None, description="Only messages after this time."),
    cursor: str | None = None,
    limit: int = Query(DEFAULT_LIMIT, ge=1, le=100),
) -> Any:
    qs = _party(request, mentorship_id).messages.all()
    if since is not None:
        if timezone.is_naive(since):
            since = timezone.make_aware(since, dt.UTC)
        qs = qs.filter(created_at__gt=since)
    return page_of(qs, out.message, cursor=cursor, limit=limit)


@router.post(
    "/mentorships/{mentorship_id}/messages",
    response={201: MessageOut, **WRITE_ERRORS},
    auth=WRITE,
)
def message_create(request: HttpRequest, mentorship_id: int, payload: MessageIn) -> Any:
    mentorship = _party(request, mentorship_id, write=True)
    data = validated(MessageForm({"body": payload.body}))
    message = workspace.message_post(
        mentorship=mentorship, by=caller(request).member, body=data["body"]
    )
    return 201, out.message(message)


@router.get(
    "/mentorships/{mentorship_id}/goals",
    response={200: Page[GoalOut], **ERRORS},
    auth=READ,
)
def goals(
    request: HttpRequest,
    mentorship_id: int,
    status: str | None = Query(None, pattern="^(not_started|in_progress|done)$"),
    cursor: str | None = None,
    limit: int = Query(DEFAULT_LIMIT, ge=1, le=100),
) -> Any:
    qs = _party(request, mentorship_id).goals.prefetch_related("milestones")
    if status:
        qs = qs.filter(status=status)
    return page_of(qs, out.goal, cursor=cursor, limit=limit, newest_first=False)


@router.post(
    "/mentorships/{mentorship_id}/goals",
    response={201: GoalOut, **WRITE_ERRORS},
    auth=WRITE,
)
def goal_create(request: HttpRequest, mentorship_id: int, payload: GoalIn) -> Any:
    mentorship = _party(request, mentorship_id, write=True)
    form = GoalForm(
        {
            "title": payload.title,
            "description": payload.description,
            "due_date": payload.due_date.isoformat() if payload.due_date else "",
            "milestones": "\n".join(payload.milestones),
        }
    )
    data = validated(form)
    goal = workspace.goal_add(
        mentorship=mentorship,
        by=caller(request).member,
        title=data["title"],
        description=data["description"],
        due_date=data["due_date"],
        milestones=data["milestones"],
    )
    return 201, out.goal(goal)


@router.get(
    "/notifications",
    response={200: Page[NotificationOut], **ERRORS},
    auth=READ,
    tags=["notifications"],
)
def notifications(
    request: HttpRequest,
    unread: bool | None = None,
    kind: str | None = Query(None, max_length=40),
    cursor: str | None = None,
    limit: int = Query(DEFAULT_LIMIT, ge=1, le=100),
) -> Any:
    qs = notifications_for_user(caller(request).user)
    if unread is not None:
        qs = qs.filter(read_at__isnull=unread)
    if kind:
        qs = qs.filter(kind=kind)
    return page_of(qs, out.notification, cursor=cursor, limit=limit)


@router.post(
    "/notifications/{notification_id}/read",
    response={200: NotificationOut, **WRITE_ERRORS},
    auth=WRITE,
    tags=["notifications"],
)
def notification_read(request: HttpRequest, notification_id: int) -> Any:
    user = caller(request).user
    found = get_notification_for_user(user, notification_id)
    notifications_mark_read(user=user, notification=found)
    found.refresh_from_db()
    return out.notification(found)


@router.post(
    "/notifications/read",
    response={200: Done, **WRITE_ERRORS},
    auth=WRITE,
    tags=["notifications"],
    summary="Mark all your notifications read",
)
def notifications_read(request: HttpRequest) -> Any:
    count = notifications_mark_read(user=caller(request).user)
    return {"detail": f"{count} marked read."}
