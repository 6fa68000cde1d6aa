"""Permission-checked reads of mentorships: every workspace view goes through here."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q
from django.http import Http404

from mentorbridge.core.permissions import is_coordinator
from mentorbridge.members.models import Member, PodVisibility

from .models import (
    AtRisk,
    AuditEntry,
    CheckIn,
    Goal,
    Meeting,
    Mentorship,
    Milestone,
    Resource,
)


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
    mentorship = Mentorship.objects.select_related("program", "cycle").filter(pk=pk).first()
    if mentorship is None:
        raise Http404("No such mentorship.")
    is_party = member.pk in (mentorship.mentee_id, mentorship.mentor_id)
    if not is_party and (party_only or not is_coordinator(member.user)):
        raise Http404("No such mentorship.")
    can_write = is_party and mentorship.is_active
    if write and not can_write:
        raise Http404("This workspace is read-only for you.")
    # The pair in a second query: one query joining all eight tables took PostgreSQL 3-5 ms to
    # plan on every workspace request, these two together well under one.
    people = {
        m.pk: m
        for m in Member.objects.select_related("user", "stage", "institution").filter(
            pk__in=(mentorship.mentee_id, mentorship.mentor_id)
        )
    }
    Mentorship.mentee.field.set_cached_value(mentorship, people[mentorship.mentee_id])
    Mentorship.mentor.field.set_cached_value(mentorship, people[mentorship.mentor_id])
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


POD_LENGTH = 5  # student → resident → surgeon, with room for the ladders of later programs


def pod_for(member: Member) -> list[list[Member]]:
    """Ladders through this member (their mentee, them, their mentor and up), when everyone on
    one agreed to appear in pods.

    Only the chain around the member is loaded: their mentees, then their mentor, that mentor's
    mentor and so on (one query a rung, at most four), so the queries do not grow with the
    mentorships on the site. A mentee with two mentors (two programs) climbs through the
    mentorship that started first.
    """
    if not PodVisibility.objects.filter(member=member, visible=True).exists():
        return []
    active = Mentorship.objects.active().select_related("mentee", "mentor")
    below = [m.mentee for m in active.filter(mentor=member)]
    above: list[Member] = []
    node = member
    while len(above) < POD_LENGTH - 1:
        up = active.filter(mentee_id=node.pk).order_by("started_at", "-pk").first()
        if up is None:
            break
        node = up.mentor
        above.append(node)
    ladders = []
    for start in below or [member]:
        ladder = ([start] if start.pk != member.pk else []) + [member]
        ladder += above[: POD_LENGTH - len(ladder)]
        if len(ladder) >= 2:
            ladders.append(ladder)
    people = {p.pk for ladder in ladders for p in ladder}
    visible = set(
        PodVisibility.objects.filter(member_id__in=people, visible=True).values_list(
            "member_id", flat=True
        )
    )
    return [ladder for ladder in ladders if all(p.pk in visible for p in ladder)]


def get_at_risk_for_coordinator(user: object, pk: int) -> AtRisk:
    """An entry of the at-risk list (open or resolved), for a coordinator; 'not found' otherwise."""
    risk = AtRisk.objects.select_related("mentorship").filter(pk=pk).first()
    if risk is None or not is_coordinator(user):
        raise Http404("No such entry.")
    return risk


def get_resource_for_coordinator(user: object, pk: int) -> Resource:
    """A resource of the library, to edit or remove: coordinators only, 'not found' otherwise
    (members see resources as suggestions in their workspace, never by address)."""
    resource = Resource.objects.filter(pk=pk).first()
    if resource is None or not is_coordinator(user):
        raise Http404("No such resource.")
    return resource


def get_goal_for_member(member: Member, pk: int, *, mentorship_pk: int) -> Goal:
    """A goal of the mentorship the address names, for a member of that pair; anyone else's (and
    a goal of another pair) is 'not found'. Coordinators read goals on the workspace page only."""
    goal = (
        Goal.objects.select_related("mentorship")
        .filter(pk=pk, mentorship_id=mentorship_pk)
        .filter(Q(mentorship__mentee=member) | Q(mentorship__mentor=member))
        .first()
    )
    if goal is None:
        raise Http404("No such goal.")
    return goal


def get_milestone_for_member(member: Member, pk: int, *, goal_pk: int) -> Milestone:
    """A milestone of the goal the address names, for a member of the pair; else 'not found'."""
    milestone = (
        Milestone.objects.select_related("goal__mentorship")
        .filter(pk=pk, goal_id=goal_pk)
        .filter(Q(goal__mentorship__mentee=member) | Q(goal__mentorship__mentor=member))
        .first()
    )
    if milestone is None:
        raise Http404("No such milestone.")
    return milestone
