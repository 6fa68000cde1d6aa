"""Permission-checked reads of mentorships: every workspace view goes through here."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import Http404

from mentorbridge.core.permissions import is_coordinator
from mentorbridge.members.models import Member

from .models import AtRisk, AuditEntry, CheckIn, Meeting, Mentorship


@dataclass
class Access:
    mentorship: Mentorship
    member: Member
    is_party: bool
    can_write: bool


def get_mentorship_for_member(
    member: Member, pk: int, *, write: bool = False, party_only: bool = False
) -> Access:
    """The pair may read and (while active) write; coordinators may read, and each view is audited.

    Anyone else gets 404, as does a write by a coordinator or to a closed mentorship, and anything
    but the pair with `party_only` (acts of the pair that also work once it is closed: a report).
    """
    mentorship = (
        Mentorship.objects.select_related(
            "program",
            "cycle",
            "mentee__user",
            "mentee__stage",
            "mentee__institution",
            "mentor__user",
            "mentor__stage",
            "mentor__institution",
        )
        .filter(pk=pk)
        .first()
    )
    if mentorship is None:
        raise Http404("No such mentorship.")
    is_party = member.pk in (mentorship.mentee_id, mentorship.mentor_id)
    if not is_party and (party_only or not is_coordinator(member.user)):
        raise Http404("No such mentorship.")
    can_write = is_party and mentorship.is_active
    if write and not can_write:
        raise Http404("This workspace is read-only for you.")
    if not is_party and not write:
        AuditEntry.objects.create(mentorship=mentorship, viewer=member.user)
    return Access(mentorship=mentorship, member=member, is_party=is_party, can_write=can_write)


def get_meeting_for_member(member: Member, pk: int) -> Meeting:
    meeting = (
        Meeting.objects.select_related(
            "mentorship__mentee__user", "mentorship__mentor__user", "proposed_by"
        )
        .filter(pk=pk)
        .first()
    )
    if meeting is None or member.pk not in (
        meeting.mentorship.mentee_id,
        meeting.mentorship.mentor_id,
    ):
        raise Http404("No such meeting.")
    return meeting


def get_check_in_for_member(member: Member, pk: int) -> CheckIn:
    check_in = (
        CheckIn.objects.select_related("mentorship__program").filter(pk=pk, member=member).first()
    )
    if check_in is None:
        raise Http404("No such check-in.")
    return check_in


def get_at_risk_for_coordinator(user: object, pk: int) -> AtRisk:
    """An entry of the at-risk list (open or resolved), for a coordinator; 'not found' otherwise."""
    risk = AtRisk.objects.select_related("mentorship").filter(pk=pk).first()
    if risk is None or not is_coordinator(user):
        raise Http404("No such entry.")
    return risk
