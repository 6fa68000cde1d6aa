"""Coordinators manage the resource library from a product page (and in the admin)."""

from __future__ import annotations

import pytest

from mentorbridge.core.audit import audit_trail
from mentorbridge.core.refusals import Refusal
from mentorbridge.members.models import Member, Topic
from mentorbridge.mentorships import services
from mentorbridge.mentorships.forms import ResourceForm
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


def resource_form(instance: Resource | None = None, **data: object) -> ResourceForm:
    topic = Topic.objects.filter(is_active=True).first()
    assert topic is not None
    fields = {"title": "Guide", "url": "https://example.org/g", "topics": [topic.pk]}
    form = ResourceForm({**fields, **data}, instance=instance)
    assert form.is_valid(), form.errors
    return form


def test_the_services_save_and_remove_a_resource_in_the_audit_log(coordinator: Member) -> None:
    resource = services.resource_save(form=resource_form(), by=coordinator.user)
    assert resource.topics.count() == 1
    edited = services.resource_save(
        form=resource_form(resource, title="Better guide"), by=coordinator.user
    )
    assert edited.pk == resource.pk and Resource.objects.get().title == "Better guide"
    kept = Resource(pk=resource.pk)  # deleting clears the instance's pk; the audit keeps it
    services.resource_remove(resource=edited, by=coordinator.user)
    assert not Resource.objects.exists()
    assert [e.get_change_message() for e in audit_trail(kept).order_by("pk")] == [
        "Added resource “Guide”",
        "Edited resource “Better guide”",
        "Removed resource “Better guide”",
    ]


def test_the_services_refuse_a_member_who_is_not_a_coordinator(
    student: Member, outsider: Member
) -> None:
    resource = Resource.objects.create(title="Guide", url="https://example.org/g")
    for member in (student, outsider):
        with pytest.raises(Refusal, match="Coordinators curate"):
            services.resource_save(form=resource_form(), by=member.user)
        with pytest.raises(Refusal, match="Coordinators curate"):
            services.resource_save(form=resource_form(resource, title="Mine"), by=member.user)
        with pytest.raises(Refusal, match="Coordinators curate"):
            services.resource_remove(resource=resource, by=member.user)
    assert list(Resource.objects.values_list("title", flat=True)) == ["Guide"]
    assert not audit_trail(resource).exists()
