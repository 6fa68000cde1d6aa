"""The Coordinators group and what it may do in the admin."""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission

from mentorbridge.core.permissions import COORDINATORS_GROUP

# app label -> actions coordinators get on every model of that app.
COORDINATOR_PERMISSIONS: dict[str, tuple[str, ...]] = {
    "members": ("view", "add", "change"),
    "programs": ("view", "add", "change", "delete"),
    "matching": ("view", "add", "change"),
    "mentorships": ("view", "change"),
    "dashboard": ("view", "add", "change", "delete"),
}

# "app_label.model" -> further actions on one model: the resource library is the Task Force's to
# curate (the rest of `mentorships` is the pairs' own data), and they read the audit log.
COORDINATOR_MODEL_PERMISSIONS: dict[str, tuple[str, ...]] = {
    "mentorships.resource": ("view", "add", "change", "delete"),
    "core.auditlog": ("view",),
}


def sync_coordinator_group() -> Group:
    group, _ = Group.objects.get_or_create(name=COORDINATORS_GROUP)
    wanted = []
    for app_label, actions in COORDINATOR_PERMISSIONS.items():
        for perm in Permission.objects.filter(content_type__app_label=app_label):
            if perm.codename.split("_", 1)[0] in actions:
                wanted.append(perm)
    for label, actions in COORDINATOR_MODEL_PERMISSIONS.items():
        app_label, model = label.split(".")
        wanted.extend(
            Permission.objects.filter(
                content_type__app_label=app_label,
                content_type__model=model,
                codename__in=[f"{action}_{model}" for action in actions],
            )
        )
    group.permissions.add(*wanted)
    return group
