"""Beyond pairs: flash mentoring events, and the "ask a resident" question board.

Flash mentoring: a coordinator's event with R rounds; mentors volunteer for rounds, mentees sign up
(up to a cap) and name mentors they would like to meet; the engine seats them (`FlashSeat`); after
the event each side may wish to continue (`FlashWish`), and a mutual wish becomes a request.
"""

from __future__ import annotations

import datetime as dt
import uuid
import zoneinfo
from typing import ClassVar

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone

from mentorbridge.members.models import Member, Topic
from mentorbridge.mentorships.models import (
    AgreementTerms,
    Resource,
    ScheduledMeeting,
    ThreadMessage,
)
from mentorbridge.programs.models import Program


class FlashEvent(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft (coordinators only)"
        OPEN = "open", "Open for sign-up"
        SCHEDULED = "scheduled", "Scheduled"

    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="flash_events")
    name = models.CharField(max_length=150)
    location = models.CharField(
        "place or video link", max_length=300, help_text="A room, or the link of the video call."
    )
    description = models.TextField(max_length=2000, blank=True)
    date = models.DateField()
    start_time = models.TimeField()
    end_time = models.TimeField()
    time_zone = models.CharField(max_length=64, default="America/Chicago")
    rounds = models.PositiveSmallIntegerField(
        default=6, validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    round_minutes = models.PositiveSmallIntegerField(
        default=10, validators=[MinValueValidator(3), MaxValueValidator(60)]
    )
    break_minutes = models.PositiveSmallIntegerField(
        "minutes between rounds", default=2, validators=[MaxValueValidator(30)]
    )
    tables = models.PositiveSmallIntegerField(
        "mentor tables", default=10, validators=[MinValueValidator(1), MaxValueValidator(200)]
    )
    seats_per_table = models.PositiveSmallIntegerField(
        "mentees at each mentor's table",
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
    )
    mentee_cap = models.PositiveIntegerField(
        "most mentees who may sign up",
        default=60,
        validators=[MinValueValidator(1), MaxValueValidator(2000)],
    )
    max_preferences = 5
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(Member, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    # What the last scheduling achieved and proved (the engine's figures).
    scheduling_requested_at = models.DateTimeField(null=True, blank=True)
    scheduled_at = models.DateTimeField(null=True, blank=True)
    schedule_summary = models.JSONField(default=dict, blank=True)
    uid = models.UUIDField(default=uuid.uuid4, editable=False, unique=True)
    sequence = models.PositiveIntegerField(default=0)  # iCalendar SEQUENCE: bumped on reschedule

    class Meta:
        ordering: ClassVar = ["-date", "pk"]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=models.Q(end_time__gt=models.F("start_time")),
                name="flash_event_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.date:%-d %b %Y})"

    def get_absolute_url(self) -> str:
        return reverse("community:flash_detail", args=[self.pk])

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    def round_starts(self) -> list[dt.datetime]:
        """Each round's start, aware, in the event's zone (validated not to fall in a DST gap)."""
        first = dt.datetime.combine(self.date, self.start_time, tzinfo=self.zone)
        step = dt.timedelta(minutes=self.round_minutes + self.break_minutes)
        # Wall-clock arithmetic on aware datetimes, then normalised through UTC: a round that would
        # cross a DST change keeps its real duration.
        start_utc = first.astimezone(dt.UTC)
        return [(start_utc + k * step).astimezone(self.zone) for k in range(self.rounds)]

    @property
    def starts_at(self) -> dt.datetime:
        return dt.datetime.combine(self.date, self.start_time, tzinfo=self.zone)

    @property
    def ends_at(self) -> dt.datetime:
        return dt.datetime.combine(self.date, self.end_time, tzinfo=self.zone)

    @property
    def is_over(self) -> bool:
        from mentorbridge.core import clock

        return clock.now() >= self.ends_at


class FlashVolunteer(models.Model):
    """A mentor hosts a table in the rounds they chose."""

    event = models.ForeignKey(FlashEvent, on_delete=models.CASCADE, related_name="volunteers")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="flash_tables")
    rounds = models.JSONField(default=list, help_text="Round numbers, from 1.")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar = ["pk"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["event", "member"], name="flash_volunteer_once")
        ]

    def __str__(self) -> str:
        return f"{self.member} at {self.event}"


