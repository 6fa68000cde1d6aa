"""Typed shapes of the API's requests and answers (the OpenAPI schema is generated from them)."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from ninja import Schema
from pydantic import Field, field_validator


class In(Schema):
    """Request bodies: text never carries a NUL character (PostgreSQL refuses it)."""

    @field_validator("*", mode="after")
    @classmethod
    def _no_nul(cls, value: Any) -> Any:
        items = value if isinstance(value, list) else [value]
        if any(isinstance(v, str) and "\x00" in v for v in items):
            raise ValueError("Text may not contain a NUL character.")
        return value


class Error(Schema):
    detail: str
    code: str
    errors: dict[str, list[str]] | None = None


class Term(Schema):
    slug: str
    name: str


class InstitutionOut(Schema):
    id: int
    name: str
    city: str
    region: str
    country: str
    has_ct_program: bool


class MemberBrief(Schema):
    id: int
    name: str
    stage: Term | None
    institution: InstitutionOut | None


class ProfileOut(Schema):
    id: int
    email: str
    full_name: str
    pronouns: str
    stage: Term | None
    membership_category: Term | None
    institution: InstitutionOut | None
    home_has_ct_program: bool | None
    time_zone: str
    languages: list[str]
    interests: list[str]
    topics_wanted: list[str]
    topics_offered: list[str]
    bio: str
    goals: str
    meeting_formats: list[str]
    meeting_frequency: str
    phone: str
    roles: list[str]
    missing: list[str]
    is_coordinator: bool


class ProfilePatch(In):
    full_name: str | None = Field(None, max_length=150)
    pronouns: str | None = Field(None, max_length=40)
    stage: str | None = Field(None, max_length=60, description="A training stage slug.")
    membership_category: str | None = Field(None, max_length=60)
    institution: int | None = Field(None, ge=1, le=2**62, description="An institution id.")
    home_has_ct_program: bool | None = None
    time_zone: str | None = Field(None, max_length=64)
    languages: list[str] | None = Field(None, max_length=50)
    interests: list[str] | None = Field(None, max_length=50)
    topics_wanted: list[str] | None = Field(None, max_length=50)
    topics_offered: list[str] | None = Field(None, max_length=50)
    bio: str | None = Field(None, max_length=2000)
    goals: str | None = Field(None, max_length=2000)
    meeting_formats: list[Literal["video", "phone", "in_person"]] | None = None
    meeting_frequency: Literal["", "weekly", "biweekly", "monthly", "quarterly"] | None = None
    phone: str | None = Field(None, max_length=30)


class ProgramOut(Schema):
    id: int
    slug: str
    name: str
    description: str
    matching_mode: str
    allows_requests: bool
    mentee_stages: list[str]
    mentor_stages: list[str]
    response_days: int
    max_open_requests: int


class CycleOut(Schema):
    id: int
    program: str
    name: str
    status: str
    enrollment_opens: dt.date
    enrollment_closes: dt.date
    match_date: dt.date
    term_end: dt.date
    is_enrolling: bool


class EnrollmentOut(Schema):
    id: int
    cycle: int
    program: str
    role: str
    status: str
    goals: str
    topics: list[str]
    capacity: int
    mentee_count: int
    hours_per_month: int
    created_at: dt.datetime


class EnrollmentIn(In):
    cycle: int = Field(..., ge=1, le=2**62)
    role: Literal["mentee", "mentor"]
    goals: str | None = Field(None, max_length=2000)
    topics: list[str] | None = Field(None, max_length=50, description="Topic slugs.")
    target_programs: list[int] | None = Field(None, max_length=50)
    institution_preference: Literal["", "same", "different"] | None = None
    same_region: bool | None = None
    language: str | None = Field(None, max_length=60)
    language_insisted: bool | None = None
    same_gender: Literal["", "soft", "hard"] | None = None
    shared_background: Literal["", "soft", "hard"] | None = None
    capacity: int | None = Field(None, ge=1, le=5)
    hours_per_month: int | None = Field(None, ge=0, le=40)


class ReasonOut(Schema):
    factor: str
    contribution: float


class RecommendationOut(Schema):
    mentor_enrollment: int
    mentor: MemberBrief
    score: float
    reasons: list[str]
    factors: list[ReasonOut]
    seats_left: int
    already_requested: bool


class RequestOut(Schema):
    id: int
    cycle: int
    program: str
    mentee_enrollment: int
    mentor_enrollment: int
    mentee: MemberBrief
    mentor: MemberBrief
    message: str
    state: str
    decline_reason: str
    created_at: dt.datetime
    deadline: dt.datetime
    answered_at: dt.datetime | None
    mentorship: int | None


class RequestIn(In):
    mentee_enrollment: int = Field(..., ge=1, le=2**62)
    mentor_enrollment: int = Field(..., ge=1, le=2**62)
    message: str = Field(..., max_length=2000)


class DeclineIn(In):
    reason: str = Field("", max_length=1000)


class MentorshipOut(Schema):
    id: int
    program: str
    cycle: int
    mentee: MemberBrief
    mentor: MemberBrief
    status: str
    source: str
    started_at: dt.datetime
    ended_at: dt.datetime | None
    last_activity_at: dt.datetime


class MeetingOut(Schema):
    id: int
    proposed_by: int
    starts_at: dt.datetime
    duration_minutes: int
    format: str
    location: str
    status: str


class MeetingIn(In):
    starts_at: dt.datetime = Field(
        ..., description="With an offset; without one it is read in your profile's time zone."
    )
    duration_minutes: int = Field(45, ge=10, le=240)
    format: Literal["video", "phone", "in_person"] = "video"
    location: str = Field("", max_length=300)


class MessageOut(Schema):
    id: int
    author: int
    body: str
    created_at: dt.datetime
    read_at: dt.datetime | None


class MessageIn(In):
    body: str = Field(..., max_length=5000)


class MilestoneOut(Schema):
    id: int
    title: str
    done: bool


class GoalOut(Schema):
    id: int
    title: str
    description: str
    due_date: dt.date | None
    status: str
    milestones: list[MilestoneOut]


class GoalIn(In):
    title: str = Field(..., max_length=200)
    description: str = Field("", max_length=2000)
    due_date: dt.date | None = None
    milestones: list[str] = Field(default_factory=list, max_length=20)


class NotificationOut(Schema):
    id: int
    kind: str
    title: str
    body: str
    url: str
    created_at: dt.datetime
    read_at: dt.datetime | None


class Done(Schema):
    detail: str


class MemberOut(MemberBrief):
    email: str
    is_active: bool
    roles: list[str]
    membership_category: Term | None


class CycleEnrollmentOut(EnrollmentOut):
    member: MemberBrief


class PairIn(In):
    mentee_email: str = Field(..., max_length=254)
    mentor_email: str = Field(..., max_length=254)


class MatchRunIn(In):
    objective: Literal["total", "coverage", "maximin", "stable"] = "coverage"
    seed: int = Field(0, ge=0, le=2**31 - 1)
    weights: dict[str, float] = Field(
        default_factory=dict,
        description="Score factor → weight (0–100); others keep the program's.",
    )
    fixed_pairs: list[PairIn] = Field(default_factory=list, max_length=500)
    forbidden_pairs: list[PairIn] = Field(default_factory=list, max_length=500)


class MatchRunOut(Schema):
    id: int
    cycle: int
    objective: str
    status: str
    progress: int
    progress_note: str
    seed: int
    weights: dict[str, float]
    metrics: dict[str, Any]
    publish_report: dict[str, Any]
    error: str
    created_at: dt.datetime
    finished_at: dt.datetime | None
    published_at: dt.datetime | None


class ProposalOut(Schema):
    id: int
    mentee_enrollment: int
    mentee: MemberBrief
    mentor_enrollment: int | None
    mentor: MemberBrief | None
    score: float | None
    factors: list[ReasonOut]
    unmatched_reason: str
    locked: bool
    edited: bool


class PublishOut(Schema):
    created: int
    skipped: list[dict[str, str]]


EventName = Literal[
    "mentorship.started",
    "mentorship.closed",
    "request.answered",
    "match_run.published",
    "member.imported",
]


class WebhookIn(In):
    url: str = Field(..., max_length=500, description="An http(s) URL that accepts POSTs.")
    events: list[EventName] = Field(..., min_length=1, max_length=5)


class WebhookOut(Schema):
    id: int
    url: str
    events: list[str]
    is_active: bool
    created_at: dt.datetime


class WebhookCreated(WebhookOut):
    secret: str = Field(..., description="Shown once: check each delivery's signature with it.")


class DeliveryOut(Schema):
    id: int
    event_id: str
    event: str
    status: str
    attempts: int
    last_status_code: int | None
    last_error: str
    next_attempt_at: dt.datetime
    created_at: dt.datetime
    delivered_at: dt.datetime | None


Cell = bool | int | float | str | None


class TableOut(Schema):
    slug: str
    title: str
    headers: list[str]
    rows: list[list[Cell]]
    note: str


class FiguresOut(Schema):
    cycle: int
    headline: dict[str, Cell]
    tables: list[TableOut]


class ExportOut(Schema):
    what: str
    cycle: int
    headers: list[str]
    rows: list[list[Cell]]
