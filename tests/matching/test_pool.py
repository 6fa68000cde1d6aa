"""The cached mentor pool goes stale only through the models' own saves (pool.py): edits in the
admin change the recommendations at once, and saves that change nothing the pool reads leave it."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.test import Client

from mentorbridge.matching import pool
from mentorbridge.members.models import Institution, Interest, Language, Member, Topic
from mentorbridge.programs import services as program_services
from mentorbridge.programs.models import Cycle, Enrollment

from ..conftest import client_for, stage
from ..factories import MemberFactory, enroll, make_cycle


class ChangeForm(HTMLParser):
    """The values an admin change form would post as it stands (what a browser sends)."""

    def __init__(self) -> None:
        super().__init__()
        self.data: dict[str, list[str]] = {}
        self.select: str | None = None
        self.textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        name = a.get("name", "")
        if tag == "input" and name and a.get("type") not in {"submit", "button", "file"}:
            if a.get("type") not in {"checkbox", "radio"} or "checked" in a:
                self.data.setdefault(name, []).append(a.get("value", "on"))
        elif tag == "select":
            self.select = name
            self.data.setdefault(name, [])
        elif tag == "option" and self.select and "selected" in a:
            self.data[self.select].append(a.get("value", ""))
        elif tag == "textarea" and name:
            self.textarea = name
            self.data[name] = [""]

    def handle_data(self, data: str) -> None:
        if self.textarea:
            self.data[self.textarea][0] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self.select = None
        elif tag == "textarea" and self.textarea:
            # Browsers drop the newline that follows <textarea>.
            self.data[self.textarea][0] = self.data[self.textarea][0].removeprefix("\n")
            self.textarea = None


def admin_change(client: Client, url: str, **changes: list[str]) -> None:
    page = client.get(url)
    assert page.status_code == 200
    form = ChangeForm()
    form.feed(page.content.decode())
    data = {**form.data, **changes}
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]


@pytest.fixture
def mentee(student: Member, cycle: Cycle) -> Enrollment:
    student.interests.set([Interest.objects.get(slug="congenital")])
    enrollment = enroll(student, cycle, "mentee")
    enrollment.topics.set([Topic.objects.get(slug="interview-process")])
    return enrollment


@pytest.fixture
def ann(cycle: Cycle) -> Enrollment:
    member = MemberFactory(full_name="Ann Able", pronouns="she/her", stage=stage("fellow"))
    return enroll(member, cycle, "mentor", capacity=2)


def find_page(mentee: Enrollment) -> str:
    return (
        client_for(mentee.member).get(f"/matching/enrollments/{mentee.pk}/find/").content.decode()
    )


def test_an_admin_edit_of_a_mentors_profile_changes_the_recommendations(
    mentee: Enrollment, ann: Enrollment, coordinator: Member
) -> None:
    assert "Ann Able" in find_page(mentee)
    assert "You both focus on congenital surgery" not in find_page(mentee)  # cached now
    congenital = Interest.objects.get(slug="congenital")
    admin_change(
        client_for(coordinator),
        f"/admin/members/member/{ann.member_id}/change/",
        interests=[str(congenital.pk)],
    )
    assert list(ann.member.interests.all()) == [congenital]
    assert "You both focus on congenital surgery" in find_page(mentee)


def test_an_admin_edit_of_a_mentors_enrollment_changes_the_recommendations(
    mentee: Enrollment, ann: Enrollment, coordinator: Member
) -> None:
    assert "offers guidance on interview process" not in find_page(mentee)  # cached now
    interviews = Topic.objects.get(slug="interview-process")
    admin_change(
        client_for(coordinator),
        f"/admin/programs/enrollment/{ann.pk}/change/",
        topics=[str(interviews.pk)],
    )
    assert "She offers guidance on interview process" in find_page(mentee)


def test_approving_an_institution_in_the_admin_shows_its_name(
    mentee: Enrollment, ann: Enrollment, coordinator: Member
) -> None:
    """A proposed institution stays out of others' pages until approved (the admin action)."""
    place = Institution.objects.create(name="Lakeside Heart Institute", is_approved=False)
    member = Member.objects.get(pk=ann.member_id)
    member.institution = place
    member.save()
    mentee.target_programs.set([place])
    assert "Lakeside Heart Institute" not in find_page(mentee)  # cached now, without the name
    response = client_for(coordinator).post(
        "/admin/members/institution/",
        {"action": "approve", "_selected_action": [str(place.pk)]},
    )
    assert response.status_code == 302
    assert "at a program on your list (Lakeside Heart Institute)" in find_page(mentee)


