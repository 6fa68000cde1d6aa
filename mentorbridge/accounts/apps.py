from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


class AccountsConfig(AppConfig):
    name = "mentorbridge.accounts"
    label = "accounts"

    def ready(self) -> None:
        # Permissions exist only after every app migrated, so the group is synced after migrate.
        post_migrate.connect(_sync_groups, dispatch_uid="mentorbridge_sync_groups")


def _sync_groups(**kwargs: Any) -> None:
    from .roles import sync_coordinator_group

    sync_coordinator_group()
