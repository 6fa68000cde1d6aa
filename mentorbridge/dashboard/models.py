"""What the Task Force's side keeps: the audit trail of data leaving the platform."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone


class DataExport(models.Model):
    """Someone downloaded members' data or figures: who, when, what (kept for the audit)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    what = models.CharField(max_length=60)
    format = models.CharField(max_length=10)
    cycle = models.ForeignKey(
        "programs.Cycle", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    rows = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar = ["-created_at", "-pk"]
        verbose_name = "data export"

    def __str__(self) -> str:
        return (
            f"{self.user} exported {self.what} ({self.format}) at {self.created_at:%Y-%m-%d %H:%M}"
        )
