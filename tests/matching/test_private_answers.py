"""Mentees cannot infer a mentor's private identity answers (issue 15.2).

The rule (docs/matching.md, "Private answers"): pages a member sees are computed from tables that
hold no private answers, so flipping one mentor's answers changes no byte of any page the mentee
can reach; identity preferences, soft or insisted, act only in the Task Force's batch runs.
"""

from __future__ import annotations

import re

import pytest

from mentorbridge.matching import pool
from mentorbridge.members.models import Interest, Language, Member, PrivateIdentity, Topic
from mentorbridge.programs.models import Cycle, Enrollment

from ..conftest import client_for, stage
from ..factories import MemberFactory, enroll, make_cycle

CSRF = re.compile(r'(name="csrfmiddlewaretoken" value="|"X-CSRFToken": ")[^"]+')


def _normalized(html: str) -> str:
    return CSRF.sub(lambda m: m.group(1) + "…", html)


def _mentor(cycle: Cycle, name: str, gender: str, urm: bool) -> Enrollment:
    member = MemberFactory(full_name=name, stage=stage("fellow"))
    member.interests.set([Interest.objects.get(slug="congenital")])
    member.languages.set([Language.objects.get(slug="english")])
    PrivateIdentity.objects.create(
        member=member, consent=True, gender=gender, underrepresented_in_medicine=urm
    )
    enrollment = enroll(member, cycle, "mentor", capacity=2)
    enrollment.topics.set([Topic.objects.get(slug="interview-process")])
    return enrollment


def _pages(mentee: Enrollment, mentors: list[Enrollment]) -> dict[str, str]:
    client = client_for(mentee.member)
    urls = [
        f"/matching/enrollments/{mentee.pk}/find/",
        f"/matching/enrollments/{mentee.pk}/find/?interest={Interest.objects.get(slug='congenital').pk}",
        f"/matching/enrollments/{mentee.pk}/ranking/",
        "/matching/requests/",
        "/programs/",
        "/members/me/",
        "/mentorships/",
    ]
    for mentor in mentors:
        urls += [
            f"/matching/enrollments/{mentee.pk}/request/{mentor.pk}/",
            f"/members/{mentor.member_id}/",
        ]
    pages = {}
    for url in urls:
        response = client.get(url, HTTP_HX_REQUEST="true" if "interest=" in url else "")
        assert response.status_code == 200, url
        pages[url] = _normalized(response.content.decode())
    return pages


@pytest.mark.parametrize(
    ("same_gender", "shared_background"),
    [("soft", "soft"), ("hard", ""), ("", "hard"), ("hard", "hard")],
)
def test_flipping_a_mentors_private_answers_changes_no_page_the_mentee_sees(
    student: Member, same_gender: str, shared_background: str
) -> None:
    cycle = make_cycle()
    pool.clear_cache()
    PrivateIdentity.objects.create(
        member=student, consent=True, gender="woman", underrepresented_in_medicine=True
    )
    student.interests.set([Interest.objects.get(slug="congenital")])
    mentee = enroll(
        student,
        cycle,
        "mentee",
        same_gender=same_gender,
        shared_background=shared_background,
        goals="Congenital surgery and interviews.",
    )
    mentee.topics.set([Topic.objects.get(slug="interview-process")])
    ann = _mentor(cycle, "Ann Able", "woman", True)
    bea = _mentor(cycle, "Bea Baker", "man", False)

    before = _pages(mentee, [ann, bea])
    assert "Ann Able" in before[f"/matching/enrollments/{mentee.pk}/find/"]
    assert "Bea Baker" in before[f"/matching/enrollments/{mentee.pk}/find/"]

    # Ann's answers flip. The pool behind members' pages holds no private answers, so nothing
    # invalidates it; it is rebuilt anyway, so that the pages after the flip come from fresh rows.
    PrivateIdentity.objects.filter(member=ann.member).update(
        gender="man", underrepresented_in_medicine=False
    )
    PrivateIdentity.objects.filter(member=bea.member).update(
        gender="woman", underrepresented_in_medicine=True
    )
    pool.pools_changed(cycle_ids=[cycle.pk])
    after = _pages(mentee, [ann, bea])

    for url, page in before.items():
        assert page == after[url], f"{url} changed with a mentor's private answers"
    for page in before.values():
        assert "Matches a preference" not in page


def test_identity_preferences_still_steer_the_batch_run(
    student: Member, coordinator: Member
) -> None:
    """In the Task Force's batch match an insisted preference is honoured: it is the one place
    private answers act, and members see only the published pairs."""
    from mentorbridge.matching import runs

    cycle = make_cycle()
    PrivateIdentity.objects.create(member=student, consent=True, gender="woman")
    mentee = enroll(student, cycle, "mentee", same_gender="hard")
    man = _mentor(cycle, "Manny Man", "man", False)
    woman = _mentor(cycle, "Wendy Woman", "woman", False)
    # The man would otherwise be the better fit: he shares the mentee's interest, she does not.
    woman.member.interests.clear()

    run = runs.match_run_create(cycle=cycle, by=coordinator.user, objective="total")
    run = runs.match_run_execute(run_id=run.pk)
    pairs = {(p.mentee_enrollment_id, p.mentor_enrollment_id) for p in run.proposals.all()}
    assert (mentee.pk, woman.pk) in pairs
    assert (mentee.pk, man.pk) not in pairs
