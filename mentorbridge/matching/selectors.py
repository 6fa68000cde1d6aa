"""Permission-checked reads of requests and match runs."""

from __future__ import annotations

from django.db.models import Q
from django.http import Http404

from mentorbridge.members.models import Member

from .models import MentorshipRequest


def _requests() -> object:
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
        _requests()  # type: ignore[attr-defined]
        .filter(pk=pk)
        .filter(Q(mentee_enrollment__member=member) | Q(mentor_enrollment__member=member))
        .first()
    )
    if request is None:
        raise Http404("No such request.")
    return request


def get_request_for_mentor(member: Member, pk: int) -> MentorshipRequest:
    request = _requests().filter(pk=pk, mentor_enrollment__member=member).first()  # type: ignore[attr-defined]
    if request is None:
        raise Http404("No such request.")
    return request


def get_request_by_id(pk: int) -> MentorshipRequest:
    """For signed email links, where the signature is the permission."""
    request = _requests().filter(pk=pk).first()  # type: ignore[attr-defined]
    if request is None:
        raise Http404("No such request.")
    return request
