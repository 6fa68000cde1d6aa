"""Members and what describes them: institutions and the taxonomies (stages, interests, topics, ...).

Taxonomies are rows, not code, so the Task Force can edit them in the admin without a release.
"""

from __future__ import annotations

import zoneinfo
from functools import cache
from typing import ClassVar, Self, TypeVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone

from mentorbridge.core.permissions import is_coordinator


@cache
def time_zone_names() -> tuple[str, ...]:
    return tuple(sorted(zoneinfo.available_timezones() - {"localtime", "Factory"}))


def validate_time_zone(value: str) -> None:
    if value not in time_zone_names():
        raise ValidationError(f"“{value}” is not a time zone we know. Pick one from the list.")


_T = TypeVar("_T", bound="Taxonomy")


class TaxonomyQuerySet(models.QuerySet[_T]):
    def active(self) -> Self:
        return self.filter(is_active=True)


class Taxonomy(models.Model):
    """A named term from a list the admins edit (slug is stable; name and order may change)."""

    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=60, unique=True)
    order = models.PositiveSmallIntegerField(default=0, help_text="Position in lists.")
    is_active = models.BooleanField(default=True, help_text="Inactive terms are hidden from forms.")

    objects = TaxonomyQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering: ClassVar = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class TrainingStage(Taxonomy):
    """A rung on the training ladder, from MS1 to retired surgeon."""

    class Kind(models.TextChoices):
        STUDENT = "student", "Medical student"
        RESIDENT = "resident", "Resident"
        FELLOW = "fellow", "Fellow"
        SURGEON = "surgeon", "Surgeon"
        RETIRED = "retired", "Retired"

    kind = models.CharField(max_length=20, choices=Kind.choices)

    class Meta(Taxonomy.Meta):
        verbose_name = "training stage"

    @property
    def is_trainee(self) -> bool:
        return self.kind in {self.Kind.RESIDENT, self.Kind.FELLOW}


class Interest(Taxonomy):
    """A subspecialty interest (adult cardiac, congenital, ...)."""

    class Meta(Taxonomy.Meta):
        verbose_name = "subspecialty interest"


class Topic(Taxonomy):
    """A guidance topic a mentee wants or a mentor offers (interview process, ...)."""

    class Meta(Taxonomy.Meta):
        verbose_name = "guidance topic"


class Language(Taxonomy):
    class Meta(Taxonomy.Meta):
        pass


class MembershipCategory(Taxonomy):
    """The society's membership category (medical student member, resident member, ...)."""

    class Meta(Taxonomy.Meta):
        verbose_name = "membership category"
        verbose_name_plural = "membership categories"


class InstitutionQuerySet(models.QuerySet["Institution"]):
    def visible_to(self, member: Member | None) -> InstitutionQuerySet:
        """Approved institutions, plus those this member proposed and is waiting on."""
        query = models.Q(is_approved=True)
        if member is not None and member.pk:
            query |= models.Q(proposed_by=member)
        return self.filter(query)

    def search(self, text: str) -> InstitutionQuerySet:
        qs = self
        for word in text.split()[:6]:
            qs = qs.filter(
                models.Q(name__icontains=word)
                | models.Q(city__icontains=word)
                | models.Q(region__icontains=word)
                | models.Q(country__icontains=word)
            )
        return qs


class Institution(models.Model):
    """A medical school, hospital or training program."""

    name = models.CharField(max_length=200)
    city = models.CharField(max_length=100)
    region = models.CharField("state or region", max_length=100, blank=True)
    country = models.CharField(max_length=100, default="United States")
    has_ct_program = models.BooleanField(
        "has a cardiothoracic surgery program",
        default=False,
        help_text="A CT residency/fellowship or CT surgery department on site.",
    )
    is_approved = models.BooleanField(
        default=True, help_text="Proposed institutions wait for a coordinator's approval."
    )
    proposed_by = models.ForeignKey(
        "Member",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="proposed_institutions",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = InstitutionQuerySet.as_manager()

    class Meta:
        ordering: ClassVar = ["name"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["name", "city", "country"], name="institution_unique_name_place"
            )
        ]

    def __str__(self) -> str:
        place = ", ".join(p for p in (self.city, self.region) if p)
        suffix = "" if self.is_approved else " (awaiting approval)"
        return f"{self.name} — {place}{suffix}"


class MeetingFormat(models.TextChoices):
    VIDEO = "video", "Video call"
    PHONE = "phone", "Phone"
    IN_PERSON = "in_person", "In person"


class MeetingFrequency(models.TextChoices):
    WEEKLY = "weekly", "Every week"
    BIWEEKLY = "biweekly", "Every two weeks"
    MONTHLY = "monthly", "Every month"
    QUARTERLY = "quarterly", "Every few months"


class MemberQuerySet(models.QuerySet["Member"]):
    def with_profile(self) -> MemberQuerySet:
        return self.select_related("user", "stage", "institution", "membership_category")


