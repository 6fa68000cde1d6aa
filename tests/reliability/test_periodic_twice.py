"""Each periodic job run twice at the same moment (an overlap of cron and a retry): no duplicate
emails, check-ins or nudges; a third run afterwards finds nothing left to do."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from django_tasks_db.models import DBTaskResult

from mentorbridge.core import clock
from mentorbridge.matching import services
from mentorbridge.matching.models import MentorshipRequest
from mentorbridge.mentorships.models import CheckIn, Mentorship, Nudge

from ..factories import MemberFactory, enroll, make_cycle, make_mentorship
from .conftest import app_env, manage, skip_unless_postgres

pytestmark = [
    skip_unless_postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _emails() -> Counter[tuple[str, str]]:
    sent: Counter[tuple[str, str]] = Counter()
    for args in DBTaskResult.objects.filter(task_path__endswith="send_email").values_list(
        "args_kwargs", flat=True
    ):
        kwargs = args["kwargs"]
        sent[(kwargs["to"][0], kwargs["subject"])] += 1
    return sent


def _both_at_once(command: str) -> None:
    env = app_env()
    first, second = manage(command, env=env), manage(command, env=env)
    assert first.wait(120) == 0
    assert second.wait(120) == 0


def test_expire_requests_twice_at_once_emails_each_mentee_once() -> None:
    cycle = make_cycle()
    for _ in range(6):
        services.request_send(
            mentee_enrollment=enroll(MemberFactory(), cycle, "mentee"),
            mentor_enrollment=enroll(MemberFactory(stage_id=None), cycle, "mentor"),
            message="Would you mentor me?",
        )
    MentorshipRequest.objects.update(deadline=clock.now() - dt.timedelta(hours=1))
    before = _emails()
    _both_at_once("expire_requests")
    assert MentorshipRequest.objects.filter(state=MentorshipRequest.State.EXPIRED).count() == 6
    new = _emails() - before
    assert len(new) >= 6 and max(new.values()) == 1, new
    _both_at_once("expire_requests")
    assert _emails() - before == new


def test_mentorship_jobs_twice_at_once_make_each_check_in_and_nudge_once() -> None:
    cycle = make_cycle()
    for _ in range(5):
        mentorship = make_mentorship(MemberFactory(), MemberFactory(), cycle)
        # Started 100 days ago, never met: check-ins are due and a nudge is owed.
        Mentorship.objects.filter(pk=mentorship.pk).update(
            started_at=clock.now() - dt.timedelta(days=100)
        )
    _both_at_once("run_mentorship_jobs")
    check_ins, nudges, emails = CheckIn.objects.count(), Nudge.objects.count(), _emails()
    assert check_ins > 0 and nudges > 0
    assert max(emails.values()) == 1, emails
    keys = Counter(CheckIn.objects.values_list("mentorship_id", "member_id", "kind", "number"))
    assert max(keys.values()) == 1
    _both_at_once("run_mentorship_jobs")
    assert (CheckIn.objects.count(), Nudge.objects.count(), _emails()) == (
        check_ins,
        nudges,
        emails,
    )
