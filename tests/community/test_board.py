"""The "ask a resident" board: who may ask, answer, mark, report, hide and promote; search;
anonymity; rate limits; escaping."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from mentorbridge.community import board
from mentorbridge.community.models import Answer, BoardReport, Helpful, Question
from mentorbridge.core.refusals import Refusal
from mentorbridge.members.models import Member, Topic
from mentorbridge.mentorships.models import Resource
from mentorbridge.programs.models import Program

from ..conftest import client_for, stage
from ..factories import MemberFactory


@pytest.fixture
def question(track1: Program, student: Member) -> Question:
    return board.question_ask(
        program=track1,
        by=student,
        title="Is the integrated I-6 pathway right for me?",
        body="I am an MS2 at a school without a CT program.",
        topics=[Topic.objects.first()],
        anonymous=True,
    )


@pytest.fixture
def answer(question: Question, resident: Member) -> Answer:
    return board.answer_post(question=question, by=resident, body="Talk to residents of both.")


def test_mentees_ask_and_mentors_answer(
    track1: Program, question: Question, resident: Member, surgeon: Member, student: Member
) -> None:
    board.answer_post(question=question, by=resident, body="It depends on how sure you are.")
    assert student.notifications.filter(kind="question_answered").exists()
    with pytest.raises(Refusal, match="asked by its mentees"):
        board.question_ask(
            program=track1, by=resident, title="x", body="y", topics=[], anonymous=False
        )
    # The surgeon is not on the track-1 board at all.
    assert client_for(surgeon).get(question.get_absolute_url()).status_code == 404
    assert client_for(surgeon).get(f"/community/questions/{track1.slug}/").status_code == 404


def test_anonymous_to_members_never_to_coordinators(
    question: Question, outsider: Member, coordinator: Member, student: Member
) -> None:
    page = client_for(outsider).get(question.get_absolute_url()).content.decode()
    assert "A member (anonymous)" in page and "Sam Student" not in page
    listing = client_for(outsider).get(f"/community/questions/{question.program.slug}/")
    assert "Sam Student" not in listing.content.decode()
    page = client_for(coordinator).get(question.get_absolute_url()).content.decode()
    assert "Sam Student (asked anonymously)" in page
    page = client_for(student).get(question.get_absolute_url()).content.decode()
    assert "you (anonymously" in page


def test_text_is_escaped_and_links_made_safe(track1: Program, outsider: Member) -> None:
    asked = board.question_ask(
        program=track1,
        by=outsider,
        title="<b>bold</b>",
        body='<script>alert(1)</script> see https://example.org <img src=x onerror="alert(2)">',
        topics=[],
        anonymous=False,
    )
    page = client_for(outsider).get(asked.get_absolute_url()).content.decode()
    assert "<script>alert(1)" not in page and "<img" not in page
    assert "&lt;b&gt;bold&lt;/b&gt;" in page
    assert 'href="https://example.org"' in page and 'rel="nofollow noopener"' in page


def test_empty_and_huge_posts_change_nothing(track1: Program, student: Member) -> None:
    for title, body, message in [
        ("  ", "body", "Write your question"),
        ("t", "x" * 5001, "under 5,000"),
    ]:
        with pytest.raises(Refusal, match=message):
            board.question_ask(
                program=track1, by=student, title=title, body=body, topics=[], anonymous=False
            )
    assert not Question.objects.exists()


def test_posting_is_rate_limited(track1: Program, student: Member) -> None:
    cache.clear()
    for k in range(board.RATE_LIMITS["question"]):
        board.question_ask(
            program=track1, by=student, title=f"Q{k}", body="b", topics=[], anonymous=False
        )
    with pytest.raises(Refusal, match="5 questions in the last hour"):
        board.question_ask(
            program=track1, by=student, title="one more", body="b", topics=[], anonymous=False
        )
    assert Question.objects.count() == 5


def test_members_mark_helpful_answers_but_not_their_own(
    answer: Answer, outsider: Member, resident: Member
) -> None:
    assert board.helpful_toggle(answer=answer, by=outsider) is True
    assert board.helpful_toggle(answer=answer, by=outsider) is False
    with pytest.raises(Refusal, match="Others decide"):
        board.helpful_toggle(answer=answer, by=resident)
    response = client_for(outsider).post(f"/community/answer/{answer.pk}/helpful/")
    assert response.status_code == 302 and Helpful.objects.count() == 1


def test_three_reports_hide_a_post_until_a_coordinator_decides(
    answer: Answer, coordinator: Member
) -> None:
    reporters = [MemberFactory(stage=stage("ms3")) for _ in range(3)]
    for reporter in reporters[:2]:
        board.report_file(by=reporter, reason="rude", answer=answer)
    answer.refresh_from_db()
    assert not answer.hidden
    with pytest.raises(Refusal, match="already reported"):
        board.report_file(by=reporters[0], reason="again", answer=answer)
    board.report_file(by=reporters[2], reason="rude", answer=answer)
    answer.refresh_from_db()
    assert answer.hidden
    assert coordinator.notifications.filter(kind="board_report").count() == 3
    # Hidden from members, listed for coordinators, who keep it.
    assert (
        client_for(reporters[0])
        .get(answer.question.get_absolute_url())
        .content.decode()
        .count("Talk to residents")
        == 0
    )
    queue = client_for(coordinator).get("/community/questions/moderation/").content.decode()
    assert "Talk to residents" in queue
    report = BoardReport.objects.first()
    assert report is not None
    client_for(coordinator).post(
        f"/community/questions/moderation/{report.pk}/", {"action": "keep"}
    )
    answer.refresh_from_db()
    assert not answer.hidden
    assert not BoardReport.objects.filter(resolved_at__isnull=True).exists()


def test_a_report_or_moderation_names_its_post(student: Member, coordinator: Member) -> None:
    with pytest.raises(TypeError, match="a question or an answer"):
        board.report_file(by=student, reason="rude")
    with pytest.raises(TypeError, match="a question or an answer"):
        board.visibility_set(by=coordinator, hidden=True)


def test_only_coordinators_hide_promote_and_moderate(
    answer: Answer, student: Member, resident: Member
) -> None:
    for member in (student, resident):
        client = client_for(member)
        assert client.post(f"/community/answer/{answer.pk}/promote/").status_code == 404
        assert client.post(f"/community/answer/{answer.pk}/hide/").status_code == 404
        assert client.post(f"/community/question/{answer.question_id}/hide/").status_code == 404
        assert client.get("/community/questions/moderation/").status_code == 404
    assert not Resource.objects.exists()
    answer.refresh_from_db()
    assert not answer.hidden


def test_a_coordinator_promotes_an_answer_to_the_resource_library(
    answer: Answer, coordinator: Member, resident: Member
) -> None:
    response = client_for(coordinator).post(f"/community/answer/{answer.pk}/promote/")
    assert response.status_code == 302
    resource = Resource.objects.get()
    assert resource.title == answer.question.title
    assert set(resource.topics.all()) == set(answer.question.topics.all())
    assert resident.notifications.filter(kind="answer_promoted").exists()
    with pytest.raises(Refusal, match="already"):
        board.answer_promote(answer=Answer.objects.get(), by=coordinator)
    assert Resource.objects.count() == 1


def test_a_hidden_question_is_not_found_by_members(
    question: Question, coordinator: Member, outsider: Member
) -> None:
    board.visibility_set(by=coordinator, hidden=True, question=question)
    assert client_for(outsider).get(question.get_absolute_url()).status_code == 404
    assert client_for(coordinator).get(question.get_absolute_url()).status_code == 200
    assert not board.search(program=question.program, text="", viewer=outsider).exists()


def test_search_finds_words_and_filters_by_topic(
    track1: Program, student: Member, outsider: Member
) -> None:
    research, interview = Topic.objects.all()[:2]
    board.question_ask(
        program=track1,
        by=student,
        title="How do I find a research year?",
        body="Funding and labs",
        topics=[research],
        anonymous=False,
    )
    board.question_ask(
        program=track1,
        by=student,
        title="Interview season tips",
        body="What do programs ask?",
        topics=[interview],
        anonymous=False,
    )
    titles = [q.title for q in board.search(program=track1, text="research", viewer=outsider)]
    assert titles == ["How do I find a research year?"]
    assert [q.title for q in board.search(program=track1, topic=interview, viewer=outsider)] == [
        "Interview season tips"
    ]
    assert not board.search(program=track1, text="cardiology zebra", viewer=outsider).exists()
    page = client_for(outsider).get(f"/community/questions/{track1.slug}/?q=interview")
    assert "Interview season tips" in page.content.decode()


def test_asking_through_the_page(track1: Program, student: Member) -> None:
    client = client_for(student)
    response = client.post(
        f"/community/questions/{track1.slug}/ask/",
        {"title": "Away rotations: how many?", "body": "And when?", "anonymous": "on"},
    )
    assert response.status_code == 302
    asked = Question.objects.get()
    assert asked.anonymous and asked.author == student
    response = client.post(f"/community/questions/{track1.slug}/ask/", {"title": "", "body": ""})
    assert response.status_code == 200 and Question.objects.count() == 1


def test_the_boards_page_lists_the_members_programs(
    question: Question, resident: Member, student: Member
) -> None:
    # The resident is on both boards (mentor in track 1, mentee in track 2).
    page = client_for(resident).get("/community/questions/").content.decode()
    assert "Medical Student" in page and "1 question" in page
    # The student has one board only: straight to it.
    response = client_for(student).get("/community/questions/")
    assert response.status_code == 302 and response["Location"].endswith("/student-resident/")
