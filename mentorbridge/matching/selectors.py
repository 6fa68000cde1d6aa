"""Permission-checked reads of requests and match runs."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from mentorbridge.core.permissions import is_coordinator
from mentorbridge.members.models import Member

from .models import MatchProposal, MatchRun, MentorshipRequest


def _requests() -> QuerySet[MentorshipRequest]:
    return MentorshipRequest.objects.select_related(
        "cycle__program",
        "mentee_enrollment__member__user",
        "mentee_enrollment__member__stage",
        "mentee_enrollment__member__institution",
        "mentor_enrollment__member__user",
        "mentor_enrollment__member__stage",
        "mentor_enrollment__member__institution",
    )


def get_request_for_member(member: Member, pk: int) -> MentorshipRequest:
    """A request the member sent or received; anyone else's is 'not found'."""
    request = (
        _requests()
        .filter(pk=pk)
        .filter(Q(mentee_enrollment__member=member) | Q(mentor_enrollment__member=member))
        .first()
    )
    if request is None:
        raise Http404("No such request.")
    return request


def get_request_for_mentor(member: Member, pk: int) -> MentorshipRequest:
    request = _requests().filter(pk=pk, mentor_enrollment__member=member).first()
    if request is None:
        raise Http404("No such request.")
    return request


def get_request_by_id(pk: int) -> MentorshipRequest:
    """For signed email links, where the signature is the permission."""
    request = _requests().filter(pk=pk).first()
    if request is None:
        raise Http404("No such request.")
    return request


def get_run_for_coordinator(user: object, pk: int) -> MatchRun:
    """Any match run, for a coordinator; 'not found' for everybody else."""
    run = MatchRun.objects.select_related("cycle__program", "created_by").filter(pk=pk).first()
    if run is None or not is_coordinator(user):
        raise Http404("No such match run.")
    return run


def get_proposal_for_coordinator(user: object, pk: int, *, run: MatchRun) -> MatchProposal:
    """One proposed pair of `run`, for a coordinator; a pair of another run is 'not found'."""
    proposal = (
        MatchProposal.objects.filter(run=run, pk=pk)
        .select_related("mentee_enrollment__member", "mentor_enrollment__member")
        .first()
    )
    if proposal is None or not is_coordinator(user):
        raise Http404("No such pair in this run.")
    return proposal


def run_publish_summary(run: MatchRun) -> dict[str, int]:
    """What publishing `run` will do, counted, for the page that asks before doing it."""
    proposals = MatchProposal.objects.filter(run=run, mentor_enrollment__isnull=False)
    pairs = proposals.count()
    mentee_ids = proposals.values("mentee_enrollment__member_id")
    return {
        "pairs": pairs,
        # Each new pair's two members get the "you are now a pair" email.
        "emails": 2 * pairs,
        "mentors": proposals.values("mentor_enrollment_id").distinct().count(),
        "unmatched": MatchProposal.objects.filter(run=run, mentor_enrollment__isnull=True).count(),
        # Publishing supersedes the cycle's other unpublished runs (runs.match_run_publish).
        "superseded": MatchRun.objects.filter(cycle_id=run.cycle_id)
        .exclude(pk=run.pk)
        .exclude(status__in=[MatchRun.Status.PUBLISHED, MatchRun.Status.SUPERSEDED])
        .count(),
        "requests_closed": MentorshipRequest.objects.filter(
            state=MentorshipRequest.State.PENDING,
            cycle__program_id=run.cycle.program_id,
            mentee_enrollment__member_id__in=mentee_ids,
        ).count(),
    }
