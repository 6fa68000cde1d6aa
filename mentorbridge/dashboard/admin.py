from django.contrib import admin
from django.http import HttpRequest

from .models import DataExport


@admin.register(DataExport)
class DataExportAdmin(admin.ModelAdmin[DataExport]):
    """The audit trail of exports: readable, never edited."""

    list_display = ("created_at", "user", "what", "format", "cycle", "rows")
    list_filter = ("what", "format")
    date_hierarchy = "created_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: DataExport | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: DataExport | None = None) -> bool:
        return False
