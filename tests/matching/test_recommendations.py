"""Find a mentor: ranked by compatibility, reasons in words, filters, and a bounded query count."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from mentorbridge.matching import pool
from mentorbridge.members.models import Institution, Interest, Language, Member, Topic
from mentorbridge.programs.models import Cycle, Enrollment

from ..conftest import client_for, stage
from ..factories import MemberFactory, enroll


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    pool.clear_cache()


def interest(slug: str) -> Interest:
    return Interest.objects.get(slug=slug)


def topic(slug: str) -> Topic:
    return Topic.objects.get(slug=slug)


@pytest.fixture
def mentee(student: Member, cycle: Cycle) -> Enrollment:
    student.interests.set([interest("congenital")])
    student.languages.set([Language.objects.get(slug="english")])
    enrollment = enroll(
        student,
        cycle,
        "mentee",
        goals="I want to learn about congenital heart surgery and interviews.",
    )
    enrollment.topics.set([topic("interview-process"), topic("away-rotations-and-sub-internships")])
    return enrollment


def mentor(
    cycle: Cycle, name: str, *, interests: list[str], topics: list[str], **kwargs: object
) -> Enrollment:
    member = MemberFactory(full_name=name, stage=stage("fellow"), **kwargs)
    member.interests.set([interest(s) for s in interests])
    member.languages.set([Language.objects.get(slug="english")])
    enrollment = enroll(member, cycle, "mentor", capacity=2)
    enrollment.topics.set([topic(s) for s in topics])
    return enrollment


def test_mentors_are_ranked_with_reasons(mentee: Enrollment, cycle: Cycle) -> None:
    good = mentor(
        cycle,
        "Grace Good",
        interests=["congenital"],
        topics=["interview-process"],
        pronouns="she/her",
    )
    mentor(
        cycle,
        "Olly Other",
        interests=["transplant-and-mechanical-support"],
        topics=["job-search-and-contracts"],
    )
    body = (
        client_for(mentee.member).get(f"/matching/enrollments/{mentee.pk}/find/").content.decode()
    )
    assert body.index("Grace Good") < body.index("Olly Other")
    assert "You both focus on congenital" in body
    assert "She offers guidance on interview process" in body
    assert f"/matching/enrollments/{mentee.pk}/request/{good.pk}/" in body


def test_a_mentor_at_a_target_program_is_said_so(mentee: Enrollment, cycle: Cycle) -> None:
    target = Institution.objects.create(
        name="Mayo Clinic", city="Rochester", region="MN", has_ct_program=True
    )
    mentee.target_programs.set([target])
    mentor(cycle, "Tara Target", interests=[], topics=[], pronouns="she/her", institution=target)
    body = (
        client_for(mentee.member).get(f"/matching/enrollments/{mentee.pk}/find/").content.decode()
    )
    assert "She trains at a program on your list (Mayo Clinic)" in body


def test_full_withdrawn_and_self_are_not_shown(
    mentee: Enrollment, cycle: Cycle, student: Member
) -> None:
    full = mentor(cycle, "Fay Full", interests=["congenital"], topics=[])
    Enrollment.objects.filter(pk=full.pk).update(mentee_count=2)
    gone = mentor(cycle, "Walt Withdrawn", interests=["congenital"], topics=[])
    Enrollment.objects.filter(pk=gone.pk).update(status="withdrawn")
    mentor(cycle, "Val Visible", interests=[], topics=[])
    body = (
        client_for(mentee.member).get(f"/matching/enrollments/{mentee.pk}/find/").content.decode()
    )
    assert "Val Visible" in body
    assert "Fay Full" not in body
    assert "Walt Withdrawn" not in body


def test_filters_and_search(mentee: Enrollment, cycle: Cycle) -> None:
    mentor(cycle, "Ann Aortic", interests=["aortic-and-endovascular"], topics=[])
    mentor(cycle, "Con Genital", interests=["congenital"], topics=[])
    client = client_for(mentee.member)
    url = f"/matching/enrollments/{mentee.pk}/find/"
    body = client.get(url, {"interest": interest("aortic-and-endovascular").pk}).content.decode()
    assert "Ann Aortic" in body and "Con Genital" not in body
    body = client.get(url, {"q": "genital"}).content.decode()
    assert "Con Genital" in body and "Ann Aortic" not in body
    # Nonsense filters are ignored with a message, never a 500.
    response = client.get(url, {"interest": "abc", "language": "-4"})
    assert response.status_code == 200
    assert "were not understood" in response.content.decode()


def test_an_insisted_identity_preference_leaves_nobody_out_of_find_a_mentor(
    mentee: Enrollment, cycle: Cycle
) -> None:
    """Private answers never filter this page (issue 15.2): they act in the batch run only."""
    from mentorbridge.members.models import PrivateIdentity

    PrivateIdentity.objects.create(member=mentee.member, consent=True, gender="woman")
    Enrollment.objects.filter(pk=mentee.pk).update(same_gender="hard")
    woman = mentor(cycle, "Wendy Woman", interests=[], topics=[])
    PrivateIdentity.objects.create(member=woman.member, consent=True, gender="woman")
    mentor(cycle, "Manny Man", interests=["congenital"], topics=[])
    body = (
        client_for(mentee.member).get(f"/matching/enrollments/{mentee.pk}/find/").content.decode()
    )
    assert "Wendy Woman" in body
    assert "Manny Man" in body
    assert "counts when the Task Force matches this cycle" in body
    assert "Matches a preference" not in body


def test_insisting_on_a_language_excludes_mentors_who_do_not_speak_it(
    mentee: Enrollment, cycle: Cycle
) -> None:
    spanish = Language.objects.get(slug="spanish")
    Enrollment.objects.filter(pk=mentee.pk).update(language=spanish, language_insisted=True)
    url = f"/matching/enrollments/{mentee.pk}/find/"
    mentor(cycle, "Ernest English", interests=["congenital"], topics=[])
    body = client_for(mentee.member).get(url).content.decode()
    assert "Ernest English" not in body
    # With nobody left, the page says which requirement leaves mentors out and where to change it.
    assert "You also asked for a mentor who speaks Spanish" in body
    assert f"/programs/enrollments/{mentee.pk}/" in body
    speaker = mentor(cycle, "Sofia Spanish", interests=[], topics=[])
    speaker.member.languages.add(spanish)  # the mentor pool hears of it (pool.py)
    body = client_for(mentee.member).get(url).content.decode()
    assert "Sofia Spanish" in body
    assert "Ernest English" not in body
    # As a preference only, everyone is back.
    Enrollment.objects.filter(pk=mentee.pk).update(language_insisted=False)
    body = client_for(mentee.member).get(url).content.decode()
    assert "Ernest English" in body


def test_someone_elses_enrollment_is_404(
    mentee: Enrollment, outsider: Member, resident: Member, cycle: Cycle
) -> None:
    assert client_for(outsider).get(f"/matching/enrollments/{mentee.pk}/find/").status_code == 404
    mentor_enrollment = enroll(resident, cycle, "mentor")
    # A mentor enrollment has no "find a mentor" page, even for its owner.
    assert (
        client_for(resident).get(f"/matching/enrollments/{mentor_enrollment.pk}/find/").status_code
        == 404
    )


def test_the_query_count_does_not_grow_with_the_pool(mentee: Enrollment, cycle: Cycle) -> None:
    url = f"/matching/enrollments/{mentee.pk}/find/"
    client = client_for(mentee.member)

    def queries(n_mentors: int) -> int:
        for k in range(n_mentors - Enrollment.objects.filter(role="mentor").count()):
            mentor(cycle, f"Mentor {k}", interests=["congenital"], topics=["interview-process"])
        client.get(url)  # warm the pool cache
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    assert queries(5) == queries(40)


def test_a_mentor_deleted_after_the_table_was_cached_is_skipped(
    mentee: Enrollment, cycle: Cycle
) -> None:
    staying = mentor(cycle, "Stella Stays", interests=["congenital"], topics=[])
    leaving = mentor(cycle, "Leo Leaves", interests=["congenital"], topics=[])
    url = f"/matching/enrollments/{mentee.pk}/find/"
    assert "Leo Leaves" in client_for(mentee.member).get(url).content.decode()
    leaving.member.user.delete()  # the account goes; the cached mentor table still lists them
    response = client_for(mentee.member).get(url)
    assert response.status_code == 200
    assert "Leo Leaves" not in response.content.decode()
    assert staying.member.full_name in response.content.decode()


def test_show_more_adds_a_page_of_mentors_with_the_same_filters(
    mentee: Enrollment, cycle: Cycle
) -> None:
    for n in range(45):
        mentor(cycle, f"Mentor {n:02d}", interests=["congenital"], topics=[])
    client = client_for(mentee.member)
    url = f"/matching/enrollments/{mentee.pk}/find/"
    body = client.get(url, {"interest": interest("congenital").pk}).content.decode()
    assert body.count('<article class="card"') == 20
    assert "45 of 45 available mentors match; showing the 20 most compatible" in body
    more = f"?interest={interest('congenital').pk}&amp;shown=40"
    assert f'href="{more}"' in body and "Show 20 more" in body
    body = client.get(url, {"interest": interest("congenital").pk, "shown": 40}).content.decode()
    assert body.count('<article class="card"') == 40
    assert "Show 5 more" in body
    body = client.get(url, {"shown": 60}, HTTP_HX_REQUEST="true").content.decode()
    assert body.count('<article class="card"') == 45
    assert "Show" not in body and "more mentor" not in body  # everyone is shown


def test_shown_is_a_whole_number_of_pages_and_bad_values_are_ignored(
    mentee: Enrollment, cycle: Cycle
) -> None:
    for n in range(25):
        mentor(cycle, f"Mentor {n:02d}", interests=[], topics=[])
    client = client_for(mentee.member)
    url = f"/matching/enrollments/{mentee.pk}/find/"
    assert client.get(url, {"shown": 21}).content.decode().count('<article class="card"') == 25
    for bad in ("abc", "-3", "100000"):
        response = client.get(url, {"shown": bad})
        assert response.status_code == 200
        assert response.content.decode().count('<article class="card"') == 20
        assert "were not understood" in response.content.decode()


def test_past_the_cap_the_page_says_to_narrow_the_filters(rf: object) -> None:
    from mentorbridge.matching.forms import MAX_SHOWN
    from mentorbridge.matching.recommendations import Page
    from mentorbridge.matching.views import _more

    request = rf.get("/find/", {"q": "heart", "shown": MAX_SHOWN})  # type: ignore[attr-defined]
    page = Page(
        items=[object()] * MAX_SHOWN,  # type: ignore[list-item]
        total_available=500,
        matched_filters=350,
        already_requested=set(),
        has_mentor=False,
    )
    assert _more(request, page, MAX_SHOWN) == {"left": 150, "url": "", "count": 0}
    page.matched_filters = MAX_SHOWN
    assert _more(request, page, MAX_SHOWN)["left"] == 0
