"""Profile writes that span several models."""

from __future__ import annotations

from django.db import transaction
from django.db.models import F

from .forms import InstitutionProposalForm, PrivateIdentityForm, ProfileForm
from .models import Institution, Member


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
