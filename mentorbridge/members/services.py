"""Profile writes that span several models."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import F

from .forms import InstitutionProposalForm, PrivateIdentityForm, ProfileForm
from .models import Institution, Member, MembershipCategory, TrainingStage


def profile_update(*, profile_form: ProfileForm, identity_form: PrivateIdentityForm) -> Member:
    """Save the public profile and the private answers together, or neither."""
    from mentorbridge.programs.models import Cycle, Enrollment

    with transaction.atomic():
        member: Member = profile_form.save()
        identity = identity_form.save(commit=False)
        identity.member = member
        identity.save()
        # Mentor tables are cached per cycle and read the profile (languages, interests, time
        # zone, private answers...): cycles where this member mentors must rebuild theirs. A
        # rebuild costs each app process about a second at 10,000 mentors, so not on a no-op save.
        if profile_form.has_changed() or identity_form.has_changed():
            Cycle.objects.filter(
                enrollments__member=member, enrollments__role=Enrollment.Role.MENTOR
            ).update(pool_version=F("pool_version") + 1)
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
    return members
