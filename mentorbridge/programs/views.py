"""Members enroll in cycles; coordinators create, open and close them."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from mentorbridge.core import clock
from mentorbridge.core.refusals import refusal_shown
from mentorbridge.members.models import Member
from mentorbridge.members.selectors import member_for_user

from . import services
from .forms import MenteeEnrollmentForm, MentorEnrollmentForm
from .models import Cycle, Enrollment
from .selectors import get_cycle, get_enrollment_for_member


@require_GET
@login_required
def index(request: HttpRequest) -> HttpResponse:
    member = member_for_user(request.user)
    cycles = list(Cycle.objects.open().select_related("program").order_by("program_id"))
    mine = {
        (e.cycle_id, e.role): e
        for e in Enrollment.objects.filter(member=member).select_related("cycle__program")
    }
    rows = []
    for cycle in cycles:
        options = []
        for role in (Enrollment.Role.MENTEE, Enrollment.Role.MENTOR):
            enrollment = mine.get((cycle.pk, role))
            problem = services.eligibility_problem(member=member, program=cycle.program, role=role)
            options.append({"role": role, "enrollment": enrollment, "problem": problem})
        rows.append(
            {
                "cycle": cycle,
                "options": options,
                "enrolling": cycle.is_enrolling(),
                "not_yet": clock.today() < cycle.enrollment_opens,
            }
        )
    return render(request, "programs/index.html", {"rows": rows, "member": member})


def _enrollment_form(
    request: HttpRequest, *, role: str, member: Member, cycle: Cycle, instance: Enrollment | None
) -> MenteeEnrollmentForm | MentorEnrollmentForm:
    data = request.POST if request.method == "POST" else None
    if role == Enrollment.Role.MENTEE:
        return MenteeEnrollmentForm(data, member=member, instance=instance)
    return MentorEnrollmentForm(
        data,
        member=member,
        instance=instance,
        default_capacity=cycle.program.default_mentor_capacity,
    )


@require_http_methods(["GET", "POST"])
@login_required
def enroll(request: HttpRequest, pk: int, role: str) -> HttpResponse:
    member = member_for_user(request.user)
    cycle = get_cycle(pk)
    if role not in Enrollment.Role.values:
        raise Http404("No such role.")
    problem = services.eligibility_problem(member=member, program=cycle.program, role=role)
    if problem is None and not cycle.is_enrolling():
        problem = f"{cycle} is not taking enrollments now."
    form = _enrollment_form(request, role=role, member=member, cycle=cycle, instance=None)
    status = 200
    if request.method == "POST":
        if problem:
            messages.error(request, problem)
            return redirect("programs:index")
        if form.is_valid():
            data = dict(form.cleaned_data)
            topics = list(data.pop("topics", []))
            targets = list(data.pop("target_programs", []))
            with refusal_shown(request):
                enrollment = services.enrollment_create(
                    member=member,
                    cycle=cycle,
                    role=role,
                    topics=topics,
                    target_programs=targets,
                    **data,
                )
                if role == Enrollment.Role.MENTOR:
                    messages.success(request, "Thank you for mentoring! Mentees can now find you.")
                    return redirect("programs:index")
                messages.success(
                    request, "You are enrolled. Here are the mentors recommended for you."
                )
                return redirect("matching:find", enrollment.pk)
            return redirect("programs:index")
        status = 400
    return render(
        request,
        "programs/enroll.html",
        {"cycle": cycle, "role": role, "form": form, "problem": problem},
        status=status,
    )


@require_http_methods(["GET", "POST"])
@login_required
def edit_enrollment(request: HttpRequest, pk: int) -> HttpResponse:
    member = member_for_user(request.user)
    enrollment = get_enrollment_for_member(member, pk)
    if (
        enrollment.status != Enrollment.Status.ACTIVE
        or enrollment.cycle.status == Cycle.Status.CLOSED
    ):
        messages.error(request, "This enrollment can no longer be changed.")
        return redirect("programs:index")
    form = _enrollment_form(
        request, role=enrollment.role, member=member, cycle=enrollment.cycle, instance=enrollment
    )
    if request.method == "POST":
        if form.is_valid():
            data = dict(form.cleaned_data)
            with refusal_shown(request):
                services.enrollment_update(
                    enrollment=enrollment,
                    topics=list(data.pop("topics", [])),
                    target_programs=list(data.pop("target_programs", [])),
                    **data,
                )
                messages.success(request, "Your enrollment is updated.")
                return redirect("programs:index")
            enrollment.refresh_from_db()  # refused: the page shows what is saved
        return render(
            request,
            "programs/enroll.html",
            {
                "cycle": enrollment.cycle,
                "role": enrollment.role,
                "form": form,
                "enrollment": enrollment,
            },
            status=400,
        )
    return render(
        request,
        "programs/enroll.html",
        {
            "cycle": enrollment.cycle,
            "role": enrollment.role,
            "form": form,
            "enrollment": enrollment,
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    """Leaving a cycle withdraws every open request too, so the button asks first (a GET shows
    what it will do; only the POST from that page does it)."""
    member = member_for_user(request.user)
    enrollment = get_enrollment_for_member(member, pk)
    if enrollment.status != Enrollment.Status.ACTIVE:
        messages.info(request, f"You are no longer enrolled in {enrollment.cycle}.")
        return redirect("programs:index")
    if request.method == "GET":
        return render(
            request,
            "programs/withdraw.html",
            {
                "enrollment": enrollment,
                "open_requests": services.open_requests(enrollment).count(),
            },
        )
    services.enrollment_withdraw(enrollment=enrollment)
    messages.success(
        request, f"You withdrew from {enrollment.cycle}. Your open requests were withdrawn."
    )
    return redirect("programs:index")
