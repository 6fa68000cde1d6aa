"""Coordinators manage the resource library from a product page (and in the admin)."""

from __future__ import annotations

import pytest

from mentorbridge.core.audit import audit_trail
from mentorbridge.members.models import Member, Topic
from mentorbridge.mentorships.models import Resource

from ..conftest import client_for
from ..factories import make_mentorship

pytestmark = pytest.mark.django_db


def test_a_coordinator_adds_edits_and_removes_a_resource(
    coordinator: Member, student: Member, resident: Member
) -> None:
    topic = Topic.objects.filter(is_active=True).first()
    assert topic is not None
    client = client_for(coordinator)
    assert "Add a resource" in client.get("/mentorships/resources/").content.decode()
    response = client.post(
        "/mentorships/resources/new/",
        {
            "title": "ERAS application guide",
            "url": "https://example.org/eras",
            "description": "Step by step.",
            "topics": [topic.pk],
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    resource = Resource.objects.get()
    assert (
        audit_trail(resource).get().get_change_message()
        == "Added resource “ERAS application guide”"
    )
    # The pairs whose mentee wants the topic see it.
    student.topics_wanted.set([topic])
    pair = make_mentorship(student, resident)
    assert (
        "ERAS application guide"
        in client_for(student).get(pair.get_absolute_url()).content.decode()
    )

    client.post(
        f"/mentorships/resources/{resource.pk}/",
        {"title": "ERAS guide", "url": "https://example.org/eras", "topics": [topic.pk]},
    )
    resource.refresh_from_db()
    assert (resource.title, resource.is_active) == ("ERAS guide", False)
    client.post(f"/mentorships/resources/{resource.pk}/remove/")
    assert not Resource.objects.exists()
    assert audit_trail(resource).count() == 3


def test_bad_input_is_refused_with_a_count_and_changes_nothing(coordinator: Member) -> None:
    response = client_for(coordinator).post(
        "/mentorships/resources/new/", {"title": "", "url": "javascript:alert(1)"}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Please correct the 3 items marked below" in body
    assert not Resource.objects.exists()


def test_members_cannot_manage_resources(student: Member, resident: Member) -> None:
    resource = Resource.objects.create(title="Guide", url="https://example.org/g")
    for member in (student, resident):
        client = client_for(member)
        assert client.get("/mentorships/resources/").status_code == 404
        assert client.post(f"/mentorships/resources/{resource.pk}/remove/").status_code == 404
        assert client.post("/mentorships/resources/new/", {"title": "x"}).status_code == 404
    assert Resource.objects.count() == 1


def test_the_admin_lets_coordinators_add_resources(coordinator: Member) -> None:
    client = client_for(coordinator)
    assert client.get("/admin/mentorships/resource/add/").status_code == 200
    assert client.get("/admin/mentorships/resource/").status_code == 200