class FlashSignup(models.Model):
    """A mentee takes part; `preferences` lists the volunteers' member ids, best first."""

    event = models.ForeignKey(FlashEvent, on_delete=models.CASCADE, related_name="signups")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="flash_signups")
    preferences = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar = ["pk"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["event", "member"], name="flash_signup_once")
        ]

    def __str__(self) -> str:
        return f"{self.member} signed up for {self.event}"


class FlashSeat(models.Model):
    """In round `round`, `mentee` sits at `mentor`'s table."""

    event = models.ForeignKey(FlashEvent, on_delete=models.CASCADE, related_name="seats")
    round = models.PositiveSmallIntegerField()
    mentee = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    mentor = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    preferred = models.BooleanField(default=False)

    class Meta:
        ordering: ClassVar = ["round", "pk"]
        constraints: ClassVar = [
            # The schedule's rules, kept by the database too: one table per round, no repeat.
            models.UniqueConstraint(fields=["event", "round", "mentee"], name="flash_one_table"),
            models.UniqueConstraint(fields=["event", "mentee", "mentor"], name="flash_meet_once"),
        ]

    def __str__(self) -> str:
        return f"Round {self.round}: {self.mentee} with {self.mentor}"


class FlashWish(models.Model):
    """After the event, `member` would like to continue with `other` (someone they met)."""

    event = models.ForeignKey(FlashEvent, on_delete=models.CASCADE, related_name="wishes")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    other = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    # A mentor may offer to start right away: with the mentee's wish, the pair starts directly.
    direct = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    # Set on the wish that completed the pair: what became of it, in words.
    outcome = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["event", "member", "other"], name="flash_wish_once")
        ]

    def __str__(self) -> str:
        return f"{self.member} → {self.other} ({self.event})"


class QuestionQuerySet(models.QuerySet["Question"]):
    def visible(self) -> QuestionQuerySet:
        return self.filter(hidden=False)


class Question(models.Model):
    """A mentee's question on a program's board. `anonymous` hides the name from other members,
    never from coordinators."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="board_questions")
    author = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="board_questions")
    anonymous = models.BooleanField("ask anonymously", default=False)
    title = models.CharField(max_length=200)
    body = models.TextField(max_length=5000)
    topics = models.ManyToManyField(Topic, blank=True, related_name="board_questions")
    hidden = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    objects = QuestionQuerySet.as_manager()

    class Meta:
        ordering: ClassVar = ["-created_at", "-pk"]
        indexes: ClassVar = [models.Index(fields=["program", "hidden", "created_at"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("community:question", args=[self.pk])


class Answer(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    author = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="answers")
    body = models.TextField(max_length=5000)
    hidden = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    resource = models.ForeignKey(
        Resource, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering: ClassVar = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"Answer {self.pk} to {self.question_id}"


class Helpful(models.Model):
    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="helpful_marks")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["answer", "member"], name="helpful_once")
        ]

    def __str__(self) -> str:
        return f"{self.member_id} found {self.answer_id} helpful"


class BoardReport(models.Model):
    """A member reports a question or an answer; it waits in the coordinators' queue."""

    question = models.ForeignKey(
        Question, null=True, blank=True, on_delete=models.CASCADE, related_name="reports"
    )
    answer = models.ForeignKey(
        Answer, null=True, blank=True, on_delete=models.CASCADE, related_name="reports"
    )
    reporter = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(max_length=500)
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution = models.CharField(max_length=20, blank=True)

    class Meta:
        ordering: ClassVar = ["created_at", "pk"]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=models.Q(question__isnull=True, answer__isnull=False)
                | models.Q(question__isnull=False, answer__isnull=True),
                name="board_report_one_target",
            ),
            models.UniqueConstraint(
                fields=["question", "reporter"],
                condition=models.Q(answer__isnull=True),
                name="board_report_question_once",
            ),
            models.UniqueConstraint(
                fields=["answer", "reporter"],
                condition=models.Q(question__isnull=True),
                name="board_report_answer_once",
            ),
        ]

    def __str__(self) -> str:
        return f"Report {self.pk}"


