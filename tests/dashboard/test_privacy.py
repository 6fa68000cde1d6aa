"""A member downloads their own data and deletes it: personal data goes, the counts stay."""

from __future__ import annotations

import json

import pytest
from django.contrib.admin.models import LogEntry
from django.test import Client

from mentorbridge.accounts.models import User
from mentorbridge.dashboard.figures import cycle_figures
from mentorbridge.members.models import PrivateIdentity
from mentorbridge.mentorships.models import Message
from mentorbridge.outcomes.models import Outcome

from ..conftest import client_for
from ..factories import PASSWORD
from .fixtures import NOW, small_cycle

pytestmark = pytest.mark.django_db


def test_a_member_downloads_their_data_and_nobody_elses() -> None:
    small = small_cycle()
    ana, other = small.mentees[0], small.mentees[1]
    PrivateIdentity.objects.create(member=other, consent=True, gender="woman")
    Message.objects.create(mentorship=small.pairs[0], author=small.mentors[0], body="FROM-MENTOR")
    client = client_for(ana)
    assert "Download my data" in client.get("/my-data/").content.decode()
    response = client.get("/my-data/download.json")
    assert response["Content-Disposition"].startswith("attachment")
    data = json.loads(response.content)
    assert data["profile"]["full_name"] == ana.full_name
    assert data["account"]["email"] == ana.user.email
    assert len(data["mentorships"]) == 1 and len(data["mentorships"][0]["messages_written"]) == 3
    assert "FROM-MENTOR" not in response.content.decode()
    assert '"woman"' not in response.content.decode()
    assert Client().get("/my-data/download.json").status_code == 302
    # The download is in the audit log, on the member, as their own export.
    entry = LogEntry.objects.get(change_message="Exported own data as JSON")
    assert (entry.user_id, entry.object_id, entry.object_repr) == (
        ana.user.pk,
        str(ana.pk),
        str(ana),
    )


def test_deleting_removes_personal_data_and_keeps_the_counts() -> None:
    small = small_cycle()
    before = cycle_figures(small.cycle, now=NOW)
    ana = small.mentees[0]
    PrivateIdentity.objects.create(member=ana, consent=True, gender="woman")
    Outcome.objects.create(member=ana, year=2026, match="integrated", awards="Gold", consent=True)
    client = client_for(ana)
    client.get("/my-data/download.json")
    wrong = client.post("/my-data/", {"password": "wrong", "confirm": "on"})
    assert wrong.status_code == 400
    ana.refresh_from_db()
    assert ana.full_name == "Student 1"
    response = client.post("/my-data/", {"password": PASSWORD, "confirm": "on"})
    assert response.status_code == 302
    ana.refresh_from_db()
    user = User.objects.get(pk=ana.user_id)
    assert ana.full_name == "Deleted member" and ana.bio == ""
    assert user.email.endswith("@deleted.invalid") and not user.is_active
    assert not user.has_usable_password()
    assert not PrivateIdentity.objects.filter(member=ana).exists()
    assert set(Message.objects.filter(author=ana).values_list("body", flat=True)) == {""}
    assert Outcome.objects.get(member=ana).awards == ""
    assert client.get("/my-data/").status_code == 302  # signed out
    # The audit trail of the download is kept, without the name.
    entry = LogEntry.objects.get(change_message="Exported own data as JSON")
    assert (entry.user_id, entry.object_repr) == (user.pk, "Deleted member")
    assert not Client().login(email="student1@example.org", password=PASSWORD)
    after = cycle_figures(small.cycle, now=NOW)
    for slug in ("funnel", "enrollment", "engagement", "ratings", "nps", "times", "requests"):
        assert after.tables[slug].rows == before.tables[slug].rows, slug
