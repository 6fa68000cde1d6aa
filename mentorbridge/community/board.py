"""The "ask a resident" board: questions, answers, helpful marks, reports, moderation, promotion
to the resource library, and search. Writes raise Refusal and change nothing on refusal."""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Count, Q, QuerySet
from django.urls import reverse

from mentorbridge.core import clock
from mentorbridge.core.notifications import notify
from mentorbridge.core.permissions import COORDINATORS_GROUP, is_coordinator
from mentorbridge.core.refusals import Refusal
from mentorbridge.members.models import Member, Topic
from mentorbridge.mentorships.models import Resource
from mentorbridge.mentorships.text import render_message
from mentorbridge.programs.models import Program

from .models import Answer, BoardReport, Helpful, Question
from .selectors import roles_in

# Posts a member may make per hour, by kind (cache-based; a shared cache in production).
RATE_LIMITS = {"question": 5, "answer": 20, "report": 20}
RATE_WINDOW = 3600
# This many open reports from different members hide a post until a coordinator looks at it.
AUTO_HIDE_REPORTS = 3
MAX_TEXT = 5000


# Shown like workspace messages: escaped, links clickable, sanitised.
render_text = render_message


def author_label(question: Question, viewer: Member) -> str:
    """Anonymous to other members, never to coordinators (who keep the board safe)."""
    name = question.author.display_name
    if not question.anonymous:
        return name
    if is_coordinator(viewer.user):
        return f"{name} (asked anonymously)"
    if viewer.pk == question.author_id:
        return "you (anonymously: others see “a member”)"
    return "A member (anonymous)"


def _rate_key(kind: str, member: Member) -> str:
    return f"community:rate:{kind}:{member.pk}"


def _check_rate(kind: str, member: Member) -> None:
    limit = RATE_LIMITS[kind]
    if int(cache.get(_rate_key(kind, member), 0)) >= limit:
        what = {"question": "questions", "answer": "answers", "report": "reports"}[kind]
        raise Refusal(
            f"You have posted {limit} {what} in the last hour, the most allowed. Try again later."
        )


def _count_rate(kind: str, member: Member) -> None:
    key = _rate_key(kind, member)
    # The window starts with the first post; add() is atomic in every cache backend we use.
    if not cache.add(key, 1, timeout=RATE_WINDOW):
        try:
            cache.incr(key)
        except ValueError:  # expired between add() and incr()
            cache.add(key, 1, timeout=RATE_WINDOW)


def _clean(text: str, what: str, *, limit: int = MAX_TEXT) -> str:
    text = text.replace("\x00", "").strip()
    if not text:
        raise Refusal(f"Write your {what} first.")
    if len(text) > limit:
        raise Refusal(f"Keep your {what} under {limit:,} characters.")
    return text


def question_ask(
    *,
    program: Program,
    by: Member,
    title: str,
    body: str,
    topics: list[Topic],
    anonymous: bool,
) -> Question:
    if "mentee" not in roles_in(by, program):
        raise Refusal(f"Questions on the {program} board are asked by its mentees.")
    title = _clean(title, "question", limit=200)
    body = _clean(body, "details")
    _check_rate("question", by)
    with transaction.atomic():
        question = Question.objects.create(
            program=program,
            author=by,
            title=title,
            body=body,
            anonymous=anonymous,
            created_at=clock.now(),
        )
        question.topics.set(topics)
    _count_rate("question", by)
    return question


def answer_post(*, question: Question, by: Member, body: str) -> Answer:
    if "mentor" not in roles_in(by, question.program):
        raise Refusal(f"Answers on the {question.program} board come from its mentors.")
    if question.hidden:
        raise Refusal("This question is hidden while the coordinators look at it.")
    body = _clean(body, "answer")
    _check_rate("answer", by)
    with transaction.atomic():
        answer = Answer.objects.create(
            question=question, author=by, body=body, created_at=clock.now()
        )
        if question.author_id != by.pk:
            notify(
                member=question.author,
                kind="question_answered",
                title=f"{by.display_name} answered your question “{question.title[:80]}”",
                url=question.get_absolute_url(),
            )
    _count_rate("answer", by)
    return answer


def helpful_toggle(*, answer: Answer, by: Member) -> bool:
    """Mark (or unmark) an answer as helpful; returns whether it is marked now."""
    if answer.author_id == by.pk:
        raise Refusal("Others decide whether your answer helped.")
    if answer.hidden:
        raise Refusal("This answer is hidden while the coordinators look at it.")
    with transaction.atomic():
        removed, _ = Helpful.objects.filter(answer=answer, member=by).delete()
        if removed:
            return False
        Helpful.objects.get_or_create(answer=answer, member=by)
    return True


