"""Profile writes that span several models."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from mentorbridge.core import clock, events
from mentorbridge.core.models import EmailSettings
from mentorbridge.core.refusals import Refusal

from .forms import InstitutionProposalForm, PrivateIdentityForm, ProfileForm
from .models import (
    Institution,
    Member,
    MembershipCategory,
    PodVisibility,
    StageChange,
    TrainingStage,
    stage_change_needs_verification,
)

VERIFIED_SOURCES = frozenset(
    {StageChange.Source.ROSTER, StageChange.Source.SSO, StageChange.Source.COORDINATOR}
)


def profile_update(*, profile_form: ProfileForm, identity_form: PrivateIdentityForm) -> Member:
    """Save the public profile and the private answers together, or neither.

    The training stage is not simply saved: `stage_change_request` decides whether it applies now
    or waits for a coordinator, and until then the stage in the database (the old one) is kept.
    """
    with transaction.atomic():
        instance: Member = profile_form.instance
        requested: TrainingStage | None = profile_form.cleaned_data.get("stage")
        if requested is not None:
            stage_change_request(member=instance, stage=requested)
        # The form copied the requested stage onto the instance; keep the one that counts.
        instance.stage = Member.objects.select_related("stage").get(pk=instance.pk).stage
        member: Member = profile_form.save()
        identity = identity_form.save(commit=False)
        identity.member = member
        identity.save()
    return member


def institution_propose(*, member: Member, form: InstitutionProposalForm) -> Institution:
    """A member adds a missing institution; it is theirs to use until a coordinator approves it."""
    with transaction.atomic():
        institution: Institution = form.save(commit=False)
        institution.is_approved = False
        institution.proposed_by = member
        institution.save()
        member.institution = institution
        if member.home_has_ct_program is None:
            member.home_has_ct_program = institution.has_ct_program
        member.save(update_fields=["institution", "home_has_ct_program", "updated_at"])
    return institution


def _set_stage(*, member: Member, stage: TrainingStage) -> None:
    member.stage = stage
    member.save(update_fields=["stage", "updated_at"])  # a save: the mentor pools hear of it


def stage_change_request(*, member: Member, stage: TrainingStage) -> StageChange | None:
    """A member declares a stage on their own profile.

    A change that needs verification (see `stage_change_needs_verification`) becomes the member's
    one pending change and the stage stays as it was; any other change applies at once. Choosing
    the current stage again withdraws a pending change. Returns the pending change, if any.
    """
    with transaction.atomic():
        current = (
            Member.objects.select_for_update(of=("self",)).select_related("stage").get(pk=member.pk)
        )
        pending = StageChange.objects.pending().filter(member=current).first()
        now = clock.now()
        if pending is not None and pending.to_stage_id == stage.pk:
            return pending
        if pending is not None:
            pending.status = StageChange.Status.WITHDRAWN
            pending.decided_at = now
            pending.note = "The member asked for another stage."
            pending.save(update_fields=["status", "decided_at", "note"])
        if current.stage_id == stage.pk:
            return None
        if stage_change_needs_verification(current.stage, stage):
            return StageChange.objects.create(
                member=current,
                from_stage=current.stage,
                to_stage=stage,
                source=StageChange.Source.MEMBER,
                requested_at=now,
            )
        StageChange.objects.create(
            member=current,
            from_stage=current.stage,
            to_stage=stage,
            source=StageChange.Source.MEMBER,
            status=StageChange.Status.APPROVED,
            requested_at=now,
            decided_at=now,
            note="Within the member's rung of the ladder: no verification needed.",
        )
        _set_stage(member=current, stage=stage)
        member.stage = stage
        return None


def member_stage_verify(
    *, member: Member, stage: TrainingStage, source: str, by: Member | None = None
) -> StageChange:
    """Set a member's stage from a verified source ("roster", "sso" or "coordinator").

    The stage applies at once. A pending self-declared change for the same stage is approved by
    this source; one for another stage is withdrawn (the verified source wins). `by` is the
    coordinator who ran the import or made the change, None for the society's sign-in. Calling it
    again with the stage already verified changes nothing and returns the earlier record.
    """
    if source not in VERIFIED_SOURCES:
        raise Refusal(
            f"“{source}” is not a verified source of training stages "
            f"(use one of: {', '.join(sorted(VERIFIED_SOURCES))})."
        )
    with transaction.atomic():
        current = (
            Member.objects.select_for_update(of=("self",)).select_related("stage").get(pk=member.pk)
        )
        now = clock.now()
        decided_by = by.user if by is not None else None
        pending = StageChange.objects.select_for_update().pending().filter(member=current).first()
        if pending is not None:
            pending.decided_at = now
            pending.decided_by = decided_by
            if pending.to_stage_id == stage.pk:
                pending.status = StageChange.Status.APPROVED
                pending.note = f"Confirmed by {StageChange.Source(source).label.lower()}."
            else:
                pending.status = StageChange.Status.WITHDRAWN
                pending.note = f"Replaced by {StageChange.Source(source).label.lower()}."
            pending.save(update_fields=["status", "decided_at", "decided_by", "note"])
        latest = (
            StageChange.objects.filter(member=current, status=StageChange.Status.APPROVED)
            .exclude(source=StageChange.Source.MEMBER)
            .order_by("-decided_at", "-pk")
            .first()
        )
        if current.stage_id == stage.pk and latest is not None and latest.to_stage_id == stage.pk:
            return latest
        change = StageChange.objects.create(
            member=current,
            from_stage=current.stage,
            to_stage=stage,
            source=source,
            status=StageChange.Status.APPROVED,
            requested_at=now,
            decided_at=now,
            decided_by=decided_by,
        )
        if current.stage_id != stage.pk:
            _set_stage(member=current, stage=stage)
        member.stage = stage
    return change


def _pending_for_decision(change: StageChange) -> StageChange:
    locked = StageChange.objects.select_for_update().filter(pk=change.pk).first()
    if locked is None or locked.status != StageChange.Status.PENDING:
        raise Refusal("This change was already decided or withdrawn; reload the queue.")
    return locked


def stage_change_approve(*, change: StageChange, by: Member) -> StageChange:
    """A coordinator confirms a member's stage: it applies now, and the member is told."""
    from mentorbridge.core.notifications import notify

    with transaction.atomic():
        member = Member.objects.select_for_update().get(pk=change.member_id)
        locked = _pending_for_decision(change)
        locked.status = StageChange.Status.APPROVED
        locked.decided_at = clock.now()
        locked.decided_by = by.user
        locked.save(update_fields=["status", "decided_at", "decided_by"])
        _set_stage(member=member, stage=locked.to_stage)
        notify(
            member=member,
            kind="stage_change",
            title=f"Your training stage is now {locked.to_stage.name}",
            body="A coordinator confirmed it. Programs and mentors now follow your new stage.",
            url="/members/me/",
        )
    return locked


