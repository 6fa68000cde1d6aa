"""A member's own data: everything about them as JSON, and deletion that keeps the counts.

Deletion removes what identifies the person and what they wrote, and keeps the rows that the
Task Force's figures count (enrollments, pairs, meetings held and their length, check-in ratings,
request states), now attached to an anonymous "Deleted member". docs/dashboard.md lists what is
kept and why. It lives here, in a top room, because it touches every app below.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.db import transaction
from django.db.models import Exists, OuterRef, Q

from mentorbridge.core import clock
from mentorbridge.core.audit import audit_rename
from mentorbridge.core.models import Notification
from mentorbridge.matching.models import MentorshipRequest, Ranking
from mentorbridge.members.models import Block, Member, PrivateIdentity, StageChange
from mentorbridge.mentorships.models import CheckIn, Meeting, Mentorship, Message, Report
from mentorbridge.outcomes.models import Outcome
from mentorbridge.programs.models import Cycle, Enrollment

from .models import Invitation, RosterEntry

DELETED_NAME = "Deleted member"


def _when(value: dt.datetime | dt.date | None) -> str | None:
    return value.isoformat() if value else None


def member_data(member: Member) -> dict[str, Any]:
    """Everything the platform holds about this member, and what they wrote (JSON-ready)."""
    private = PrivateIdentity.objects.filter(member=member).first()
    pairs = list(
        Mentorship.objects.involving(member).select_related("mentee", "mentor", "program", "cycle")
    )
    return {
        "exported_at": _when(clock.now()),
        "account": {"email": member.user.email, "joined": _when(member.user.date_joined)},
        "profile": {
            "full_name": member.full_name,
            "pronouns": member.pronouns,
            "training_stage": str(member.stage or ""),
            "membership_category": str(member.membership_category or ""),
            "institution": member.institution.name if member.institution else "",
            "home_has_ct_program": member.home_has_ct_program,
            "time_zone": member.time_zone,
            "languages": [str(x) for x in member.languages.all()],
            "interests": [str(x) for x in member.interests.all()],
            "topics_wanted": [str(x) for x in member.topics_wanted.all()],
            "topics_offered": [str(x) for x in member.topics_offered.all()],
            "bio": member.bio,
            "goals": member.goals,
            "meeting_formats": member.meeting_formats,
            "meeting_frequency": member.meeting_frequency,
            "phone": member.phone,
        },
        "private_identity": None
        if private is None
        else {
            "consent": private.consent,
            "consent_at": _when(private.consent_at),
            "gender": private.gender,
            "underrepresented_in_medicine": private.underrepresented_in_medicine,
            "first_generation": private.first_generation,
            "international_graduate": private.international_graduate,
        },
        "enrollments": [
            {
                "cycle": str(e.cycle),
                "role": e.role,
                "status": e.status,
                "goals": e.goals,
                "capacity": e.capacity,
                "enrolled_at": _when(e.created_at),
            }
            for e in Enrollment.objects.filter(member=member).select_related("cycle__program")
        ],
        "requests_sent": [
            {
                "to": r.mentor_enrollment.member.display_name,
                "message": r.message,
                "state": r.state,
                "sent_at": _when(r.created_at),
            }
            for r in MentorshipRequest.objects.filter(
                mentee_enrollment__member=member
            ).select_related("mentor_enrollment__member__user")
        ],
        "requests_received": [
            {
                "from": r.mentee_enrollment.member.display_name,
                "state": r.state,
                "decline_reason": r.decline_reason,
            }
            for r in MentorshipRequest.objects.filter(
                mentor_enrollment__member=member
            ).select_related("mentee_enrollment__member__user")
        ],
        "mentorships": [
            {
                "program": str(m.program),
                "cycle": m.cycle.name,
                "role": "mentee" if m.mentee_id == member.pk else "mentor",
                "with": m.other_party(member).display_name,
                "status": m.status,
                "started_at": _when(m.started_at),
                "ended_at": _when(m.ended_at),
                "meetings": [
                    {
                        "starts_at": _when(x.starts_at),
                        "status": x.status,
                        "minutes_held": x.minutes_held,
                        "notes": x.notes,
                    }
                    for x in Meeting.objects.filter(mentorship=m)
                ],
                "messages_written": [
                    {"at": _when(x.created_at), "body": x.body}
                    for x in Message.objects.filter(mentorship=m, author=member)
                ],
            }
            for m in pairs
        ],
        "check_ins": [
            {
                "kind": c.kind,
                "answered_at": _when(c.answered_at),
                "rating": c.rating,
                "met": c.met,
                "recommend": c.recommend,
                "comments": c.comments,
                "answers": c.answers,
            }
            for c in CheckIn.objects.filter(member=member, answered_at__isnull=False)
        ],
        "outcomes": [
            {
                "year": o.year,
                "match": o.match,
                "matched_program": o.matched_program,
                "publications": o.publications,
                "presentations": o.presentations,
                "away_rotations": o.away_rotations,
                "awards": o.awards,
                "leadership_roles": o.leadership_roles,
                "consent": o.consent,
            }
            for o in Outcome.objects.filter(member=member)
        ],
        "stage_changes": [
            {
                "to": str(s.to_stage),
                "source": s.source,
                "status": s.status,
                "at": _when(s.requested_at),
            }
            for s in StageChange.objects.filter(member=member).select_related("to_stage")
        ],
        "notifications": [
            {"at": _when(n.created_at), "title": n.title, "body": n.body}
            for n in Notification.objects.filter(member=member)
        ],
    }


def member_delete(*, member: Member) -> None:
    """Remove the member's personal data and what they wrote; keep what the figures count."""
    with transaction.atomic():
        member = Member.objects.select_for_update().select_related("user").get(pk=member.pk)
        user = member.user
        # Pairs still running end now, and the seat goes back to the mentor.
        for pair in (
            Mentorship.objects.active().involving(member).select_related("mentor_enrollment")
        ):
            _close(pair)
        # Enrollments still waiting for a match leave the pool; those that led to a pair, or
        # belong to a closed cycle, keep their status so past figures do not change.
        Enrollment.objects.filter(member=member).update(goals="")
        Enrollment.objects.filter(member=member).exclude(cycle__status=Cycle.Status.CLOSED).exclude(
            Exists(Mentorship.objects.filter(mentee_enrollment=OuterRef("pk")))
            | Exists(Mentorship.objects.filter(mentor_enrollment=OuterRef("pk")))
        ).update(status=Enrollment.Status.WITHDRAWN)
        Message.objects.filter(author=member).update(body="")
        MentorshipRequest.objects.filter(mentee_enrollment__member=member).update(message="")
        MentorshipRequest.objects.filter(mentor_enrollment__member=member).update(decline_reason="")
        CheckIn.objects.filter(member=member).update(comments="", answers={})
        Meeting.objects.filter(mentorship__in=Mentorship.objects.involving(member)).update(
            notes="", location=""
        )
        Report.objects.filter(reporter=member).update(text="")
        Outcome.objects.filter(member=member, consent=False).delete()
        Outcome.objects.filter(member=member).update(
            matched_program="", awards="", leadership_roles=""
        )
        PrivateIdentity.objects.filter(member=member).delete()
        Ranking.objects.filter(Q(ranker__member=member) | Q(ranked__member=member)).delete()
        Block.objects.filter(Q(blocker=member) | Q(blocked=member)).delete()
        Notification.objects.filter(member=member).delete()
        RosterEntry.objects.filter(member=member).delete()
        Invitation.objects.filter(member=member).delete()
        for relation in ("languages", "interests", "topics_wanted", "topics_offered"):
            getattr(member, relation).clear()
        member.full_name = DELETED_NAME
        member.pronouns = member.bio = member.goals = member.phone = ""
        member.meeting_formats = []
        member.meeting_frequency = ""
        member.save()
        # The audit trail stays (their own downloads, what coordinators did to their data),
        # under the deleted name rather than the one it was written with.
        audit_rename(member, DELETED_NAME)
        EmailAddress.objects.filter(user=user).delete()
        Authenticator.objects.filter(user=user).delete()
        user.email = f"deleted-{user.pk}@deleted.invalid"
        user.first_name = user.last_name = ""
        user.set_unusable_password()
        user.is_active = False
        # An inactive user's sessions no longer authenticate: logged out everywhere.
        user.save()
        audit_rename(user, user.email)


def _close(pair: Mentorship) -> None:
    from django.db.models import F

    now = clock.now()
    Mentorship.objects.filter(pk=pair.pk).update(
        status=Mentorship.Status.CLOSED, ended_at=now, closure_reason="A member deleted their data."
    )
    Enrollment.objects.filter(pk=pair.mentor_enrollment_id, mentee_count__gt=0).update(
        mentee_count=F("mentee_count") - 1
    )
