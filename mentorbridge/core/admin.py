"""The audit log in the admin: read-only, for the Task Force and auditors."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.db.models import QuerySet
from django.http import HttpRequest

from .audit import EXPORT_PREFIX
from .models import AuditLog


class ExportFilter(admin.SimpleListFilter):
    """Downloads of members' data and figures (what the dashboard's own export list showed)."""

    title = "kind"
    parameter_name = "kind"

    def lookups(self, request: HttpRequest, model_admin: object) -> list[tuple[str, str]]:
        return [("exports", "Exports"), ("changes", "Changes")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[LogEntry]) -> QuerySet[LogEntry]:
        exported = {"change_message__startswith": EXPORT_PREFIX}
        if self.value() == "exports":
            return queryset.filter(**exported)
        if self.value() == "changes":
            return queryset.exclude(**exported)
        return queryset


@admin.register(AuditLog)
class AuditLogAdmin(admin.ModelAdmin[AuditLog]):
    list_display = ["action_time", "user", "content_type", "object_repr", "what"]
    list_filter = [ExportFilter, "content_type", "action_flag"]
    search_fields = ["object_repr", "change_message", "user__email"]
    date_hierarchy = "action_time"
    list_select_related = ["user", "content_type"]

    @admin.display(description="what")
    def what(self, entry: LogEntry) -> str:
        return entry.get_change_message()

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False  # append-only
