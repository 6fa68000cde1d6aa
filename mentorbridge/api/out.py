"""Model rows → the answer shapes in schemas.py (only what the pages show the caller)."""

from __future__ import annotations

from typing import Any

from mentorbridge.core.models import Notification
from mentorbridge.matching.models import MatchProposal, MatchRun, MentorshipRequest
from mentorbridge.members.models import Institution, Member
from mentorbridge.mentorships.models import Goal, Meeting, Mentorship, Message
from mentorbridge.programs.models import Cycle, Enrollment, Program

from .models import Webhook, WebhookDelivery


def term(obj: Any) -> dict[str, str] | None:
    return {"slug": obj.slug, "name": obj.name} if obj is not None else None


def institution(obj: Institution | None) -> dict[str, Any] | None:
    if obj is None:
        return None
    return {
        "id": obj.pk,
        "name": obj.name,
        "city": obj.city,
        "region": obj.region,
        "country": obj.country,
        "has_ct_program": obj.has_ct_program,
    }


def member_brief(member: Member, *, coordinator: bool = False) -> dict[str, Any]:
    # Another member sees an institution only once it is approved (its name is the proposer's own
    # text until then), as on the profile page; coordinators see it as proposed, as on their pages.
    shown = member.institution if coordinator else member.public_institution
    return {
        "id": member.pk,
        "name": member.display_name,
        "stage": term(member.stage),
        "institution": institution(shown),
    }


def member_row(member: Member) -> dict[str, Any]:
    """A member as the Task Force's member list shows them."""
    return {
        **member_brief(member, coordinator=True),
        "email": member.user.email,
        "is_active": member.user.is_active,
        "roles": member.roles(),
        "membership_category": term(member.membership_category),
    }


def _slugs(manager: Any) -> list[str]:
    return sorted(t.slug for t in manager.all())


def profile(member: Member) -> dict[str, Any]:
    return {
        "id": member.pk,
        "email": member.user.email,
        "full_name": member.full_name,
        "pronouns": member.pronouns,
        "stage": term(member.stage),
        "membership_category": term(member.membership_category),
        "institution": institution(member.institution),
        "home_has_ct_program": member.home_has_ct_program,
        "time_zone": member.time_zone,
        "languages": _slugs(member.languages),
        "interests": _slugs(member.interests),
        "topics_wanted": _slugs(member.topics_wanted),
        "topics_offered": _slugs(member.topics_offered),
        "bio": member.bio,
        "goals": member.goals,
        "meeting_formats": list(member.meeting_formats or []),
        "meeting_frequency": member.meeting_frequency,
        "phone": member.phone,
        "roles": member.roles(),
        "missing": member.missing_fields(),
        "is_coordinator": member.is_coordinator,
    }


def program(obj: Program) -> dict[str, Any]:
    return {
        "id": obj.pk,
        "slug": obj.slug,
        "name": obj.name,
        "description": obj.description,
        "matching_mode": obj.matching_mode,
        "allows_requests": obj.allows_requests,
        "mentee_stages": _slugs(obj.mentee_stages),
        "mentor_stages": _slugs(obj.mentor_stages),
        "response_days": obj.response_days,
        "max_open_requests": obj.max_open_requests,
    }


def cycle(obj: Cycle) -> dict[str, Any]:
    return {
        "id": obj.pk,
        "program": obj.program.slug,
        "name": obj.name,
        "status": obj.status,
        "enrollment_opens": obj.enrollment_opens,
        "enrollment_closes": obj.enrollment_closes,
        "match_date": obj.match_date,
        "term_end": obj.term_end,
        "is_enrolling": obj.is_enrolling(),
    }


def enrollment(obj: Enrollment) -> dict[str, Any]:
    return {
        "id": obj.pk,
        "cycle": obj.cycle_id,
        "program": obj.cycle.program.slug,
        "role": obj.role,
        "status": obj.status,
        "goals": obj.goals,
        "topics": _slugs(obj.topics),
        "capacity": obj.capacity,
        "mentee_count": obj.mentee_count,
        "hours_per_month": obj.hours_per_month,
        "created_at": obj.created_at,
    }


def cycle_enrollment(obj: Enrollment) -> dict[str, Any]:
    """An enrollment as a coordinator sees it in a cycle's list: with its member."""
    return {**enrollment(obj), "member": member_brief(obj.member, coordinator=True)}


