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


class EmailSettings(models.Model):
    """Which optional emails a member gets (every notification still appears in the app).

    Requests and their answers, a new pair, certificates and account emails are always sent: they
    carry deadlines or change what a member can do.
    """

    member = models.OneToOneField(
        "members.Member", on_delete=models.CASCADE, related_name="email_settings"
    )
    meetings = models.BooleanField(
        "Meetings: proposals, confirmations with the calendar invite", default=True
    )
    messages = models.BooleanField(
        "New messages from my mentorship partner (at most one email an hour)", default=True
    )
    reminders = models.BooleanField("Check-ins and reminders to keep in touch", default=True)
    task_force = models.BooleanField(
        "Task Force alerts: reports and requests to be matched again (coordinators)",
        default=True,
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "email settings"

    def __str__(self) -> str:
        return f"Email settings of member {self.member_id}"


# Email template -> the EmailSettings field that can turn it off; templates not listed always go.
OPTIONAL_EMAILS: dict[str, str] = {
    "mentorship_meeting": "meetings",
    "mentorship_meeting_confirmed": "meetings",
    "circle_meeting": "meetings",
    "board_digest": "reminders",
    "mentorship_messages": "messages",
    "mentorship_check_in": "reminders",
    "mentorship_nudge": "reminders",
    "mentorship_alert": "task_force",
}
