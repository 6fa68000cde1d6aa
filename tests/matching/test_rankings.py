"""Members' own rankings for the batch run: building them, who may rank whom, and a stable run
that follows them."""

from __future__ import annotations

import pytest

from mentorbridge.core.refusals import Refusal
from mentorbridge.matching import rankings, runs
from mentorbridge.matching.models import Ranking
from mentorbridge.members.models import Member
from mentorbridge.programs.models import Cycle, Enrollment, Program

from ..conftest import client_for, stage
from ..factories import MemberFactory, enroll, make_cycle


@pytest.fixture
def mentee(student: Member, cycle: Cycle) -> Enrollment:
    return enroll(student, cycle, "mentee", goals="Plan away rotations.")


def mentor(cycle: Cycle, name: str, capacity: int = 1) -> Enrollment:
    return enroll(
        MemberFactory(full_name=name, stage=stage("fellow")), cycle, "mentor", capacity=capacity
    )


def url(enrollment: Enrollment) -> str:
    return f"/matching/enrollments/{enrollment.pk}/ranking/"


def change(enrollment: Enrollment, other: Enrollment, action: str, **extra: str) -> object:
    return client_for(enrollment.member).post(
        url(enrollment), {"enrollment": other.pk, "action": action, **extra}, follow=True
    )


def order(enrollment: Enrollment) -> list[int]:
    return [e.pk for e in rankings.ranking_of(enrollment)]


def test_a_mentee_ranks_from_the_find_page_and_reorders(mentee: Enrollment, cycle: Cycle) -> None:
    first, second = mentor(cycle, "Ada First"), mentor(cycle, "Bo Second")
    find = client_for(mentee.member).get(f"/matching/enrollments/{mentee.pk}/find/")
    assert "Add to my ranking" in find.content.decode()
    response = change(mentee, second, "add", next="find")
    assert response.redirect_chain[-1][0] == f"/matching/enrollments/{mentee.pk}/find/"
    assert "#1 in your ranking" in response.content.decode()
    change(mentee, first, "add")
    assert order(mentee) == [second.pk, first.pk]
    change(mentee, first, "up")
    assert order(mentee) == [first.pk, second.pk]
    page = client_for(mentee.member).get(url(mentee)).content.decode()
    assert page.index("Ada First") < page.index("Bo Second")
    change(mentee, first, "remove")
    assert order(mentee) == [second.pk]
    # Moving past either end, or removing someone not there, changes nothing.
    change(mentee, second, "up")
    change(mentee, first, "remove")
    assert order(mentee) == [second.pk]


@pytest.mark.parametrize(
    ("who", "message"),
    [
        ("another_mentee", "Only mentors enrolled in this cycle can be ranked."),
        ("mentor_elsewhere", "Only mentors enrolled in this cycle can be ranked."),
        ("withdrawn_mentor", "Only mentors enrolled in this cycle can be ranked."),
        ("nobody", "Only mentors enrolled in this cycle can be ranked."),
    ],
)
def test_a_mentee_ranks_only_mentors_of_the_cycle(
    mentee: Enrollment, cycle: Cycle, who: str, message: str
) -> None:
    others = {
        "another_mentee": lambda: enroll(MemberFactory(stage=stage("ms2")), cycle, "mentee"),
        "mentor_elsewhere": lambda: mentor(make_cycle(), "Other Cycle"),
        "withdrawn_mentor": lambda: mentor(cycle, "Gone", capacity=1),
        "nobody": lambda: Enrollment(pk=987654),
    }
    other = others[who]()
    if who == "withdrawn_mentor":
        Enrollment.objects.filter(pk=other.pk).update(status="withdrawn")
    response = change(mentee, other, "add")
    assert message in response.content.decode()
    assert not Ranking.objects.exists()


def test_limits_and_bad_input_change_nothing(mentee: Enrollment, cycle: Cycle) -> None:
    mentors = [mentor(cycle, f"Mentor {k}") for k in range(rankings.MENTEE_LIMIT + 1)]
    for m in mentors[:-1]:
        change(mentee, m, "add")
    response = change(mentee, mentors[-1], "add")
    assert f"Rank at most {rankings.MENTEE_LIMIT}" in response.content.decode()
    assert len(order(mentee)) == rankings.MENTEE_LIMIT
    client = client_for(mentee.member)
    for data in [{"action": "explode", "enrollment": mentors[0].pk}, {"action": "add"}, {}]:
        assert client.post(url(mentee), data, follow=True).status_code == 200
    assert order(mentee) == [m.pk for m in mentors[:-1]]
    with pytest.raises(Refusal, match="only once"):
        rankings.ranking_save(ranker=mentee, ranked_ids=[mentors[0].pk, mentors[0].pk])