def stage_change_refuse(*, change: StageChange, by: Member, note: str = "") -> StageChange:
    """A coordinator refuses a stage change: the old stage stays, and the member is told why."""
    from mentorbridge.core.notifications import notify

    with transaction.atomic():
        member = Member.objects.select_for_update().get(pk=change.member_id)
        locked = _pending_for_decision(change)
        locked.status = StageChange.Status.REFUSED
        locked.decided_at = clock.now()
        locked.decided_by = by.user
        locked.note = note.strip()[:500]
        locked.save(update_fields=["status", "decided_at", "decided_by", "note"])
        stage = member.stage.name if member.stage else "no stage"
        notify(
            member=member,
            kind="stage_change",
            title=f"Your change to {locked.to_stage.name} was not confirmed",
            body=(locked.note or "Write to the Task Force if you think this is a mistake.")
            + f" Your profile keeps {stage}.",
            url="/members/me/",
        )
    return locked


@dataclass
class MemberImport:
    """One person from the society's roster, with the profile fields the roster knows."""

    email: str
    full_name: str
    stage: TrainingStage | None
    membership_category: MembershipCategory | None
    institution: Institution | None


def members_import(*, people: list[MemberImport]) -> list[Member]:
    """Create an account (no usable password, email not yet verified) and a profile for each
    person, in bulk and in the caller's transaction: 20,000 people in a few seconds."""
    from allauth.account.models import EmailAddress
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password

    if not people:
        return []
    user_model = get_user_model()
    unusable = make_password(None)
    with transaction.atomic():
        users = user_model.objects.bulk_create(
            [user_model(email=p.email, password=unusable) for p in people], batch_size=2000
        )
        if not all(u.pk for u in users):  # SQLite before 3.35 returns no ids
            by_email = dict(
                user_model.objects.filter(email__in=[p.email for p in people]).values_list(
                    "email", "pk"
                )
            )
            for user, person in zip(users, people, strict=True):
                user.pk = by_email[person.email]
        EmailAddress.objects.bulk_create(
            [
                EmailAddress(user_id=u.pk, email=p.email, verified=False, primary=True)
                for u, p in zip(users, people, strict=True)
            ],
            batch_size=2000,
        )
        members = Member.objects.bulk_create(
            [
                Member(
                    user_id=u.pk,
                    full_name=p.full_name,
                    stage=p.stage,
                    membership_category=p.membership_category,
                    institution=p.institution,
                    home_has_ct_program=p.institution.has_ct_program if p.institution else None,
                )
                for u, p in zip(users, people, strict=True)
            ],
            batch_size=2000,
        )
        events.emit(
            events.MEMBER_IMPORTED,
            {"count": len(members), "members": [m.pk for m in members if m.pk]},
        )
    return members


