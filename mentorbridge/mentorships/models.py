"""Mentorships and the pair's workspace: agreement, meetings, messages, goals, check-ins, closure."""

from __future__ import annotations

import uuid
from typing import ClassVar

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone

from mentorbridge.members.models import Member, Topic
from mentorbridge.programs.models import Cycle, Enrollment, Program


class MentorshipQuerySet(models.QuerySet["Mentorship"]):
    def active(self) -> MentorshipQuerySet:
        return self.filter(status=Mentorship.Status.ACTIVE)

    def involving(self, member: Member) -> MentorshipQuerySet:
        return self.filter(models.Q(mentee=member) | models.Q(mentor=member))


class Mentorship(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        CLOSED = "closed", "Closed"

    class Source(models.TextChoices):
        REQUEST = "request", "Mentee's request"
        MATCH_RUN = "match_run", "Coordinator match run"

    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="mentorships")
    cycle = models.ForeignKey(Cycle, on_delete=models.PROTECT, related_name="mentorships")
    mentee = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="mentored_in")
    mentor = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="mentoring_in")
    mentee_enrollment = models.ForeignKey(Enrollment, on_delete=models.PROTECT, related_name="+")
    mentor_enrollment = models.ForeignKey(
        Enrollment, on_delete=models.PROTECT, related_name="mentorships"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    source = models.CharField(max_length=10, choices=Source.choices)
    started_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Shown to coordinators only.
    closure_reason = models.TextField(blank=True)
    completed = models.BooleanField(
        default=False,
        help_text="Reached the term end with a meeting held, or both members confirmed it: "
        "counts for the mentor's certificate.",
    )
    # Each member's "we completed our mentorship"; both together complete it (see
    # services.mentorship_completes).
    mentee_completed_at = models.DateTimeField(null=True, blank=True)
    mentor_completed_at = models.DateTimeField(null=True, blank=True)
    rematch_requested = models.BooleanField(default=False)
    last_activity_at = models.DateTimeField(default=timezone.now)

    objects = MentorshipQuerySet.as_manager()

    class Meta:
        ordering: ClassVar = ["-started_at", "pk"]
        constraints: ClassVar = [
            # The database itself refuses a second active mentorship for a mentee in a program.
            models.UniqueConstraint(
                fields=["mentee", "program"],
                condition=models.Q(status="active"),
                name="mentorship_one_active_per_mentee_program",
            ),
            models.CheckConstraint(
                condition=~models.Q(mentee=models.F("mentor")), name="mentorship_no_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.mentor} mentors {self.mentee} ({self.program})"

    def get_absolute_url(self) -> str:
        return reverse("mentorships:detail", args=[self.pk])

    def other_party(self, member: Member) -> Member:
        return self.mentor if member.pk == self.mentee_id else self.mentee

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE


class AgreementTerms(models.Model):
    """What members agree on for their term: the pair's agreement and a circle's norms
    (community) write the same four things. How it is confirmed differs, so it is not here."""

    goals = models.TextField("goals for the term", max_length=3000)
    meeting_frequency = models.CharField("how often we meet", max_length=200)
    communication = models.CharField("how we communicate", max_length=300)
    confidentiality = models.TextField(
        max_length=1000,
        default="What we discuss stays between us unless we agree otherwise, or someone's safety is at risk.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class Agreement(AgreementTerms):
    """What the pair agree at the first meeting; both confirm. Editing clears the confirmations."""

    mentorship = models.OneToOneField(
        Mentorship, on_delete=models.CASCADE, related_name="agreement"
    )
    mentee_confirmed_at = models.DateTimeField(null=True, blank=True)
    mentor_confirmed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Agreement of mentorship {self.mentorship_id}"

    @property
    def confirmed(self) -> bool:
        return bool(self.mentee_confirmed_at and self.mentor_confirmed_at)


class ScheduledMeeting(models.Model):
    """A meeting at a time and place, with its calendar invite's identity (`uid`, and `sequence`,
    iCalendar's SEQUENCE, bumped on changes): a pair's meetings and a circle's (community).
    Each keeps its own `status`: a pair's meeting is proposed and answered, a circle's is set by
    its leader."""

    class Format(models.TextChoices):
        VIDEO = "video", "Video call"
        PHONE = "phone", "Phone"
        IN_PERSON = "in_person", "In person"

    starts_at = models.DateTimeField()
    duration_minutes = models.PositiveSmallIntegerField(
        default=45, validators=[MinValueValidator(10), MaxValueValidator(240)]
    )
    format = models.CharField(max_length=10, choices=Format.choices, default=Format.VIDEO)
    location = models.CharField("link or place", max_length=300, blank=True)
    minutes_held = models.PositiveSmallIntegerField(null=True, blank=True)
    uid = models.UUIDField(default=uuid.uuid4, editable=False, unique=True)
    sequence = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True
        ordering: ClassVar = ["starts_at", "pk"]


class Meeting(ScheduledMeeting):
    class Status(models.TextChoices):
        PROPOSED = "proposed", "Proposed"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        CANCELLED = "cancelled", "Cancelled"
        HELD = "held", "Held"
        MISSED = "missed", "Missed"

    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="meetings")
    proposed_by = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PROPOSED)
    topics_covered = models.ManyToManyField(Topic, blank=True, related_name="+")
    notes = models.TextField(max_length=3000, blank=True)

    def __str__(self) -> str:
        return f"Meeting {self.pk} of mentorship {self.mentorship_id}"


class ThreadMessage(models.Model):
    """One message in a workspace's thread, a pair's or a circle's (community). Read state is the
    pair's only (one reader), so it is not here."""

    author = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    body = models.TextField(max_length=5000)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True
        ordering: ClassVar = ["created_at", "pk"]


class Message(ThreadMessage):
    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="messages")
    read_at = models.DateTimeField(null=True, blank=True)
    # Set when the reader was emailed about it (at most one digest an hour per reader).
    notified_at = models.DateTimeField(null=True, blank=True)

    class Meta(ThreadMessage.Meta):
        indexes: ClassVar = [models.Index(fields=["notified_at", "read_at"])]

    def __str__(self) -> str:
        return f"Message {self.pk}"


class Goal(models.Model):
    class Status(models.TextChoices):
        NOT_STARTED = "not_started", "Not started"
        IN_PROGRESS = "in_progress", "In progress"
        DONE = "done", "Done"

    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="goals")
    title = models.CharField(max_length=200)
    description = models.TextField(max_length=2000, blank=True)
    due_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.NOT_STARTED)
    calendar_key = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar = [models.F("due_date").asc(nulls_last=True), "pk"]

    def __str__(self) -> str:
        return self.title


