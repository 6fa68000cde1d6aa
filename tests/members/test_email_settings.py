"""The email settings service: a member turns optional emails off or on; Task Force alerts are a
coordinator's to choose."""

from __future__ import annotations

import pytest

from mentorbridge.core.models import EmailSettings
from mentorbridge.core.refusals import Refusal
from mentorbridge.members import services
from mentorbridge.members.models import Member

from ..conftest import client_for

pytestmark = pytest.mark.django_db


def test_a_member_saves_their_choices_and_saves_again(student: Member) -> None:
    services.email_settings_save(member=student, meetings=False, messages=True, reminders=True)
    services.email_settings_save(member=student, meetings=False, messages=False, reminders=True)
    saved = EmailSettings.objects.get(member=student)
    assert (saved.meetings, saved.messages, saved.reminders, saved.task_force) == (
        False,
        False,
        True,
        True,  # untouched: the default
    )


def test_a_coordinator_turns_off_task_force_alerts(coordinator: Member) -> None:
    services.email_settings_save(
        member=coordinator, meetings=True, messages=True, reminders=True, task_force=False
    )
    assert EmailSettings.objects.get(member=coordinator).task_force is False
    # The page shows the coordinator the choice, and saves it.
    client_for(coordinator).post(
        "/notifications/settings/",
        {"meetings": "on", "messages": "on", "reminders": "on", "task_force": "on"},
    )
    assert EmailSettings.objects.get(member=coordinator).task_force is True


def test_it_refuses_task_force_alerts_for_a_member_who_is_not_a_coordinator(
    student: Member,
) -> None:
    with pytest.raises(Refusal, match="coordinators only"):
        services.email_settings_save(
            member=student, meetings=False, messages=True, reminders=True, task_force=False
        )
    assert not EmailSettings.objects.filter(member=student).exists()
    # The page has no such field for them: a posted value is ignored, not saved.
    client_for(student).post(
        "/notifications/settings/",
        {"meetings": "on", "messages": "on", "reminders": "on", "task_force": ""},
    )
    assert EmailSettings.objects.get(member=student).task_force is True