def members_stage_verify_new(
    *, members: list[Member], stages: list[TrainingStage], source: str, by: Member | None = None
) -> None:
    """`member_stage_verify` for members created a moment ago in the same transaction (roster
    import): they have no earlier stage, no pending change and no mentor pools, so the stage
    and its approved StageChange are written in bulk (20,000 in seconds, not minutes)."""
    if source not in VERIFIED_SOURCES:
        raise Refusal(f"“{source}” is not a verified source of training stages.")
    now = clock.now()
    with transaction.atomic():
        stale = [m for m, s in zip(members, stages, strict=True) if m.stage_id != s.pk]
        for member, stage in zip(members, stages, strict=True):
            member.stage = stage
        Member.objects.bulk_update(stale, ["stage"], batch_size=500)
        StageChange.objects.bulk_create(
            [
                StageChange(
                    member=member,
                    from_stage=None,
                    to_stage=stage,
                    source=source,
                    status=StageChange.Status.APPROVED,
                    requested_at=now,
                    decided_at=now,
                    decided_by=by.user if by is not None else None,
                )
                for member, stage in zip(members, stages, strict=True)
            ],
            batch_size=2000,
        )


def pod_visibility_set(*, member: Member, visible: bool) -> PodVisibility:
    """Whether the member appears in pods (the mentoring ladders shown to the people on them)."""
    with transaction.atomic():
        row, _ = PodVisibility.objects.update_or_create(
            member=member, defaults={"visible": visible}
        )
    return row


def email_settings_save(
    *,
    member: Member,
    meetings: bool,
    messages: bool,
    reminders: bool,
    task_force: bool | None = None,
) -> EmailSettings:
    """Which optional emails the member gets. Task Force alerts are a coordinator's choice only:
    `None` leaves them as they are, and a choice from anyone else is refused."""
    if task_force is not None and not member.is_coordinator:
        raise Refusal("Task Force alerts go to coordinators only.")
    choices = {"meetings": meetings, "messages": messages, "reminders": reminders}
    if task_force is not None:
        choices["task_force"] = task_force
    with transaction.atomic():
        row, _ = EmailSettings.objects.update_or_create(member=member, defaults=choices)
    return row
