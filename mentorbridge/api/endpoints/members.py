"""The caller's own profile, programs and cycles, enrollments and recommended mentors."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from ninja import Router

# `Query(default, ge=...)` as a default: the function ninja.Query calls (ninja.Query itself is,
# to mypy, the generic alias `Query[T]`, and calling it without a parameter is an error).
from ninja.params.functions import Query

from mentorbridge.matching import recommendations
from mentorbridge.matching.forms import FindForm
from mentorbridge.members import services as member_services
from mentorbridge.members.forms import PrivateIdentityForm, ProfileForm
from mentorbridge.members.models import (
    Interest,
    Language,
    Member,
    MembershipCategory,
    PrivateIdentity,
    Topic,
    TrainingStage,
)
from mentorbridge.programs import services as program_services
from mentorbridge.programs.forms import MenteeEnrollmentForm, MentorEnrollmentForm
from mentorbridge.programs.models import Cycle, Enrollment, Program
from mentorbridge.programs.selectors import get_cycle, get_enrollment_for_member

from .. import out
from ..auth import READ, WRITE, caller
from ..bridge import current_data, slug_to_pk, slugs_to_pks, validated
from ..errors import ApiError
from ..pagination import DEFAULT_LIMIT, Page, encode, offset_page, page_of
from ..schemas import (
    CycleOut,
    EnrollmentIn,
    EnrollmentOut,
    Error,
    ProfileOut,
    ProfilePatch,
    ProgramOut,
    RecommendationOut,
)

router = Router(tags=["members"])

ERRORS: dict[int, Any] = {400: Error, 401: Error, 403: Error, 404: Error, 422: Error, 429: Error}
WRITE_ERRORS: dict[int, Any] = {**ERRORS, 409: Error, 422: Error}


def _profile(member: Member) -> Member:
    return (
        Member.objects.with_profile()
        .prefetch_related("languages", "interests", "topics_wanted", "topics_offered")
        .get(pk=member.pk)
    )


@router.get("/me", response={200: ProfileOut, **ERRORS}, auth=READ, summary="Your profile")
def me(request: HttpRequest) -> Any:
    return out.profile(_profile(caller(request).member))


@router.patch(
    "/me", response={200: ProfileOut, **WRITE_ERRORS}, auth=WRITE, summary="Update your profile"
)
def me_update(request: HttpRequest, payload: ProfilePatch) -> Any:
    """Only the fields sent change; the profile page's rules apply (a name, a training stage...).
    Private identity answers are never read or written through the API."""
    member = _profile(caller(request).member)
    data = current_data(ProfileForm(member=member))
    patch = payload.model_dump(exclude_unset=True)
    converters: dict[str, Any] = {
        "stage": lambda v: slug_to_pk(TrainingStage, "stage", v),
        "membership_category": lambda v: slug_to_pk(MembershipCategory, "membership_category", v),
        "languages": lambda v: slugs_to_pks(Language, "languages", v),
        "interests": lambda v: slugs_to_pks(Interest, "interests", v),
        "topics_wanted": lambda v: slugs_to_pks(Topic, "topics_wanted", v),
        "topics_offered": lambda v: slugs_to_pks(Topic, "topics_offered", v),
        "institution": lambda v: "" if v is None else str(v),
        "home_has_ct_program": lambda v: "" if v is None else ("true" if v else "false"),
    }
    for name, value in patch.items():
        if value is None and name not in {"institution", "home_has_ct_program"}:
            continue
        data[name] = converters[name](value) if name in converters else value
    profile_form = ProfileForm(data, member=member)
    identity = PrivateIdentity.objects.filter(member=member).first() or PrivateIdentity(
        member=member
    )
    unchanged = PrivateIdentityForm(instance=identity, prefix="private")
    identity_form = PrivateIdentityForm(
        current_data(unchanged), instance=identity, prefix="private"
    )
    validated(profile_form)
    validated(identity_form)
    member_services.profile_update(profile_form=profile_form, identity_form=identity_form)
    return out.profile(_profile(member))


@router.get("/programs", response={200: Page[ProgramOut], **ERRORS}, auth=READ)
def programs(
    request: HttpRequest, cursor: str | None = None, limit: int = Query(DEFAULT_LIMIT, ge=1, le=100)
) -> Any:
    qs = Program.objects.prefetch_related("mentee_stages", "mentor_stages")
    return page_of(qs, out.program, cursor=cursor, limit=limit, newest_first=False)


@router.get(
    "/cycles",
    response={200: Page[CycleOut], **ERRORS},
    auth=READ,
    summary="Cycles (open ones unless asked otherwise)",
)
def cycles(
    request: HttpRequest,
    program: str | None = Query(None, max_length=60, description="A program slug."),
    status: str = Query("open", pattern="^(open|closed|any)$"),
    cursor: str | None = None,
    limit: int = Query(DEFAULT_LIMIT, ge=1, le=100),
) -> Any:
    # Drafts are for coordinators in the admin, as on the pages.
    qs = Cycle.objects.select_related("program").exclude(status=Cycle.Status.DRAFT)
    if status != "any":
        qs = qs.filter(status=status)
    if program:
        qs = qs.filter(program__slug=program)
    return page_of(qs, out.cycle, cursor=cursor, limit=limit)


@router.get("/cycles/{cycle_id}", response={200: CycleOut, **ERRORS}, auth=READ)
def cycle(request: HttpRequest, cycle_id: int) -> Any:
    return out.cycle(get_cycle(cycle_id))


def _enrollments() -> Any:
    return Enrollment.objects.select_related("cycle__program").prefetch_related("topics")


@router.get("/enrollments", response={200: Page[EnrollmentOut], **ERRORS}, auth=READ)
def enrollments(
    request: HttpRequest,
    role: str | None = Query(None, pattern="^(mentee|mentor)$"),
    status: str | None = Query(None, pattern="^(active|withdrawn)$"),
    cycle: int | None = Query(None, ge=1, le=2**62),
    cursor: str | None = None,
    limit: int = Query(DEFAULT_LIMIT, ge=1, le=100),
) -> Any:
    qs = _enrollments().filter(member=caller(request).member)
    if role:
        qs = qs.filter(role=role)
    if status:
        qs = qs.filter(status=status)
    if cycle:
        qs = qs.filter(cycle_id=cycle)
    return page_of(qs, out.enrollment, cursor=cursor, limit=limit)


@router.post(
    "/enrollments",
    response={201: EnrollmentOut, **WRITE_ERRORS},
    auth=WRITE,
    summary="Enroll in a cycle as mentee or mentor",
)
def enrollment_create(request: HttpRequest, payload: EnrollmentIn) -> Any:
    member = caller(request).member
    cycle = get_cycle(payload.cycle)
    form: MenteeEnrollmentForm | MentorEnrollmentForm
    if Enrollment.Role(payload.role) == Enrollment.Role.MENTEE:
        form = MenteeEnrollmentForm(member=member)
    else:
        form = MentorEnrollmentForm(
            member=member, default_capacity=cycle.program.default_mentor_capacity
        )
    data = current_data(form)
    fields = payload.model_dump(exclude_unset=True, exclude={"cycle", "role"})
    for name, value in fields.items():
        if name not in form.fields or value is None:
            continue
        if name == "topics":
            value = slugs_to_pks(Topic, "topics", value)
        elif name == "language":
            value = slug_to_pk(Language, "language", value)
        elif isinstance(value, bool):
            value = "true" if value else "false"
        elif isinstance(value, list):
            value = [str(v) for v in value]
        data[name] = value
    bound = type(form)(data, **_form_kwargs(form, member, cycle))
    cleaned = validated(bound)
    topics = list(cleaned.pop("topics", []))
    targets = list(cleaned.pop("target_programs", []))
    enrollment = program_services.enrollment_create(
        member=member,
        cycle=cycle,
        role=payload.role,
        topics=topics,
        target_programs=targets,
        **cleaned,
    )
    return 201, out.enrollment(_enrollments().get(pk=enrollment.pk))


def _form_kwargs(form: Any, member: Member, cycle: Cycle) -> dict[str, Any]:
    if isinstance(form, MentorEnrollmentForm):
        return {"member": member, "default_capacity": cycle.program.default_mentor_capacity}
    return {"member": member}


@router.get("/enrollments/{enrollment_id}", response={200: EnrollmentOut, **ERRORS}, auth=READ)
def enrollment(request: HttpRequest, enrollment_id: int) -> Any:
    found = get_enrollment_for_member(caller(request).member, enrollment_id)
    return out.enrollment(_enrollments().get(pk=found.pk))


@router.post(
    "/enrollments/{enrollment_id}/withdraw",
    response={200: EnrollmentOut, **WRITE_ERRORS},
    auth=WRITE,
    summary="Leave a cycle (open requests are withdrawn)",
)
def enrollment_withdraw(request: HttpRequest, enrollment_id: int) -> Any:
    found = get_enrollment_for_member(caller(request).member, enrollment_id)
    if found.status == Enrollment.Status.WITHDRAWN:
        raise ApiError(409, "You already withdrew from this cycle.", "refused")
    program_services.enrollment_withdraw(enrollment=found)
    return out.enrollment(_enrollments().get(pk=found.pk))


@router.get(
    "/enrollments/{enrollment_id}/recommendations",
    response={200: Page[RecommendationOut], **ERRORS},
    auth=READ,
    summary="Mentors recommended for one of your mentee enrollments, best first, with reasons",
)
def recommended(
    request: HttpRequest,
    enrollment_id: int,
    q: str | None = Query(None, max_length=100),
    interest: int | None = Query(None, ge=1, le=2**62),
    topic: int | None = Query(None, ge=1, le=2**62),
    institution: int | None = Query(None, ge=1, le=2**62),
    region: str | None = Query(None, max_length=100),
    language: int | None = Query(None, ge=1, le=2**62),
    cursor: str | None = None,
    limit: int = Query(DEFAULT_LIMIT, ge=1, le=100),
) -> Any:
    found = get_enrollment_for_member(caller(request).member, enrollment_id)
    if found.role != Enrollment.Role.MENTEE:
        raise Http404("Not a mentee enrollment.")
    given = {
        "q": q,
        "interest": interest,
        "topic": topic,
        "institution": institution,
        "region": region,
        "language": language,
    }
    form = FindForm({k: v for k, v in given.items() if v is not None})
    validated(form)
    filters = form.filters()
    offset, limit = offset_page(cursor, limit)
    page = recommendations.for_mentee(found, filters=filters, limit=offset + limit + 1)
    shown = page.items[offset : offset + limit]
    items = [
        {
            "mentor_enrollment": rec.enrollment.pk,
            "mentor": out.member_brief(rec.enrollment.member),
            "score": round(rec.explanation.score, 4),
            "reasons": rec.explanation.reasons,
            "factors": [
                {"factor": name, "contribution": round(value, 4)}
                for name, value in rec.explanation.contributions
            ],
            "seats_left": rec.enrollment.remaining_capacity,
            "already_requested": rec.enrollment.pk in page.already_requested,
        }
        for rec in shown
    ]
    more = len(page.items) > offset + limit
    return {"items": items, "next_cursor": encode({"o": offset + limit}) if more else None}
