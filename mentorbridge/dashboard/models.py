"""What the Task Force's side keeps: roster uploads, the society's member ids, invitations.

Exports are recorded in the one audit log (core.audit), not here."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone


class RosterUpload(models.Model):
    """A member list a coordinator uploaded: kept so the preview and the import read the same
    bytes, and so the Task Force can see what was imported when."""

    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    filename = models.CharField(max_length=255)
    content = models.BinaryField()
    # Column index in the file for each roster field, as the coordinator confirmed it.
    mapping = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    imported_at = models.DateTimeField(null=True, blank=True)
    created_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)
    unchanged_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering: ClassVar = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Roster {self.filename} ({self.created_at:%Y-%m-%d})"


class RosterEntry(models.Model):
    """The society's own member id for a member who came from the roster."""

    member = models.OneToOneField(
        "members.Member", on_delete=models.CASCADE, related_name="roster_entry"
    )
    society_id = models.CharField(max_length=60, unique=True, null=True, blank=True)
    upload = models.ForeignKey(
        RosterUpload, null=True, on_delete=models.SET_NULL, related_name="entries"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "roster entries"

    def __str__(self) -> str:
        return f"Roster entry {self.society_id or '-'} for member {self.member_id}"


class Invitation(models.Model):
    """A member created from the roster is invited to set a password and finish the profile.

    Only a hash of the one-time link's token is stored; each reminder issues a new link (the old
    one stops working). Reminders after 7 and 21 days are marked here, so each is sent once.
    """

    member = models.OneToOneField(
        "members.Member", on_delete=models.CASCADE, related_name="invitation"
    )
    upload = models.ForeignKey(
        RosterUpload, null=True, on_delete=models.SET_NULL, related_name="invitations"
    )
    token_hash = models.CharField(max_length=64, blank=True, db_index=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    reminded_7_at = models.DateTimeField(null=True, blank=True)
    reminded_21_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["-created_at", "-pk"]
        indexes: ClassVar = [models.Index(fields=["accepted_at", "sent_at"])]

    def __str__(self) -> str:
        return f"Invitation of member {self.member_id}"
