"""Programs (the two tracks and their rules), cycles (one run of a program) and enrollments."""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone

from mentorbridge.members.models import Institution, Language, Member, Topic, TrainingStage

# Score factors a program weighs; the matching engine computes each in [0, 1].
DEFAULT_WEIGHTS: dict[str, float] = {
    "interests": 3.0,
    "topics": 3.0,
    "programs": 2.0,
    "region": 1.0,
    "time_zone": 1.0,
    "language": 1.0,
    "concordance": 1.5,
    "meeting": 0.5,
    "text": 1.5,
}


class Program(models.Model):
    class MatchingMode(models.TextChoices):
        MENTEE_CHOICE = "mentee_choice", "Mentees choose and request mentors"
        BATCH = "batch", "Coordinators match in batch"
        BOTH = "both", "Both: requests, then a batch run for the rest"

    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=60, unique=True)
    description = models.TextField(blank=True)
    mentee_stages = models.ManyToManyField(TrainingStage, related_name="mentee_programs")
    mentor_stages = models.ManyToManyField(TrainingStage, related_name="mentor_programs")
    default_mentor_capacity = models.PositiveSmallIntegerField(
        default=2, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    matching_mode = models.CharField(
        max_length=20, choices=MatchingMode.choices, default=MatchingMode.BOTH
    )
    weights = models.JSONField(default=dict, blank=True, help_text="Score factor → weight.")
    response_days = models.PositiveSmallIntegerField(
        "days a mentor has to answer a request",
        default=7,
        validators=[MinValueValidator(1), MaxValueValidator(30)],
    )
    max_open_requests = models.PositiveSmallIntegerField(
        default=3, validators=[MinValueValidator(1), MaxValueValidator(10)]
    )
    check_in_questions = models.TextField(
        blank=True,
        help_text="Questions added to every check-in, one per line (answered in words, optional).",
    )
    final_questions = models.TextField(
        blank=True,
        help_text="Questions added to the end-of-term evaluation, one per line.",
    )
    prioritize_without_ct_program = models.BooleanField(
        "give students from schools without a CT program priority in batch runs", default=True
    )

    class Meta:
        ordering: ClassVar = ["pk"]

    def __str__(self) -> str:
        return self.name

    def effective_weights(self) -> dict[str, float]:
        return {**DEFAULT_WEIGHTS, **{k: float(v) for k, v in (self.weights or {}).items()}}

    def questions(self, *, final: bool) -> list[str]:
        """The program's own check-in (or end-of-term) questions, in order, blanks skipped."""
        text = self.final_questions if final else self.check_in_questions
        return [line.strip() for line in text.splitlines() if line.strip()][:10]

    @property
    def allows_requests(self) -> bool:
        return self.matching_mode != self.MatchingMode.BATCH


class CycleQuerySet(models.QuerySet["Cycle"]):
    def open(self) -> CycleQuerySet:
        return self.filter(status=Cycle.Status.OPEN)


class Cycle(models.Model):
    """One run of a program, e.g. an academic year."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="cycles")
    name = models.CharField(max_length=120)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    enrollment_opens = models.DateField()
    enrollment_closes = models.DateField()
    match_date = models.DateField()
    term_end = models.DateField()
    # Moved whenever the mentor pool changes (only by matching/pool.py), so cached recommendation
    # tables know to rebuild.
    pool_version = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = CycleQuerySet.as_manager()

    class Meta:
        ordering: ClassVar = ["-enrollment_opens", "pk"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["program", "name"], name="cycle_unique_name"),
            models.CheckConstraint(
                condition=models.Q(enrollment_closes__gte=models.F("enrollment_opens"))
                & models.Q(match_date__gte=models.F("enrollment_opens"))
                & models.Q(term_end__gt=models.F("match_date")),
                name="cycle_dates_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.program.name} · {self.name}"

    def get_absolute_url(self) -> str:
        # Members see every cycle on the programs page, one section per cycle.
        return reverse("programs:index") + f"#cycle-{self.pk}"

    def is_enrolling(self, today: dt.date | None = None) -> bool:
        today = today or timezone.localdate()
        return (
            self.status == self.Status.OPEN
            and self.enrollment_opens <= today <= self.enrollment_closes
        )


class Preference(models.TextChoices):
    NONE = "", "No preference"
    SOFT = "soft", "I would prefer it"
    HARD = "hard", "I insist"


class EnrollmentQuerySet(models.QuerySet["Enrollment"]):
    def active(self) -> EnrollmentQuerySet:
        return self.filter(status=Enrollment.Status.ACTIVE)

    def mentors(self) -> EnrollmentQuerySet:
        return self.filter(role=Enrollment.Role.MENTOR)

    def mentees(self) -> EnrollmentQuerySet:
        return self.filter(role=Enrollment.Role.MENTEE)

    def not_fitting_stage(self) -> EnrollmentQuerySet:
        """Active enrollments in cycles not yet closed whose member's stage no longer allows the
        role in that program (e.g. after a verified change from resident to surgeon)."""
        mentor_fits = Program.mentor_stages.through.objects.filter(
            program_id=models.OuterRef("cycle__program_id"),
            trainingstage_id=models.OuterRef("member__stage_id"),
        )
        mentee_fits = Program.mentee_stages.through.objects.filter(
            program_id=models.OuterRef("cycle__program_id"),
            trainingstage_id=models.OuterRef("member__stage_id"),
        )
        return (
            self.active()
            .exclude(cycle__status=Cycle.Status.CLOSED)
            .filter(
                (models.Q(role=Enrollment.Role.MENTOR) & ~models.Exists(mentor_fits))
                | (models.Q(role=Enrollment.Role.MENTEE) & ~models.Exists(mentee_fits))
            )
        )

    def open_mentors(self) -> EnrollmentQuerySet:
        """Mentors still taking mentees: active, with capacity left."""
        return self.active().mentors().filter(mentee_count__lt=models.F("capacity"))


class Enrollment(models.Model):
    """A member's application to a cycle as mentee or as mentor."""

    class Role(models.TextChoices):
        MENTEE = "mentee", "Mentee"
        MENTOR = "mentor", "Mentor"

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        WITHDRAWN = "withdrawn", "Withdrawn"

    class InstitutionPreference(models.TextChoices):
        ANY = "", "No preference"
        SAME = "same", "Same institution as mine"
        DIFFERENT = "different", "A different institution"

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="enrollments")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="enrollments")
    role = models.CharField(max_length=10, choices=Role.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    topics = models.ManyToManyField(Topic, blank=True, related_name="enrollments")
    goals = models.TextField(max_length=2000, blank=True)
    # Mentee preferences; soft ones raise a score, hard ones exclude pairs.
    target_programs = models.ManyToManyField(Institution, blank=True, related_name="targeted_by")
    same_gender = models.CharField(
        "a mentor of my gender", max_length=4, choices=Preference.choices, blank=True
    )
    shared_background = models.CharField(
        "a mentor who shares my background", max_length=4, choices=Preference.choices, blank=True
    )
    institution_preference = models.CharField(
        max_length=10, choices=InstitutionPreference.choices, blank=True
    )
    same_region = models.BooleanField("a mentor in my region", default=False)
    language = models.ForeignKey(
        Language, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    language_insisted = models.BooleanField("only mentors who speak it", default=False)
    # Mentor side.
    capacity = models.PositiveSmallIntegerField(
        default=0, validators=[MinValueValidator(0), MaxValueValidator(5)]
    )
    hours_per_month = models.PositiveSmallIntegerField(
        default=0, validators=[MaxValueValidator(40)]
    )
    # Active mentorships held through this enrollment; only services change it, atomically.
    mentee_count = models.PositiveSmallIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = EnrollmentQuerySet.as_manager()

    class Meta:
        ordering: ClassVar = ["pk"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["cycle", "member", "role"], name="enrollment_one_per_role"
            ),
            models.CheckConstraint(
                condition=models.Q(mentee_count__lte=models.F("capacity"))
                | models.Q(role="mentee"),
                name="enrollment_mentor_within_capacity",
            ),
            models.CheckConstraint(
                condition=models.Q(role="mentee") | models.Q(capacity__gte=1, capacity__lte=5),
                name="enrollment_mentor_capacity_1_to_5",
            ),
        ]
        indexes: ClassVar = [models.Index(fields=["cycle", "role", "status"])]

    def __str__(self) -> str:
        return f"{self.member} as {self.get_role_display().lower()} in {self.cycle}"

    @property
    def remaining_capacity(self) -> int:
        return max(self.capacity - self.mentee_count, 0)

    @property
    def requirements(self) -> list[str]:
        """The mentee's insisted preferences that leave mentors out of Find a mentor, in words.

        Only public ones: identity preferences never filter a page a member sees (they act in the
        Task Force's batch runs; see `has_identity_preferences`)."""
        words = []
        if self.language_insisted and self.language_id:
            words.append(f"speaks {self.language}")
        return words

    @property
    def has_identity_preferences(self) -> bool:
        return bool(self.same_gender or self.shared_background)


class CalendarDate(models.Model):
    """A date on the residency application calendar, set by coordinators per cycle."""

    class Key(models.TextChoices):
        EXPLORE = "explore", "Explore subspecialties"
        RESEARCH = "research", "Start or join a research project"
        AWAY_ROTATIONS = "away_rotations", "Away rotations and sub-internships"
        LETTERS = "letters", "Letters of recommendation"
        APPLICATION = "application", "Application submission"
        INTERVIEWS = "interviews", "Interview season"
        RANK_LIST = "rank_list", "Rank list"
        MATCH_DAY = "match_day", "Match Day"

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="calendar")
    key = models.CharField(max_length=20, choices=Key.choices)
    date = models.DateField()

    class Meta:
        ordering: ClassVar = ["date"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["cycle", "key"], name="calendar_one_date_per_key")
        ]

    def __str__(self) -> str:
        return f"{self.get_key_display()} · {self.date}"