def _version(cycle: Cycle) -> int:
    return Cycle.objects.get(pk=cycle.pk).pool_version


def test_saves_that_change_nothing_the_pool_reads_leave_it(
    mentee: Enrollment, ann: Enrollment, cycle: Cycle
) -> None:
    before = _version(cycle)
    member = Member.objects.get(pk=ann.member_id)
    member.save()  # nothing changed
    member.phone = "+1 555 0100"
    member.save()  # not in the pool
    ann.member.languages.set(list(ann.member.languages.all()))
    enrollment = Enrollment.objects.get(pk=ann.pk)
    enrollment.capacity = 3  # seats are read fresh, never cached
    enrollment.save()
    # A mentee's enrollment and profile are not in the mentor pool.
    mentee.goals = "New goals"
    mentee.save()
    mentee.member.full_name = "Sam Renamed"
    mentee.member.save()
    mentee.member.languages.add(Language.objects.get(slug="spanish"))
    assert _version(cycle) == before


@pytest.mark.parametrize(
    "change",
    [
        "member_name",
        "member_stage",
        "member_language",
        "enrollment_goals",
        "withdraw",
        "stop_mentoring",
        "new_mentor",
        "institution_region",
        "delete_topic",
    ],
)
def test_each_change_the_pool_reads_makes_it_rebuild(
    mentee: Enrollment, ann: Enrollment, cycle: Cycle, change: str
) -> None:
    other = make_cycle("resident-surgeon")
    before, elsewhere = _version(cycle), _version(other)
    member = Member.objects.get(pk=ann.member_id)
    enrollment = Enrollment.objects.get(pk=ann.pk)
    if change == "member_name":
        member.full_name = "Ann Renamed"
        member.save()
    elif change == "member_stage":
        member.stage = stage("pgy-3-resident")
        member.save(update_fields=["stage"])
    elif change == "member_language":
        Language.objects.get(slug="spanish").members.add(member)  # the reverse side
    elif change == "enrollment_goals":
        enrollment.goals = "Happy to talk about research"
        enrollment.save()
    elif change == "withdraw":
        program_services.enrollment_withdraw(enrollment=enrollment)
    elif change == "stop_mentoring":  # a mentor's enrollment becomes a mentee's (admin)
        enrollment.role = Enrollment.Role.MENTEE
        enrollment.save()
    elif change == "new_mentor":
        enroll(MemberFactory(stage=stage("fellow")), cycle, "mentor")
    elif change == "institution_region":
        institution = member.institution
        assert institution is not None
        institution.region = "Elsewhere"
        institution.save()
    elif change == "delete_topic":
        Topic.objects.create(name="Short-lived", slug="short-lived").delete()
    assert _version(cycle) > before
    if change.startswith(("member", "enrollment", "withdraw", "stop", "new")):
        assert _version(other) == elsewhere  # Ann mentors in this cycle only


def test_the_pool_is_rebuilt_from_fresh_rows_after_a_change(
    mentee: Enrollment, ann: Enrollment, cycle: Cycle
) -> None:
    people, _ = pool.mentor_pool(cycle)
    assert people.names == ["Ann Able"]
    assert pool.mentor_pool(cycle)[0] is people  # cached
    member = Member.objects.get(pk=ann.member_id)
    member.full_name = "Ann Renamed"
    member.save()
    assert pool.mentor_pool(cycle)[0].names == ["Ann Renamed"]
