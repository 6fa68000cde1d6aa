"""The "ask a resident" pages: the boards, one board with search, a question with its answers,
and the coordinators' moderation queue."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mentorbridge.core.permissions import coordinator_required, is_coordinator
from mentorbridge.core.refusals import refusal_shown
from mentorbridge.members.selectors import member_for_user

from . import board as services
from .forms import AnswerForm, QuestionForm, ReportForm, SearchForm
from .models import Answer, BoardReport, Helpful, Question
from .selectors import (
    get_answer_for_member,
    get_board_for_member,
    get_question_for_member,
    programs_for,
    roles_in,
)


@require_GET
@login_required
def boards(request: HttpRequest) -> HttpResponse:
    member = member_for_user(request.user)
    programs = programs_for(member).annotate(
        question_count=Count(
            "board_questions", filter=Q(board_questions__hidden=False), distinct=True
        )
    )
    if len(programs) == 1:
        return redirect("community:board", programs[0].slug)
    return render(request, "community/boards.html", {"programs": programs})


@require_GET
@login_required
def board(request: HttpRequest, slug: str) -> HttpResponse:
    member = member_for_user(request.user)
    program = get_board_for_member(member, slug)
    form = SearchForm(request.GET or None)
    text, topic = "", None
    if form.is_valid():
        text, topic = form.cleaned_data["q"] or "", form.cleaned_data["topic"]
    questions = services.search(program=program, text=text, topic=topic, viewer=member)
    page = Paginator(questions.prefetch_related("topics"), 20).get_page(request.GET.get("page"))
    rows = [{"question": q, "author": services.author_label(q, member)} for q in page]
    return render(
        request,
        "community/board.html",
        {
            "program": program,
            "form": form,
            "rows": rows,
            "page": page,
            "searching": bool(text or topic),
            "can_ask": "mentee" in roles_in(member, program),
            "ask_form": QuestionForm(),
            "is_coordinator": is_coordinator(request.user),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def ask(request: HttpRequest, slug: str) -> HttpResponse:
    member = member_for_user(request.user)
    program = get_board_for_member(member, slug)
    form = QuestionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with refusal_shown(request, form=form):
            question = services.question_ask(
                program=program,
                by=member,
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
                topics=list(form.cleaned_data["topics"]),
                anonymous=form.cleaned_data["anonymous"],
            )
            messages.success(
                request, "Your question is on the board. You will be told when a mentor answers."
            )
            return redirect(question.get_absolute_url())
    return render(request, "community/ask.html", {"program": program, "form": form})


@require_GET
@login_required
def question(request: HttpRequest, pk: int) -> HttpResponse:
    member = member_for_user(request.user)
    item = get_question_for_member(member, pk)
    coordinator = is_coordinator(request.user)
    answers = item.answers.select_related("author__stage").annotate(
        helpful=Count("helpful_marks", distinct=True)
    )
    if not coordinator:
        answers = answers.filter(hidden=False)
    marked = set(
        Helpful.objects.filter(member=member, answer__question=item).values_list(
            "answer_id", flat=True
        )
    )
    return render(
        request,
        "community/question.html",
        {
            "question": item,
            "author": services.author_label(item, member),
            "body": services.render_text(item.body),
            "answers": [
                {"answer": a, "html": services.render_text(a.body), "marked": a.pk in marked}
                for a in answers.order_by("-helpful", "created_at", "pk")
            ],
            "can_answer": "mentor" in roles_in(member, item.program) and not item.hidden,
            "answer_form": AnswerForm(),
            "report_form": ReportForm(),
            "is_coordinator": coordinator,
            "member": member,
        },
    )


def _done(request: HttpRequest, url: str, action: Callable[[], object], text: str) -> HttpResponse:
    with refusal_shown(request):
        action()
        messages.success(request, text)
    return redirect(url)


@require_POST
@login_required
def answer_new(request: HttpRequest, pk: int) -> HttpResponse:
    member = member_for_user(request.user)
    item = get_question_for_member(member, pk)
    form = AnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
        return redirect(item.get_absolute_url())
    return _done(
        request,
        item.get_absolute_url() + "#answers",
        lambda: services.answer_post(question=item, by=member, body=form.cleaned_data["body"]),
        "Thank you: your answer is posted.",
    )


@require_POST
@login_required
def answer_helpful(request: HttpRequest, pk: int) -> HttpResponse:
    member = member_for_user(request.user)
    answer = get_answer_for_member(member, pk)
    return _done(
        request,
        answer.question.get_absolute_url() + f"#answer-{answer.pk}",
        lambda: services.helpful_toggle(answer=answer, by=member),
        "Thanks for the feedback.",
    )


def _report(
    request: HttpRequest,
    url: str,
    *,
    question: Question | None = None,
    answer: Answer | None = None,
) -> HttpResponse:
    member = member_for_user(request.user)
    form = ReportForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Say in a few words what is wrong with the post.")
        return redirect(url)
    return _done(
        request,
        url,
        lambda: services.report_file(
            by=member, reason=form.cleaned_data["reason"], question=question, answer=answer
        ),
        "Thank you: the coordinators will look at it.",
    )


@require_POST
@login_required
def question_report(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_question_for_member(member_for_user(request.user), pk)
    return _report(request, item.get_absolute_url(), question=item)


@require_POST
@login_required
def answer_report(request: HttpRequest, pk: int) -> HttpResponse:
    answer = get_answer_for_member(member_for_user(request.user), pk)
    return _report(request, answer.question.get_absolute_url(), answer=answer)


@require_POST
@coordinator_required
def question_hide(request: HttpRequest, pk: int) -> HttpResponse:
    member = member_for_user(request.user)
    item = get_question_for_member(member, pk)
    hidden = request.POST.get("hidden") != "0"
    return _done(
        request,
        item.get_absolute_url(),
        lambda: services.visibility_set(by=member, hidden=hidden, question=item),
        "The question is hidden." if hidden else "The question is visible again.",
    )


@require_POST
@coordinator_required
def answer_hide(request: HttpRequest, pk: int) -> HttpResponse:
    member = member_for_user(request.user)
    answer = get_answer_for_member(member, pk)
    hidden = request.POST.get("hidden") != "0"
    return _done(
        request,
        answer.question.get_absolute_url(),
        lambda: services.visibility_set(by=member, hidden=hidden, answer=answer),
        "The answer is hidden." if hidden else "The answer is visible again.",
    )


@require_POST
@coordinator_required
def answer_promote(request: HttpRequest, pk: int) -> HttpResponse:
    member = member_for_user(request.user)
    answer = get_answer_for_member(member, pk)
    return _done(
        request,
        answer.question.get_absolute_url(),
        lambda: services.answer_promote(answer=answer, by=member),
        "The answer is in the resource library: workspaces on its topics suggest it.",
    )


@require_GET
@coordinator_required
def moderation(request: HttpRequest) -> HttpResponse:
    reports = BoardReport.objects.filter(resolved_at__isnull=True).select_related(
        "question__program", "answer__question__program", "reporter"
    )
    return render(request, "community/moderation.html", {"reports": reports})


@require_POST
@coordinator_required
def moderate(request: HttpRequest, pk: int) -> HttpResponse:
    """Act on one report from the queue: hide the post, or keep it (dismissing its reports)."""
    member = member_for_user(request.user)
    report = get_object_or_404(BoardReport.objects.filter(resolved_at__isnull=True), pk=pk)
    hidden = request.POST.get("action") == "hide"
    return _done(
        request,
        reverse("community:moderation"),
        lambda: services.visibility_set(
            by=member, hidden=hidden, question=report.question, answer=report.answer
        ),
        "Hidden." if hidden else "Kept; its reports are dismissed.",
    )
