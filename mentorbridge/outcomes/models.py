"""The outcomes registry: what happened in members' careers, recorded by themselves once a year
(or any time), and used in the Task Force's reports only with explicit consent."""

from __future__ import annotations

from typing import ClassVar

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from mentorbridge.members.models import Member


class Outcome(models.Model):
    """One member's outcomes for one year (the year of the residency match or of the roles)."""

    class Match(models.TextChoices):
        NOT_YET = "", "Not applied or not matched yet"
        INTEGRATED = "integrated", "Matched into CT surgery: integrated (I-6)"
        TRADITIONAL = "traditional", "Matched into CT surgery: traditional pathway"
        OTHER = "other", "Matched into another specialty"
        UNMATCHED = "unmatched", "Applied and did not match"

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="outcomes")
    year = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    match = models.CharField("residency match", max_length=12, choices=Match.choices, blank=True)
    matched_program = models.CharField("which program", max_length=200, blank=True)
    publications = models.PositiveSmallIntegerField(
        "publications with your mentor's involvement",
        default=0,
        validators=[MaxValueValidator(200)],
    )
    presentations = models.PositiveSmallIntegerField(
        "presentations with your mentor's involvement",
        default=0,
        validators=[MaxValueValidator(200)],
    )
    away_rotations = models.PositiveSmallIntegerField(
        "away rotations or sub-internships done", default=0, validators=[MaxValueValidator(20)]
    )
    awards = models.TextField(max_length=1000, blank=True)
    leadership_roles = models.TextField(
        "leadership roles gained (mentors)", max_length=1000, blank=True
    )
    consent = models.BooleanField(
        "the Task Force may use these answers in aggregate reports (never with my name)",
        default=False,
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar = ["-year", "pk"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["member", "year"], name="outcome_once_per_year")
        ]

    def __str__(self) -> str:
        return f"Outcomes {self.year} of member {self.member_id}"

    @property
    def matched_ct(self) -> bool:
        return self.match in {self.Match.INTEGRATED, self.Match.TRADITIONAL}


class OutcomeSurvey(models.Model):
    """The yearly email asking for outcomes: one row per member and year, so it is sent once."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="outcome_surveys")
    year = models.PositiveSmallIntegerField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["member", "year"], name="outcome_survey_once_per_year")
        ]

    def __str__(self) -> str:
        return f"Outcome survey {self.year} to member {self.member_id}"
