"""Mentees find mentors and send requests; mentors answer them, in the app or from the email."""

from __future__ import annotations

import datetime as dt

from allauth.core import ratelimit
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mentorbridge.core import clock
from mentorbridge.core.htmx import HtmxHttpRequest
from mentorbridge.core.links import url_former
from mentorbridge.core.refusals import Refusal, refusal_shown
from mentorbridge.members.selectors import member_for_user
from mentorbridge.programs.models import Cycle, Enrollment
from mentorbridge.programs.selectors import get_enrollment_for_member

from . import cards, pool, rankings, recommendations, services
from .forms import MAX_SHOWN, SHOWN_PAGE, DeclineForm, FindForm, RequestForm
from .models import MentorshipRequest
from .selectors import get_request_by_id, get_request_for_member, get_request_for_mentor


def _mentee_enrollment(request: HttpRequest, pk: int) -> Enrollment:
    enrollment = get_enrollment_for_member(member_for_user(request.user), pk)
    if enrollment.role != Enrollment.Role.MENTEE:
        raise Http404("Not a mentee enrollment.")
    return enrollment


@require_GET
@login_required
def find(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    enrollment = _mentee_enrollment(request, pk)
    form = FindForm(request.GET or None)
    if request.GET and not form.is_valid():
        messages.warning(request, "Some filters were not understood and were ignored.")
    filters = form.filters()
    # The enrollment's cycle row was read just now: its pool version is current.
    entry = pool.pool_for(enrollment.cycle, version=enrollment.cycle.pool_version)
    shown = form.shown_count()
    page = recommendations.for_mentee(enrollment, filters=filters, limit=shown, entry=entry)
    _cards(enrollment, page)
    context = {
        "enrollment": enrollment,
        "page": page,
        "more": _more(request, page, shown),
        **_ranking_context(enrollment, page),
    }
    if request.htmx:
        return render(request, "matching/_recommendations.html", context)
    return render(
        request,
        "matching/find.html",
        {
            **context,
            "form": form,
            "filter_fields": recommendations.filter_fields(entry, filters),
        },
    )


def _more(request: HttpRequest, page: recommendations.Page, shown: int) -> dict[str, object]:
    """The "Show more" link under the list: the same filters with one more page of mentors, while
    more match and the list is under its cap."""
    left = page.matched_filters - len(page.items)
    if left <= 0 or len(page.items) < shown or shown >= MAX_SHOWN:
        return {"left": max(left, 0), "url": "", "count": 0}
    query = request.GET.copy()
    query["shown"] = str(shown + SHOWN_PAGE)
    return {"left": left, "url": f"?{query.urlencode()}", "count": min(SHOWN_PAGE, left)}


def _cards(enrollment: Enrollment, page: recommendations.Page) -> None:
    """Each card's links (the patterns reversed once for the page) and its parts that are the
    same for every viewer (matching.cards)."""
    profile, ask = url_former("members:detail"), url_former("matching:request_new", 2)
    for rec in page.items:
        rec.profile_url = profile(rec.enrollment.member_id)
        rec.request_url = ask(enrollment.pk, rec.enrollment.pk)
        rec.head = cards.head(rec)
        rec.interests_html = cards.interests(rec)


def _ranking_context(enrollment: Enrollment, page: recommendations.Page) -> dict[str, object]:
    """For the find page: whether the mentee can rank mentors here, and where each one stands."""
    can_rank = (
        rankings.uses_rankings(enrollment.cycle.program)
        and enrollment.cycle.status == Cycle.Status.OPEN
        and enrollment.status == Enrollment.Status.ACTIVE
    )
    # The page shows a ranking only where the mentee can rank.
    ranked = rankings.ranked_ids(enrollment) if can_rank else []
    places = {pk: n for n, pk in enumerate(ranked, start=1)}
    for rec in page.items:
        rec.ranked_place = places.get(rec.enrollment.pk)
    return {"can_rank": can_rank, "ranked_count": len(places)}


@require_http_methods(["GET", "POST"])
@login_required
def ranking(request: HttpRequest, pk: int) -> HttpResponse:
    """A member's own ranking for the batch run: a mentee's mentors, a mentor's applicants."""
    enrollment = get_enrollment_for_member(member_for_user(request.user), pk)
    if not rankings.uses_rankings(enrollment.cycle.program):
        raise Http404("This program has no batch matching.")
    if request.method == "POST":
        try:
            ranked_id = int(request.POST.get("enrollment", ""))
        except ValueError:
            ranked_id = 0
        action = request.POST.get("action", "")
        with refusal_shown(request):
            rankings.ranking_change(ranker=enrollment, ranked_id=ranked_id, action=action)
            if action == "add":
                messages.success(request, "Added to your ranking.")
        if request.POST.get("next") == "find" and enrollment.role == Enrollment.Role.MENTEE:
            return redirect("matching:find", pk=enrollment.pk)
        return redirect("matching:ranking", pk=enrollment.pk)
    ranked = rankings.ranking_of(enrollment)
    waiting = []
    if enrollment.role == Enrollment.Role.MENTOR:
        waiting = [e for e in rankings.applicants(enrollment) if e not in ranked]
    return render(
        request,
        "matching/ranking.html",
        {
            "enrollment": enrollment,
            "ranked": ranked,
            "waiting": waiting,
            "limit": rankings.MENTEE_LIMIT
            if enrollment.role == Enrollment.Role.MENTEE
            else rankings.MENTOR_LIMIT,
            "editable": enrollment.cycle.status == Cycle.Status.OPEN
            and enrollment.status == Enrollment.Status.ACTIVE,
        },
    )


def _suggested_message(enrollment: Enrollment, mentor_name: str, reasons: list[str]) -> str:
    member = enrollment.member
    stage = member.stage.name if member.stage else "a trainee"
    where = member.institution.name if member.institution else "my school"
    topics = (
        recommendations.join_words(
            recommendations.in_sentence(t.name) for t in enrollment.topics.order_by("name")[:3]
        )
        or "my next steps"
    )
    why = reasons[0] if reasons else "your experience fits what I am looking for"
    return (
        f"Dear {mentor_name},\n\n"
        f"I am {member.display_name}, {stage} at {where}. I am reaching out because {why}.\n\n"
        f"I would value your guidance on {topics}. For a first conversation, I would like to:\n"
        "1. introduce myself and my goals for this year,\n"
        "2. hear how you chose your path,\n"
        "3. agree how often we meet.\n\n"
        "Thank you for considering it.\n"
        f"{member.display_name}"
    )


@require_http_methods(["GET", "POST"])
@login_required
def request_new(request: HttpRequest, pk: int, mentor_pk: int) -> HttpResponse:
    enrollment = _mentee_enrollment(request, pk)
    mentor_enrollment = (
        Enrollment.objects.select_related("member__user", "member__stage", "member__institution")
        .filter(pk=mentor_pk, cycle_id=enrollment.cycle_id, role=Enrollment.Role.MENTOR)
        .first()
    )
    if mentor_enrollment is None:
        raise Http404("No such mentor in this cycle.")
    explanation = recommendations.explain_pair(enrollment, mentor_enrollment)
    if request.method == "POST":
        form = RequestForm(request.POST)
        if form.is_valid():
            with refusal_shown(request):
                services.request_send(
                    mentee_enrollment=enrollment,
                    mentor_enrollment=mentor_enrollment,
                    message=form.cleaned_data["message"],
                )
                messages.success(
                    request,
                    f"Request sent to {mentor_enrollment.member.display_name}. "
                    f"You will hear back within {enrollment.cycle.program.response_days} days.",
                )
                return redirect("matching:requests")
        status = 400
    else:
        form = RequestForm(
            initial={
                "message": _suggested_message(
                    enrollment, mentor_enrollment.member.display_name, explanation.letter_reasons
                )
            }
        )
        status = 200
    return render(
        request,
        "matching/request_new.html",
        {
            "enrollment": enrollment,
            "mentor_enrollment": mentor_enrollment,
            "form": form,
            "explanation": explanation,
        },
        status=status,
    )


@require_GET
@login_required
def requests(request: HttpRequest) -> HttpResponse:
    member = member_for_user(request.user)
    qs = MentorshipRequest.objects.select_related(
        "cycle__program",
        "mentee_enrollment__member__stage",
        "mentee_enrollment__member__institution",
        "mentor_enrollment__member__stage",
        "mentor_enrollment__member__institution",
        "mentorship",
    ).filter(Q(mentee_enrollment__member=member) | Q(mentor_enrollment__member=member))
    received = [r for r in qs if r.mentor_enrollment.member_id == member.pk]
    sent = [r for r in qs if r.mentee_enrollment.member_id == member.pk]
    return render(
        request,
        "matching/requests.html",
        {
            "received": received,
            "sent": sent,
            "decline_form": DeclineForm(),
            # Already enrolled as a mentee: point to Find a mentor, not to enrolling again.
            "mentee_enrollment": Enrollment.objects.active()
            .mentees()
            .filter(member=member, cycle__status=Cycle.Status.OPEN)
            .first(),
        },
    )


@require_POST
@login_required
def accept(request: HttpRequest, pk: int) -> HttpResponse:
    member = member_for_user(request.user)
    mentorship_request = get_request_for_mentor(member, pk)
    with refusal_shown(request):
        mentorship = services.request_accept(request=mentorship_request, by=member)
        messages.success(request, "Request accepted. Say hello within a week!")
        return redirect(mentorship.get_absolute_url())
    return redirect("matching:requests")


@require_POST
@login_required
def decline(request: HttpRequest, pk: int) -> HttpResponse:
    member = member_for_user(request.user)
    mentorship_request = get_request_for_mentor(member, pk)
    form = DeclineForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    with refusal_shown(request):
        services.request_decline(request=mentorship_request, by=member, reason=reason)
        messages.success(request, "Request declined. The mentee is shown other mentors.")
    return redirect("matching:requests")


@require_POST
@login_required
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    member = member_for_user(request.user)
    mentorship_request = get_request_for_member(member, pk)
    with refusal_shown(request):
        services.request_withdraw(request=mentorship_request, by=member)
        messages.success(request, "Request withdrawn.")
    return redirect("matching:requests")


@require_http_methods(["GET", "POST"])
def answer(request: HttpRequest, token: str) -> HttpResponse:
    """The email's one-click link. GET shows one button (mail scanners prefetch links, so a GET
    never changes anything); POST answers, authenticated by the signed token. Rate limited per
    address and per token (settings.ACCOUNT_RATE_LIMITS["request_answer"]): a link is a credential."""
    limited: HttpResponse | None = ratelimit.consume_or_429(
        request, action="request_answer", key=token, limit_get=True
    )
    if limited is not None:
        return limited
    try:
        request_id, action = services.read_answer_token(token, max_age=dt.timedelta(days=31))
        mentorship_request = get_request_by_id(request_id)
    except (Refusal, Http404) as error:
        return render(request, "matching/answer.html", {"error": str(error)}, status=400)
    context = {
        "mentorship_request": mentorship_request,
        "action": action,
        "token": token,
        "form": DeclineForm(),
    }
    if request.method == "POST":
        mentor = mentorship_request.mentor_enrollment.member
        try:
            if action == "accept":
                services.request_accept(request=mentorship_request, by=mentor)
            else:
                form = DeclineForm(request.POST)
                reason = form.cleaned_data["reason"] if form.is_valid() else ""
                services.request_decline(request=mentorship_request, by=mentor, reason=reason)
        except Refusal as error:
            context["error"] = str(error)
            return render(request, "matching/answer.html", context, status=409)
        context["done"] = True
    elif (
        mentorship_request.state != MentorshipRequest.State.PENDING
        or mentorship_request.deadline <= clock.now()
    ):
        context["error"] = services.not_pending_reason(mentorship_request, clock.now())
    return render(request, "matching/answer.html", context)
