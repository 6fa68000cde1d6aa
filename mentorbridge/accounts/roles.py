"""The Coordinators group and what it may do in the admin."""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission

from mentorbridge.members.models import COORDINATORS_GROUP

# app label -> actions coordinators get on every model of that app.
COORDINATOR_PERMISSIONS: dict[str, tuple[str, ...]] = {
    "members": ("view", "add", "change"),
    "programs": ("view", "add", "change", "delete"),
    "matching": ("view", "add", "change"),
    "mentorships": ("view", "change"),
    "dashboard": ("view", "add", "change", "delete"),
}


def sync_coordinator_group() -> Group:
    group, _ = Group.objects.get_or_create(name=COORDINATORS_GROUP)
    wanted = []
    for app_label, actions in COORDINATOR_PERMISSIONS.items():
        for perm in Permission.objects.filter(content_type__app_label=app_label):
            if perm.codename.split("_", 1)[0] in actions:
                wanted.append(perm)
    group.permissions.add(*wanted)
    return group
