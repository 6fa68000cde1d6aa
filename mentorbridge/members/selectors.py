"""Permission-checked reads of members: every view fetches a member through here."""

from __future__ import annotations

from django.http import Http404

from .models import Member, StageChange


def member_for_user(user: object) -> Member:
    """The signed-in user's own Member (created on first use for accounts made outside sign-up)."""
    member, _ = Member.objects.get_or_create(user=user)
    # Keep it on the user, so `request.user.member` later in the request (the navigation's unread
    # count) reads this row instead of loading it again.
    Member.user.field.remote_field.set_cached_value(user, member)  # type: ignore[arg-type]
    return member


def get_member_for_viewer(viewer: Member, pk: int) -> Member:
    """Another member's public profile. Any signed-in member may read it; inactive accounts are hidden."""
    member = (
        Member.objects.with_profile()
        .prefetch_related("interests", "topics_offered", "topics_wanted", "languages")
        .filter(pk=pk, user__is_active=True)
        .first()
    )
    if member is None:
        raise Http404("No such member.")
    return member


def get_pending_stage_change(pk: int) -> StageChange:
    """A stage change still waiting for a decision (coordinators' queue); decided ones are gone."""
    change = (
        StageChange.objects.pending()
        .select_related("member__user", "from_stage", "to_stage")
        .filter(pk=pk)
        .first()
    )
    if change is None:
        raise Http404("No such pending stage change.")
    return change