class Milestone(models.Model):
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(max_length=200)
    due_date = models.DateField(null=True, blank=True)
    done = models.BooleanField(default=False)

    class Meta:
        ordering: ClassVar = [models.F("due_date").asc(nulls_last=True), "pk"]

    def __str__(self) -> str:
        return self.title


class Resource(models.Model):
    """A curated guide, article or tool; suggested in workspaces by topic."""

    title = models.CharField(max_length=200)
    url = models.URLField(max_length=500)
    description = models.TextField(max_length=1000, blank=True)
    topics = models.ManyToManyField(Topic, related_name="resources")
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering: ClassVar = ["title"]

    def __str__(self) -> str:
        return self.title


class CheckIn(models.Model):
    """A short survey to one member, due on a schedule; answered once."""

    class Kind(models.TextChoices):
        CHECK_IN = "check_in", "Check-in"
        FINAL = "final", "End-of-term evaluation"

    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="check_ins")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="check_ins")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.CHECK_IN)
    number = models.PositiveSmallIntegerField(default=1)
    due_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    rating = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    met = models.BooleanField(null=True, blank=True)
    comments = models.TextField(max_length=3000, blank=True)
    recommend = models.PositiveSmallIntegerField(
        "how likely to recommend (0–10)",
        null=True,
        blank=True,
        validators=[MaxValueValidator(10)],
    )
    # The program's own questions and their answers, as asked: {"question": "answer"}.
    answers = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = "check-in"
        verbose_name_plural = "check-ins"
        ordering: ClassVar = ["due_at", "pk"]
        constraints: ClassVar = [
            # The job may run twice: a check-in exists (and is sent) once per slot.
            models.UniqueConstraint(
                fields=["mentorship", "member", "kind", "number"], name="checkin_once_per_slot"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number} for {self.member}"


class Nudge(models.Model):
    """A reminder sent once: the unique key makes a re-run of the job send nothing twice."""

    class Kind(models.TextChoices):
        NO_FIRST_MEETING = "no_first_meeting", "No first meeting within 21 days"
        INACTIVE = "inactive", "No activity for 45 days"

    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="nudges")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    period = models.CharField(max_length=20, help_text="Which stretch of inactivity it is about.")
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["mentorship", "kind", "period"], name="nudge_once")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.mentorship_id})"


class AtRisk(models.Model):
    """A pair the Task Force should look at, and what they did."""

    class Reason(models.TextChoices):
        INACTIVE = "inactive", "No activity for 45 days"
        LOW_RATING = "low_rating", "Low check-in rating"
        REPORT = "report", "A member reported a problem"

    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="risks")
    reason = models.CharField(max_length=20, choices=Reason.choices)
    detail = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    action_note = models.TextField(max_length=2000, blank=True)

    class Meta:
        verbose_name = "at-risk pair"
        verbose_name_plural = "at-risk pairs"
        ordering: ClassVar = ["-created_at"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["mentorship", "reason"],
                condition=models.Q(resolved_at__isnull=True),
                name="atrisk_one_open_per_reason",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} ({self.mentorship_id})"


class Report(models.Model):
    """A member reports a problem with the other party; coordinators are told at once."""

    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    text = models.TextField(max_length=3000)
    block = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Report {self.pk}"


class AuditEntry(models.Model):
    """A coordinator opened a pair's workspace (read-only)."""

    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="audit")
    viewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    viewed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar = ["-viewed_at"]
        verbose_name_plural = "audit entries"

    def __str__(self) -> str:
        return f"{self.viewer} viewed {self.mentorship_id} at {self.viewed_at}"


class CertificateIssue(models.Model):
    """A coordinator issued a mentor's certificate for a cycle: the mentor was told once."""

    mentor = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="certificates")
    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="certificates")
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    issued_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["mentor", "cycle"], name="certificate_once_per_cycle")
        ]

    def __str__(self) -> str:
        return f"Certificate for {self.mentor} · {self.cycle}"