class Member(models.Model):
    """A person in the program: the public part of their profile.

    Private identity answers live in `PrivateIdentity`, which no other member's page reads.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="member"
    )
    full_name = models.CharField(max_length=150, blank=True)
    pronouns = models.CharField(max_length=40, blank=True, help_text="Optional, e.g. she/her.")
    stage = models.ForeignKey(
        TrainingStage, null=True, blank=True, on_delete=models.PROTECT, related_name="members"
    )
    membership_category = models.ForeignKey(
        MembershipCategory, null=True, blank=True, on_delete=models.PROTECT
    )
    institution = models.ForeignKey(
        Institution, null=True, blank=True, on_delete=models.SET_NULL, related_name="members"
    )
    home_has_ct_program = models.BooleanField(
        "my school or institution has a CT surgery program",
        null=True,
        blank=True,
    )
    time_zone = models.CharField(
        max_length=64, default="America/New_York", validators=[validate_time_zone]
    )
    languages = models.ManyToManyField(Language, blank=True, related_name="members")
    interests = models.ManyToManyField(Interest, blank=True, related_name="members")
    topics_wanted = models.ManyToManyField(Topic, blank=True, related_name="members_wanting")
    topics_offered = models.ManyToManyField(Topic, blank=True, related_name="members_offering")
    bio = models.TextField(max_length=2000, blank=True)
    goals = models.TextField(max_length=2000, blank=True)
    meeting_formats = models.JSONField(default=list, blank=True)
    meeting_frequency = models.CharField(
        max_length=20, choices=MeetingFrequency.choices, blank=True
    )
    phone = models.CharField(
        max_length=30, blank=True, help_text="Shown only to your mentor or mentee."
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = MemberQuerySet.as_manager()

    class Meta:
        ordering: ClassVar = ["full_name", "pk"]
        indexes: ClassVar = [models.Index(fields=["stage"])]

    def __str__(self) -> str:
        return self.display_name

    def get_absolute_url(self) -> str:
        return reverse("members:detail", args=[self.pk])

    @property
    def display_name(self) -> str:
        return self.full_name or self.user.email.split("@")[0]

    @property
    def is_coordinator(self) -> bool:
        return is_coordinator(self.user)

    @property
    def public_institution(self) -> Institution | None:
        """The institution as other members may see it: only once a coordinator approved it.

        A proposed institution is the proposer's to use meanwhile; its name is their own text, so
        every page showing a member to someone else reads this, never `institution`."""
        institution = self.institution
        return institution if institution is not None and institution.is_approved else None

    def roles(self) -> list[str]:
        """What this member can be, from the training stage (enrollments refine it per cycle)."""
        if self.stage is None:
            return []
        kind = self.stage.kind
        roles = []
        k = TrainingStage.Kind
        if kind in {k.STUDENT, k.RESIDENT, k.FELLOW}:
            roles.append("mentee")
        if kind in {k.RESIDENT, k.FELLOW, k.SURGEON}:
            roles.append("mentor")
        return roles

    def missing_fields(self) -> list[str]:
        """Profile items still to fill in, as labels the profile page lists."""
        checks: list[tuple[str, bool]] = [
            ("Your name", bool(self.full_name)),
            ("Training stage", self.stage_id is not None),
            ("Institution", self.institution_id is not None),
            (
                "Whether your institution has a CT surgery program",
                self.home_has_ct_program is not None,
            ),
            ("Subspecialty interests", self.interests.exists()),
            ("Languages", self.languages.exists()),
            ("A short bio", bool(self.bio.strip())),
            ("How you like to meet", bool(self.meeting_formats)),
            ("How often you would like to meet", bool(self.meeting_frequency)),
        ]
        roles = self.roles()
        if "mentee" in roles:
            checks += [
                ("Topics you want guidance on", self.topics_wanted.exists()),
                ("Your goals", bool(self.goals.strip())),
            ]
        if "mentor" in roles:
            checks.append(("Topics you can offer", self.topics_offered.exists()))
        return [label for label, done in checks if not done]

    def meeting_format_labels(self) -> list[str]:
        labels = dict(MeetingFormat.choices)
        return [labels[f] for f in self.meeting_formats if f in labels]


class PrivateIdentity(models.Model):
    """Optional identity answers, kept only with consent and used only for matching preferences.

    Never rendered on another member's page or returned by any endpoint other than the owner's
    own edit form.
    """

    class Gender(models.TextChoices):
        WOMAN = "woman", "Woman"
        MAN = "man", "Man"
        NONBINARY = "nonbinary", "Non-binary"
        SELF_DESCRIBED = "self_described", "Prefer to self-describe"

    member = models.OneToOneField(Member, on_delete=models.CASCADE, related_name="private")
    consent = models.BooleanField(default=False)
    consent_at = models.DateTimeField(null=True, blank=True)
    gender = models.CharField(max_length=20, choices=Gender.choices, blank=True)
    underrepresented_in_medicine = models.BooleanField(null=True, blank=True)
    first_generation = models.BooleanField(null=True, blank=True)
    international_graduate = models.BooleanField(null=True, blank=True)

    class Meta:
        verbose_name = "private identity"
        verbose_name_plural = "private identities"
        constraints: ClassVar = [
            # Answers exist only with consent: withdrawing consent must clear them.
            models.CheckConstraint(
                condition=models.Q(consent=True)
                | (
                    models.Q(gender="")
                    & models.Q(underrepresented_in_medicine__isnull=True)
                    & models.Q(first_generation__isnull=True)
                    & models.Q(international_graduate__isnull=True)
                ),
                name="private_identity_requires_consent",
            )
        ]

    def __str__(self) -> str:
        return f"Private identity of member {self.member_id}"


class BlockQuerySet(models.QuerySet["Block"]):
    def between(self, a: int, b: int) -> BlockQuerySet:
        """Blocks either way between two members: a hard refusal everywhere in pairing."""
        return self.filter(
            models.Q(blocker_id=a, blocked_id=b) | models.Q(blocker_id=b, blocked_id=a)
        )

    def involving(self, member_id: int) -> BlockQuerySet:
        return self.filter(models.Q(blocker_id=member_id) | models.Q(blocked_id=member_id))


class Block(models.Model):
    """`blocker` never wants to be matched with or contacted by `blocked` again."""

    blocker = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="blocks_made")
    blocked = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="blocks_received")
    created_at = models.DateTimeField(default=timezone.now)

    objects = BlockQuerySet.as_manager()

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["blocker", "blocked"], name="block_once")
        ]

    def __str__(self) -> str:
        return f"{self.blocker_id} blocks {self.blocked_id}"


class PodVisibility(models.Model):
    """Whether a member agrees to appear in the pods (mentorship ladders) of others."""

    member = models.OneToOneField(Member, on_delete=models.CASCADE, related_name="pod_visibility")
    visible = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"{self.member}: {'visible' if self.visible else 'hidden'} in pods"


# Stage kinds that may mentor somewhere, and the rung of the ladder each kind sits on. A self-declared
# change that enters a mentor kind, or moves to another rung, must be verified before it counts.
MENTOR_KINDS = frozenset(
    {TrainingStage.Kind.RESIDENT, TrainingStage.Kind.FELLOW, TrainingStage.Kind.SURGEON}
)
_RUNG: dict[str, str] = {
    TrainingStage.Kind.STUDENT: "student",
    TrainingStage.Kind.RESIDENT: "trainee",
    TrainingStage.Kind.FELLOW: "trainee",
    TrainingStage.Kind.SURGEON: "surgeon",
    TrainingStage.Kind.RETIRED: "surgeon",
}


def stage_change_needs_verification(old: TrainingStage | None, new: TrainingStage) -> bool:
    """Whether moving from `old` to `new` must wait for a verified source (a coordinator, ...).

    A first stage or a move within one rung (MS2 → MS3, PGY-3 → Fellow, surgeon → retired) applies
    at once, unless it makes the member a mentor for the first time; any move into a mentor stage
    from outside one, or across rungs (student ↔ trainee ↔ surgeon), waits.
    """
    if old is not None and old.pk == new.pk:
        return False
    if new.kind in MENTOR_KINDS and (old is None or old.kind not in MENTOR_KINDS):
        return True
    return old is not None and _RUNG.get(old.kind) != _RUNG.get(new.kind)


class StageChangeQuerySet(models.QuerySet["StageChange"]):
    def pending(self) -> StageChangeQuerySet:
        return self.filter(status=StageChange.Status.PENDING)


class StageChange(models.Model):
    """A change of a member's training stage, and who verified (or refused) it.

    The member's `stage` changes only when a change is approved; until then the old stage's rights
    hold. Rows are never deleted: together they are the audit trail of every stage a member held.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for a coordinator"
        APPROVED = "approved", "Approved"
        REFUSED = "refused", "Refused"
        WITHDRAWN = "withdrawn", "Withdrawn"

    class Source(models.TextChoices):
        MEMBER = "member", "The member's own profile"
        ROSTER = "roster", "The society's roster"
        SSO = "sso", "The society's sign-in"
        COORDINATOR = "coordinator", "A coordinator"

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="stage_changes")
    from_stage = models.ForeignKey(
        TrainingStage, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    to_stage = models.ForeignKey(TrainingStage, on_delete=models.PROTECT, related_name="+")
    source = models.CharField(max_length=20, choices=Source.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    requested_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.CharField(max_length=500, blank=True)

    objects = StageChangeQuerySet.as_manager()

    class Meta:
        ordering: ClassVar = ["requested_at", "pk"]
        constraints: ClassVar = [
            # One open question per member: a new request replaces the pending one.
            models.UniqueConstraint(
                fields=["member"],
                condition=models.Q(status="pending"),
                name="stage_change_one_pending_per_member",
            ),
            models.CheckConstraint(
                condition=models.Q(status="pending", decided_at__isnull=True)
                | (~models.Q(status="pending") & models.Q(decided_at__isnull=False)),
                name="stage_change_decided_unless_pending",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member}: {self.from_stage or 'no stage'} → {self.to_stage} ({self.status})"
