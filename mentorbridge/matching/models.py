"""Requests from mentees to mentors, members' rankings for batch runs, and coordinators' batch
match runs with their proposals."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone

from mentorbridge.programs.models import Cycle, Enrollment


class MentorshipRequestQuerySet(models.QuerySet["MentorshipRequest"]):
    def pending(self) -> MentorshipRequestQuerySet:
        return self.filter(state=MentorshipRequest.State.PENDING)


class MentorshipRequest(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", "Waiting for an answer"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        EXPIRED = "expired", "Expired"
        WITHDRAWN = "withdrawn", "Withdrawn"
        CLOSED = "closed", "Closed (mentee matched elsewhere)"

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="requests")
    mentee_enrollment = models.ForeignKey(
        Enrollment, on_delete=models.CASCADE, related_name="requests_sent"
    )
    mentor_enrollment = models.ForeignKey(
        Enrollment, on_delete=models.CASCADE, related_name="requests_received"
    )
    message = models.TextField(max_length=2000)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    decline_reason = models.TextField(max_length=1000, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    deadline = models.DateTimeField()
    answered_at = models.DateTimeField(null=True, blank=True)
    mentorship = models.OneToOneField(
        "mentorships.Mentorship",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="request",
    )

    objects = MentorshipRequestQuerySet.as_manager()

    class Meta:
        ordering: ClassVar = ["-created_at", "pk"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["mentee_enrollment", "mentor_enrollment"],
                condition=models.Q(state="pending"),
                name="request_one_pending_per_pair",
            )
        ]
        indexes: ClassVar = [models.Index(fields=["state", "deadline"])]

    def __str__(self) -> str:
        return (
            f"Request {self.pk}: {self.mentee_enrollment.member} → {self.mentor_enrollment.member}"
        )


class MatchRun(models.Model):
    """A coordinator's batch matching of a cycle: reproducible from its snapshot, parameters and seed."""

    class Objective(models.TextChoices):
        TOTAL = "total", "Highest total compatibility"
        COVERAGE = "coverage", "Most mentees matched"
        MAXIMIN = "maximin", "Fairest: highest lowest score"
        STABLE = "stable", "Stable matching from ranked lists"

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        READY = "ready", "Ready for review"
        PUBLISHED = "published", "Published"
        FAILED = "failed", "Failed"
        SUPERSEDED = "superseded", "Superseded (another run of the cycle was published)"

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="match_runs")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    objective = models.CharField(max_length=10, choices=Objective.choices)
    weights = models.JSONField(default=dict)
    fixed_pairs = models.JSONField(default=list, blank=True)
    forbidden_pairs = models.JSONField(default=list, blank=True)
    seed = models.PositiveIntegerField(default=0)
    incremental = models.BooleanField(
        default=False, help_text="Only mentees not yet matched; published pairs stay as they are."
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    progress_note = models.CharField(max_length=200, blank=True)
    inputs_snapshot = models.JSONField(default=dict, blank=True)
    metrics = models.JSONField(default=dict, blank=True)
    publish_report = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    superseded_by = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering: ClassVar = ["-created_at", "pk"]

    def __str__(self) -> str:
        return f"Match run {self.pk} of {self.cycle}"


class MatchProposal(models.Model):
    """One mentee's line in a match run's preview: a proposed mentor, or none and why."""

    run = models.ForeignKey(MatchRun, on_delete=models.CASCADE, related_name="proposals")
    mentee_enrollment = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="+")
    mentor_enrollment = models.ForeignKey(
        Enrollment, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    score = models.FloatField(null=True, blank=True)
    reasons = models.JSONField(default=list, blank=True)
    unmatched_reason = models.CharField(max_length=200, blank=True)
    locked = models.BooleanField(default=False)
    edited = models.BooleanField(default=False)

    class Meta:
        ordering: ClassVar = ["pk"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["run", "mentee_enrollment"], name="proposal_one_per_mentee"
            )
        ]

    def __str__(self) -> str:
        return f"Proposal {self.pk} in run {self.run_id}"


class Ranking(models.Model):
    """One line of a member's order of preference for the batch run, best first: a mentee ranks
    mentors, a mentor ranks the mentees who ranked them. Written whole by `rankings.ranking_save`."""

    ranker = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="rankings")
    ranked = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="ranked_by")
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering: ClassVar = ["ranker", "position"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["ranker", "ranked"], name="ranking_once_per_pair"),
            models.UniqueConstraint(fields=["ranker", "position"], name="ranking_one_per_place"),
        ]

    def __str__(self) -> str:
        return f"{self.ranker_id} ranks {self.ranked_id} #{self.position}"
