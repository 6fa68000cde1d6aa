"""In-app notifications: every email a member gets also appears in their list, with an unread count."""

from __future__ import annotations

from typing import ClassVar

from django.contrib.admin.models import LogEntry
from django.db import models
from django.utils import timezone


class NotificationQuerySet(models.QuerySet["Notification"]):
    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    member = models.ForeignKey(
        "members.Member", on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=40)
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering: ClassVar = ["-created_at", "-pk"]
        indexes: ClassVar = [models.Index(fields=["member", "read_at"])]

    def __str__(self) -> str:
        return self.title


class EmailDelivery(models.Model):
    """One row per email task that sent its message: a task run again (its worker was killed and
    `recover_tasks` re-queued it) finds the row and sends nothing twice."""

    task_id = models.CharField(max_length=64, unique=True)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "email deliveries"

    def __str__(self) -> str:
        return f"Email task {self.task_id}"


class AuditLog(LogEntry):
    """The admin's log entries, shown as the product's audit log (see core/audit.py)."""

    class Meta:
        proxy = True
        verbose_name = "audit log entry"
        verbose_name_plural = "audit log"
