"""The admin's pages for programs and cycles."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from mentorbridge.members.models import Member
from mentorbridge.programs.models import Cycle

from ..conftest import client_for
from ..factories import make_cycle


def test_view_on_site_for_a_cycle_leads_to_its_section(coordinator: Member) -> None:
    coordinator.user.is_superuser = True
    coordinator.user.save()
    cycle = make_cycle()
    client = client_for(coordinator)
    change = client.get(reverse("admin:programs_cycle_change", args=[cycle.pk]))
    assert change.status_code == 200
    content_type = ContentType.objects.get_for_model(Cycle)
    shortcut = reverse("admin:view_on_site", args=[content_type.pk, cycle.pk])
    assert shortcut in change.content.decode()
    response = client.get(shortcut)
    assert response.status_code == 302
    assert response["Location"].endswith(f"/programs/#cycle-{cycle.pk}")
    assert client.get(reverse("programs:index")).status_code == 200
