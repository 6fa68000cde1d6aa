"""The invariants under concurrent clicks, on PostgreSQL (SQLite serialises writers anyway).

50 threads at once: a mentor never exceeds capacity, a mentee never holds two active mentorships
in a program, a request is answered once.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.conf import settings
from django.db import connections

from mentorbridge.core.refusals import Refusal
from mentorbridge.matching import services
from mentorbridge.matching.models import MentorshipRequest
from mentorbridge.mentorships.models import Mentorship
from mentorbridge.programs.models import Enrollment

from ..conftest import stage
from ..factories import MemberFactory, enroll, make_cycle

pytestmark = [
    pytest.mark.postgres,
    # Decided at collection, so a skipped test never touches (and flushes) the database.
    pytest.mark.skipif(
        "postgresql" not in settings.DATABASES["default"]["ENGINE"],
        reason="concurrency is tested on PostgreSQL (set DATABASE_URL)",
    ),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
THREADS = 50


def run_at_once(jobs: list[Callable[[], object]]) -> list[object]:
    """Start every job at the same moment on its own connection; collect results or errors."""
    barrier = threading.Barrier(len(jobs))
    results: list[object] = [None] * len(jobs)

    def worker(n: int) -> None:
        try:
            barrier.wait()
            results[n] = jobs[n]()
        except Exception as error:  # collected and asserted on by the test
            results[n] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(len(jobs))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def test_fifty_accepts_never_exceed_a_mentors_capacity() -> None:
    cycle = make_cycle()
    mentor = enroll(MemberFactory(stage=stage("fellow")), cycle, "mentor", capacity=3)
    requests = []
    for _ in range(THREADS):
        mentee = enroll(MemberFactory(stage=stage("ms3")), cycle, "mentee")
        requests.append(
            services.request_send(
                mentee_enrollment=mentee,
                mentor_enrollment=mentor,
                message="Please mentor me, thank you!",
            )
        )
    results = run_at_once(
        [lambda r=r: services.request_accept(request=r, by=mentor.member) for r in requests]
    )
    accepted = [r for r in results if isinstance(r, Mentorship)]
    refused = [r for r in results if isinstance(r, Refusal)]
    assert len(accepted) == 3
    assert len(refused) == THREADS - 3, [
        r for r in results if not isinstance(r, Mentorship | Refusal)
    ]
    mentor.refresh_from_db()
    assert mentor.mentee_count == 3
    assert Mentorship.objects.filter(mentor_enrollment=mentor).count() == 3
    assert MentorshipRequest.objects.filter(state="accepted").count() == 3
    assert MentorshipRequest.objects.filter(state="pending").count() == THREADS - 3


def test_fifty_mentors_accepting_one_mentee_make_one_mentorship() -> None:
    cycle = make_cycle()
    mentee = enroll(MemberFactory(stage=stage("ms2")), cycle, "mentee")
    cycle.program.max_open_requests = THREADS
    cycle.program.save()
    requests = []
    for _ in range(THREADS):
        mentor = enroll(MemberFactory(stage=stage("pgy-2-resident")), cycle, "mentor", capacity=2)
        requests.append(
            services.request_send(
                mentee_enrollment=mentee,
                mentor_enrollment=mentor,
                message="Please mentor me, thank you!",
            )
        )
    results = run_at_once(
        [
            lambda r=r: services.request_accept(request=r, by=r.mentor_enrollment.member)
            for r in requests
        ]
    )
    assert sum(isinstance(r, Mentorship) for r in results) == 1
    assert all(isinstance(r, Mentorship | Refusal) for r in results), [
        repr(r) for r in results if not isinstance(r, Mentorship | Refusal)
    ][:3]
    assert Mentorship.objects.filter(mentee=mentee.member, status="active").count() == 1
    # Every seat taken by a refused accept was given back by the rollback.
    assert sum(Enrollment.objects.filter(role="mentor").values_list("mentee_count", flat=True)) == 1


def test_one_request_clicked_fifty_times_is_answered_once() -> None:
    cycle = make_cycle()
    mentor = enroll(MemberFactory(stage=stage("fellow")), cycle, "mentor", capacity=5)
    mentee = enroll(MemberFactory(stage=stage("ms4")), cycle, "mentee")
    request = services.request_send(
        mentee_enrollment=mentee, mentor_enrollment=mentor, message="Please mentor me, thank you!"
    )
    jobs: list[Callable[[], object]] = []
    for n in range(THREADS):
        if n % 2:
            jobs.append(lambda: services.request_accept(request=request, by=mentor.member))
        else:
            jobs.append(
                lambda: services.request_decline(request=request, by=mentor.member, reason="busy")
            )
    results = run_at_once(jobs)
    successes = [r for r in results if not isinstance(r, Exception)]
    assert len(successes) == 1
    assert all(isinstance(r, Refusal) for r in results if isinstance(r, Exception))
    request.refresh_from_db()
    assert request.state in {"accepted", "declined"}
    assert Mentorship.objects.count() == (1 if request.state == "accepted" else 0)


def test_fifty_concurrent_sends_respect_the_open_request_limit() -> None:
    cycle = make_cycle()
    mentee = enroll(MemberFactory(stage=stage("ms1")), cycle, "mentee")
    mentors = [
        enroll(MemberFactory(stage=stage("fellow")), cycle, "mentor") for _ in range(THREADS)
    ]
    results = run_at_once(
        [
            lambda m=m: services.request_send(
                mentee_enrollment=mentee, mentor_enrollment=m, message="Hello, could you mentor me?"
            )
            for m in mentors
        ]
    )
    assert sum(isinstance(r, MentorshipRequest) for r in results) == 3
    assert MentorshipRequest.objects.filter(state="pending").count() == 3


def test_many_ranking_changes_at_once_keep_one_list() -> None:
    """One mentee adding mentors from several tabs at once: every add lands once, in some order,
    and the limit holds."""
    from mentorbridge.matching import rankings

    cycle = make_cycle()
    mentee = enroll(MemberFactory(stage=stage("ms3")), cycle, "mentee")
    mentors = [
        enroll(MemberFactory(stage=stage("fellow")), cycle, "mentor", capacity=1)
        for _ in range(rankings.MENTEE_LIMIT + 5)
    ]
    results = run_at_once(
        [
            lambda m=m: rankings.ranking_change(ranker=mentee, ranked_id=m.pk, action="add")
            for m in mentors
        ]
    )
    refused = [r for r in results if isinstance(r, Refusal)]
    unexpected = [r for r in results if isinstance(r, Exception) and r not in refused]
    assert not unexpected, unexpected
    assert len(refused) == 5
    ranked = list(rankings.ranking_of(mentee))
    assert len(ranked) == rankings.MENTEE_LIMIT == len({e.pk for e in ranked})