def request(obj: MentorshipRequest) -> dict[str, Any]:
    return {
        "id": obj.pk,
        "cycle": obj.cycle_id,
        "program": obj.cycle.program.slug,
        "mentee_enrollment": obj.mentee_enrollment_id,
        "mentor_enrollment": obj.mentor_enrollment_id,
        "mentee": member_brief(obj.mentee_enrollment.member),
        "mentor": member_brief(obj.mentor_enrollment.member),
        "message": obj.message,
        "state": obj.state,
        "decline_reason": obj.decline_reason,
        "created_at": obj.created_at,
        "deadline": obj.deadline,
        "answered_at": obj.answered_at,
        "mentorship": obj.mentorship_id,
    }


def mentorship(obj: Mentorship) -> dict[str, Any]:
    return {
        "id": obj.pk,
        "program": obj.program.slug,
        "cycle": obj.cycle_id,
        "mentee": member_brief(obj.mentee),
        "mentor": member_brief(obj.mentor),
        "status": obj.status,
        "source": obj.source,
        "started_at": obj.started_at,
        "ended_at": obj.ended_at,
        "last_activity_at": obj.last_activity_at,
    }


def meeting(obj: Meeting) -> dict[str, Any]:
    return {
        "id": obj.pk,
        "proposed_by": obj.proposed_by_id,
        "starts_at": obj.starts_at,
        "duration_minutes": obj.duration_minutes,
        "format": obj.format,
        "location": obj.location,
        "status": obj.status,
    }


def message(obj: Message) -> dict[str, Any]:
    return {
        "id": obj.pk,
        "author": obj.author_id,
        "body": obj.body,
        "created_at": obj.created_at,
        "read_at": obj.read_at,
    }


def goal(obj: Goal) -> dict[str, Any]:
    return {
        "id": obj.pk,
        "title": obj.title,
        "description": obj.description,
        "due_date": obj.due_date,
        "status": obj.status,
        "milestones": [
            {"id": m.pk, "title": m.title, "done": m.done} for m in obj.milestones.all()
        ],
    }


def notification(obj: Notification) -> dict[str, Any]:
    return {
        "id": obj.pk,
        "kind": obj.kind,
        "title": obj.title,
        "body": obj.body,
        "url": obj.url,
        "created_at": obj.created_at,
        "read_at": obj.read_at,
    }


def match_run(run: MatchRun) -> dict[str, Any]:
    return {
        "id": run.pk,
        "cycle": run.cycle_id,
        "objective": run.objective,
        "status": run.status,
        "progress": run.progress,
        "progress_note": run.progress_note,
        "seed": run.seed,
        "weights": run.weights,
        "metrics": run.metrics,
        "publish_report": run.publish_report,
        "error": run.error,
        "created_at": run.created_at,
        "finished_at": run.finished_at,
        "published_at": run.published_at,
    }


def proposal(obj: MatchProposal) -> dict[str, Any]:
    return {
        "id": obj.pk,
        "mentee_enrollment": obj.mentee_enrollment_id,
        "mentee": member_brief(obj.mentee_enrollment.member, coordinator=True),
        "mentor_enrollment": obj.mentor_enrollment_id,
        "mentor": member_brief(obj.mentor_enrollment.member, coordinator=True)
        if obj.mentor_enrollment
        else None,
        "score": obj.score,
        "factors": [
            {"factor": str(name), "contribution": float(value)}
            for name, value in (obj.reasons or [])
        ],
        "unmatched_reason": obj.unmatched_reason,
        "locked": obj.locked,
        "edited": obj.edited,
    }


def webhook(hook: Webhook) -> dict[str, Any]:
    return {
        "id": hook.pk,
        "url": hook.url,
        "events": hook.events,
        "is_active": hook.is_active,
        "created_at": hook.created_at,
    }


def delivery(obj: WebhookDelivery) -> dict[str, Any]:
    return {
        "id": obj.pk,
        "event_id": str(obj.event_id),
        "event": obj.event,
        "status": obj.status,
        "attempts": obj.attempts,
        "last_status_code": obj.last_status_code,
        "last_error": obj.last_error,
        "next_attempt_at": obj.next_attempt_at,
        "created_at": obj.created_at,
        "delivered_at": obj.delivered_at,
    }