def test_a_mentor_ranks_only_their_applicants(
    mentee: Enrollment, cycle: Cycle, resident: Member
) -> None:
    own = enroll(resident, cycle, "mentor", capacity=2)
    stranger = enroll(MemberFactory(full_name="Sam Stranger", stage=stage("ms1")), cycle, "mentee")
    change(mentee, own, "add")
    page = client_for(resident).get(url(own)).content.decode()
    assert "Sam Student" in page or mentee.member.full_name in page
    assert "Sam Stranger" not in page
    change(own, mentee, "add")
    assert order(own) == [mentee.pk]
    response = change(own, stranger, "add")
    assert "You can rank only mentees who ranked you." in response.content.decode()
    # When the mentee takes the mentor off their list, they leave the mentor's list too.
    change(mentee, own, "remove")
    assert order(own) == []


def test_outsiders_and_request_only_programs(
    mentee: Enrollment, cycle: Cycle, outsider: Member
) -> None:
    assert client_for(outsider).get(url(mentee)).status_code == 404
    assert client_for(outsider).post(url(mentee), {"action": "add"}).status_code == 404
    Program.objects.filter(pk=cycle.program_id).update(matching_mode="mentee_choice")
    assert client_for(mentee.member).get(url(mentee)).status_code == 404
    find = client_for(mentee.member).get(f"/matching/enrollments/{mentee.pk}/find/")
    assert "Add to my ranking" not in find.content.decode()


def test_a_closed_cycle_keeps_its_rankings(mentee: Enrollment, cycle: Cycle) -> None:
    first = mentor(cycle, "Ada First")
    change(mentee, first, "add")
    Cycle.objects.filter(pk=cycle.pk).update(status="closed")
    response = change(mentee, first, "remove")
    assert "This cycle is closed" in response.content.decode()
    assert order(mentee) == [first.pk]


def test_a_stable_run_follows_the_members_rankings(
    cycle: Cycle, coordinator: Member, student: Member
) -> None:
    """Scores alone would give every mentee their most compatible mentor; rankings say otherwise."""
    congenital = stage("ms3")
    a = enroll(student, cycle, "mentee", goals="congenital heart surgery")
    b = enroll(MemberFactory(full_name="Bea B", stage=congenital), cycle, "mentee", goals="x")
    x, y = mentor(cycle, "Xavier X"), mentor(cycle, "Yara Y")
    run = runs.match_run_create(cycle=cycle, by=coordinator.user, objective="stable")
    by_score = dict(
        runs.match_run_execute(run_id=run.pk).proposals.values_list(
            "mentee_enrollment_id", "mentor_enrollment_id"
        )
    )
    # Each mentee ranks the mentor the scores did not give them; those mentors agree.
    wanted = {a.pk: y.pk if by_score[a.pk] == x.pk else x.pk}
    wanted[b.pk] = x.pk if wanted[a.pk] == y.pk else y.pk
    for mentee_enrollment in (a, b):
        target = Enrollment.objects.get(pk=wanted[mentee_enrollment.pk])
        change(mentee_enrollment, target, "add")
        change(target, mentee_enrollment, "add")
    run = runs.match_run_create(cycle=cycle, by=coordinator.user, objective="stable")
    run = runs.match_run_execute(run_id=run.pk)
    got = dict(run.proposals.values_list("mentee_enrollment_id", "mentor_enrollment_id"))
    assert got == wanted
    assert run.metrics["blocking_pairs"] == 0
    assert run.metrics["rankings"] == {"mentees": 2, "first_choice": 2, "ranked_choice": 2}
    assert run.inputs_snapshot["rankings"]["mentees"][str(a.pk)] == [wanted[a.pk]]
    page = client_for(coordinator).get(f"/matching/runs/{run.pk}/").content.decode()
    assert "2 mentees ranked mentors: 2 got their first choice" in page


def test_a_ranked_mentor_outside_the_candidate_lists_still_counts(
    cycle: Cycle, coordinator: Member, student: Member, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Candidates keep each side's top-k pairs; a pair a mentee ranked by name is kept anyway."""
    import scipy.sparse as sp

    a = enroll(student, cycle, "mentee", goals="congenital heart surgery")
    first, second = mentor(cycle, "Mentor One"), mentor(cycle, "Mentor Two")

    def only_the_first(index: object, rows: object, weights: object, **kwargs: object) -> object:
        # As if top-k pruning had kept only (mentee, first mentor).
        return sp.csr_matrix(([0.9], ([0], [0])), shape=(1, 2))

    monkeypatch.setattr(runs.scoring, "candidates", only_the_first)
    change(a, second, "add")
    run = runs.match_run_create(cycle=cycle, by=coordinator.user, objective="stable")
    run = runs.match_run_execute(run_id=run.pk)
    proposed = dict(run.proposals.values_list("mentee_enrollment_id", "mentor_enrollment_id"))
    assert proposed[a.pk] == second.pk  # put back with its real score, and ranked first
    assert first.pk != second.pk