# Mentoring circles ------------------------------------------------------------------------------
# A resident or surgeon leads 3–8 mentees on a topic for a term. The leader proposes, a coordinator
# publishes; mentees apply (ranked, up to three circles a cycle) and the leader accepts, or a
# coordinator's placement run seats the applicants. The seats are kept by the database:
# `member_count` grows only by a conditional UPDATE below `max_mentees` (a check constraint backs
# it), and a partial unique index allows one active circle per mentee per cycle.

CIRCLE_MIN_MENTEES = 3
CIRCLE_MAX_MENTEES = 8
CIRCLE_MAX_APPLICATIONS = 3  # circles a mentee may rank in one cycle


class Circle(models.Model):
    class Status(models.TextChoices):
        PROPOSED = "proposed", "Waiting for the coordinators"
        OPEN = "open", "Open for applications"
        CLOSED = "closed", "Applications closed"
        DECLINED = "declined", "Not published"

    class Cadence(models.TextChoices):
        WEEKLY = "weekly", "Every week"
        FORTNIGHTLY = "fortnightly", "Every two weeks"
        MONTHLY = "monthly", "Every month"

    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="circles")
    cycle = models.ForeignKey(
        "programs.Cycle",
        on_delete=models.PROTECT,
        related_name="circles",
        help_text="The cycle whose mentees it takes: a mentee joins one circle per cycle.",
    )
    leader = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="circles_led")
    title = models.CharField(max_length=150)
    topic = models.ForeignKey(Topic, on_delete=models.PROTECT, related_name="circles")
    description = models.TextField("what the circle is about", max_length=3000)
    max_mentees = models.PositiveSmallIntegerField(
        "most mentees",
        default=6,
        validators=[
            MinValueValidator(CIRCLE_MIN_MENTEES),
            MaxValueValidator(CIRCLE_MAX_MENTEES),
        ],
    )
    member_count = models.PositiveSmallIntegerField(default=0, editable=False)
    starts_on = models.DateField("term starts")
    ends_on = models.DateField("term ends")
    cadence = models.CharField(
        "meets", max_length=12, choices=Cadence.choices, default=Cadence.FORTNIGHTLY
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PROPOSED)
    decision_note = models.CharField(max_length=500, blank=True)
    decided_by = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar = ["starts_on", "pk"]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gt=models.F("starts_on")),
                name="circle_ends_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    max_mentees__gte=CIRCLE_MIN_MENTEES, max_mentees__lte=CIRCLE_MAX_MENTEES
                ),
                name="circle_size_3_to_8",
            ),
            models.CheckConstraint(
                condition=models.Q(member_count__lte=models.F("max_mentees")),
                name="circle_within_size",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("community:circle_detail", args=[self.pk])

    @property
    def seats_left(self) -> int:
        return max(self.max_mentees - self.member_count, 0)

    @property
    def is_over(self) -> bool:
        from mentorbridge.core import clock

        return clock.today() > self.ends_on


class CircleApplication(models.Model):
    """A mentee asks to join; `rank` orders a mentee's applications in a cycle (1 = first choice),
    which the placement run follows."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for the leader"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        WITHDRAWN = "withdrawn", "Withdrawn"

    circle = models.ForeignKey(Circle, on_delete=models.CASCADE, related_name="applications")
    mentee = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="circle_applications")
    note = models.TextField(max_length=1000)
    rank = models.PositiveSmallIntegerField(default=1)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["rank", "created_at", "pk"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["circle", "mentee"], name="circle_apply_once")
        ]

    def __str__(self) -> str:
        return f"{self.mentee} → {self.circle}"


class CircleMember(models.Model):
    """A mentee's seat in a circle. `cycle` repeats the circle's, so the database can allow one
    active circle per mentee per cycle."""

    class Source(models.TextChoices):
        APPLICATION = "application", "Accepted by the leader"
        PLACEMENT = "placement", "Coordinators' placement"

    circle = models.ForeignKey(Circle, on_delete=models.CASCADE, related_name="members")
    mentee = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="circle_seats")
    cycle = models.ForeignKey("programs.Cycle", on_delete=models.CASCADE, related_name="+")
    source = models.CharField(max_length=12, choices=Source.choices)
    active = models.BooleanField(default=True)
    joined_at = models.DateTimeField(default=timezone.now)
    left_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["joined_at", "pk"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["mentee", "cycle"],
                condition=models.Q(active=True),
                name="circle_one_per_mentee_cycle",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.mentee} in {self.circle}"


class CircleNorms(AgreementTerms):
    """The circle's agreement: the pair agreement's terms, written by the leader and confirmed by
    each member (`CircleNormsConfirmation`); editing clears the confirmations."""

    circle = models.OneToOneField(Circle, on_delete=models.CASCADE, related_name="norms")
    confidentiality = models.TextField(
        max_length=1000,
        default="What members share stays in the circle unless they agree otherwise, or someone's safety is at risk.",
    )

    def __str__(self) -> str:
        return f"Norms of {self.circle}"


class CircleNormsConfirmation(models.Model):
    norms = models.ForeignKey(CircleNorms, on_delete=models.CASCADE, related_name="confirmations")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    confirmed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["norms", "member"], name="circle_norms_confirm_once")
        ]

    def __str__(self) -> str:
        return f"{self.member_id} confirmed {self.norms_id}"


class CircleMeeting(ScheduledMeeting):
    """The leader sets a meeting; every member gets the invite. Logged as held (minutes) after."""

    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        CANCELLED = "cancelled", "Cancelled"
        HELD = "held", "Held"
        MISSED = "missed", "Did not take place"

    circle = models.ForeignKey(Circle, on_delete=models.CASCADE, related_name="meetings")
    duration_minutes = models.PositiveSmallIntegerField(
        default=60, validators=[MinValueValidator(10), MaxValueValidator(240)]
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PLANNED)

    def __str__(self) -> str:
        return f"Meeting {self.pk} of {self.circle}"


class CircleMessage(ThreadMessage):
    circle = models.ForeignKey(Circle, on_delete=models.CASCADE, related_name="messages")

    def __str__(self) -> str:
        return f"Circle message {self.pk}"


class CircleCheckIn(models.Model):
    """A member's short check-in on how the circle goes: once a month each (the unique key)."""

    circle = models.ForeignKey(Circle, on_delete=models.CASCADE, related_name="check_ins")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    month = models.DateField(help_text="The first day of the month it is for.")
    rating = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comments = models.TextField(max_length=3000, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["circle", "member", "month"], name="circle_check_in_once_a_month"
            )
        ]

    def __str__(self) -> str:
        return f"Check-in of {self.member_id} in {self.circle_id}"


class BoardDigest(models.Model):
    """One daily email to a mentor about new questions on their boards. The unique key makes a
    second run on the same day (or two at once) send nothing twice; `through` is where the next
    digest starts."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    through = models.DateTimeField()
    questions = models.PositiveIntegerField(default=0)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["member", "day"], name="board_digest_once_a_day")
        ]

    def __str__(self) -> str:
        return f"Digest for {self.member_id} on {self.day}"