def report_file(
    *, by: Member, reason: str, question: Question | None = None, answer: Answer | None = None
) -> BoardReport:
    reason = _clean(reason, "reason", limit=500)
    target = _target(question, answer)
    if target.author_id == by.pk:
        raise Refusal("You cannot report your own post; you can ask a coordinator to remove it.")
    _check_rate("report", by)
    with transaction.atomic():
        lookup: dict[str, Question | Answer | None] = (
            {"question": question} if question else {"answer": answer}
        )
        report, created = BoardReport.objects.get_or_create(
            reporter=by,
            **lookup,
            defaults={"reason": reason, "created_at": clock.now()},
        )
        if not created:
            raise Refusal("You already reported this; the coordinators will look at it.")
        open_reports = BoardReport.objects.filter(resolved_at__isnull=True, **lookup).count()
        if open_reports >= AUTO_HIDE_REPORTS and not target.hidden:
            type(target).objects.filter(pk=target.pk).update(hidden=True)
        for coordinator in Member.objects.filter(
            user__groups__name=COORDINATORS_GROUP, user__is_active=True
        ):
            notify(
                member=coordinator,
                kind="board_report",
                title=f"A post on the {_program(target)} board was reported",
                url=reverse("community:moderation"),
            )
    _count_rate("report", by)
    return report


def _target(question: Question | None, answer: Answer | None) -> Question | Answer:
    """The post a report or a moderation is about: callers name exactly one."""
    target = question or answer
    if target is None:
        raise TypeError("Name a question or an answer.")
    return target


def _program(target: Question | Answer) -> Program:
    return target.program if isinstance(target, Question) else target.question.program


def visibility_set(
    *, by: Member, hidden: bool, question: Question | None = None, answer: Answer | None = None
) -> None:
    """A coordinator hides a post (or shows it again); its open reports are resolved either way."""
    if not is_coordinator(by.user):
        raise Refusal("Only coordinators moderate the board.")
    target = _target(question, answer)
    lookup: dict[str, Question | Answer | None] = (
        {"question": question} if question else {"answer": answer}
    )
    with transaction.atomic():
        type(target).objects.filter(pk=target.pk).update(hidden=hidden)
        BoardReport.objects.filter(resolved_at__isnull=True, **lookup).update(
            resolved_at=clock.now(), resolution="hidden" if hidden else "kept"
        )
        target.hidden = hidden


def answer_promote(*, answer: Answer, by: Member) -> Resource:
    """Put an answer in the resource library, where workspaces suggest it by topic."""
    if not is_coordinator(by.user):
        raise Refusal("Coordinators choose what goes into the resource library.")
    if answer.hidden or answer.question.hidden:
        raise Refusal("A hidden post cannot go into the resource library.")
    with transaction.atomic():
        locked = Answer.objects.select_for_update().get(pk=answer.pk)
        if locked.resource_id:
            raise Refusal("This answer is in the resource library already.")
        question = answer.question
        resource = Resource.objects.create(
            title=question.title[:200],
            url=f"{settings.SITE_URL}{question.get_absolute_url()}#answer-{answer.pk}",
            description=(
                f"Answered by {answer.author.display_name} on the {question.program} board: "
                f"{answer.body}"
            )[:1000],
        )
        resource.topics.set(question.topics.all())
        Answer.objects.filter(pk=answer.pk).update(resource=resource)
        answer.resource = resource
        notify(
            member=answer.author,
            kind="answer_promoted",
            title="Your answer was added to the resource library. Thank you!",
            url=question.get_absolute_url(),
        )
    return resource


def search(
    *, program: Program, text: str = "", topic: Topic | None = None, viewer: Member
) -> QuerySet[Question]:
    """Questions of a board, best match first: PostgreSQL's full-text search on PostgreSQL, words
    all contained (case-insensitive) on SQLite. Hidden questions only for coordinators."""
    questions = Question.objects.filter(program=program).select_related("author", "program")
    if not is_coordinator(viewer.user):
        questions = questions.filter(hidden=False)
    if topic is not None:
        questions = questions.filter(topics=topic)
    questions = questions.annotate(
        answer_count=Count("answers", filter=Q(answers__hidden=False), distinct=True)
    )
    text = text.replace("\x00", "").strip()[:200]
    if not text:
        return questions.order_by("-created_at", "-pk")
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

        vector = SearchVector("title", weight="A", config="english") + SearchVector(
            "body", weight="B", config="english"
        )
        query = SearchQuery(text, search_type="websearch", config="english")
        return (
            questions.annotate(search=vector, rank=SearchRank(vector, query))
            .filter(search=query)
            .order_by("-rank", "-created_at")
        )
    for word in text.split()[:10]:
        questions = questions.filter(Q(title__icontains=word) | Q(body__icontains=word))
    return questions.order_by("-created_at", "-pk")
