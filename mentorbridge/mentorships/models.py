"""Mentorships: an active pair in a program, however it was made (request or match run)."""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.urls import reverse
from django.utils import timezone

from mentorbridge.members.models import Member
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
