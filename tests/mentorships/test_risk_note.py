"""A coordinator's note on the at-risk list: the service checks the role itself and audits the
note in the transaction that saves it, whoever calls it."""

from __future__ import annotations

import pytest

from mentorbridge.core.audit import audit_trail
from mentorbridge.core.refusals import Refusal
from mentorbridge.members.models import Member
from mentorbridge.mentorships import services
from mentorbridge.mentorships.models import AtRisk

from ..factories import make_mentorship


@pytest.fixture
def risk(student: Member, resident: Member) -> AtRisk:
    mentorship = make_mentorship(student, resident)
    return AtRisk.objects.create(mentorship=mentorship, reason=AtRisk.Reason.INACTIVE)


def test_a_non_coordinator_is_refused_and_nothing_is_written(
    risk: AtRisk, student: Member, resident: Member, outsider: Member
) -> None:
    for member in (student, resident, outsider):
        with pytest.raises(Refusal, match="Coordinators"):
            services.risk_note(risk=risk, note="Sorted it", resolve=True, by=member.user)
    risk.refresh_from_db()
    assert (risk.action_note, risk.resolved_at) == ("", None)
    assert not audit_trail(risk).exists()


def test_each_note_is_audited_once_and_a_resolving_one_says_so(
    risk: AtRisk, coordinator: Member
) -> None:
    services.risk_note(risk=risk, note="Called the mentee", resolve=False, by=coordinator.user)
    # The page's entry as loaded, still open: resolving it is recorded as a resolution.
    services.risk_note(risk=risk, note="Pair meets again", resolve=True, by=coordinator.user)
    trail = audit_trail(risk).order_by("action_time", "pk")
    assert [(e.user_id, e.get_change_message()) for e in trail] == [
        (coordinator.user.pk, "Added a note"),
        (coordinator.user.pk, "Resolved with a note"),
    ]


def test_a_note_whose_audit_entry_fails_is_not_saved(
    risk: AtRisk, coordinator: Member, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(**kwargs: object) -> None:
        raise RuntimeError("the audit log could not be written")

    monkeypatch.setattr(services, "audit_record", broken)
    with pytest.raises(RuntimeError):
        services.risk_note(risk=risk, note="Called the mentee", resolve=True, by=coordinator.user)
    risk.refresh_from_db()
    assert (risk.action_note, risk.resolved_at) == ("", None)
