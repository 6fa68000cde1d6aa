from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from .models import AtRisk, AuditEntry, CheckIn, Mentorship, Report, Resource


@admin.register(Mentorship)
class MentorshipAdmin(admin.ModelAdmin[Mentorship]):
    list_display = [
        "pk",
        "mentee",
        "mentor",
        "program",
        "cycle",
        "status",
        "started_at",
        "completed",
    ]
    list_filter = ["status", "program", "cycle", "source", "completed", "rematch_requested"]
    search_fields = ["mentee__full_name", "mentor__full_name"]
    raw_id_fields = [
        "mentee",
        "mentor",
        "mentee_enrollment",
        "mentor_enrollment",
        "closed_by",
        "cycle",
    ]
    list_select_related = ["mentee", "mentor", "program", "cycle"]
    actions = ["mark_completed"]

    @admin.action(description="Mark closed mentorships as completed (they count for certificates)")
    def mark_completed(self, request: HttpRequest, queryset: QuerySet[Mentorship]) -> None:
        # For the exceptions only: the product itself marks a mentorship completed (see
        # mentorships.completion); every use is in the audit log.
        for mentorship in queryset.filter(status="closed", completed=False):
            Mentorship.objects.filter(pk=mentorship.pk).update(completed=True)
            self.log_change(request, mentorship, "Marked completed (admin action)")


@admin.register(Resource)
class ResourceAdmin(admin.ModelAdmin[Resource]):
    list_display = ["title", "url", "is_active"]
    list_filter = ["is_active", "topics"]
    search_fields = ["title", "description"]
    filter_horizontal = ["topics"]


@admin.register(AtRisk)
class AtRiskAdmin(admin.ModelAdmin[AtRisk]):
    list_display = ["mentorship", "reason", "created_at", "resolved_at"]
    list_filter = ["reason", "resolved_at"]


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin[Report]):
    list_display = ["mentorship", "reporter", "block", "created_at"]


@admin.register(CheckIn)
class CheckInAdmin(admin.ModelAdmin[CheckIn]):
    """The Task Force reads the check-ins here; members' answers are never edited."""

    list_display = [
        "mentorship",
        "member",
        "kind",
        "number",
        "due_at",
        "answered_at",
        "rating",
        "met",
        "recommend",
    ]
    list_filter = ["kind", "rating", "met", "mentorship__program", "mentorship__cycle"]
    list_select_related = ["mentorship__mentee", "mentorship__mentor", "member"]
    search_fields = ["member__full_name", "comments"]

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin[AuditEntry]):
    list_display = ["mentorship", "viewer", "viewed_at"]

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False  # the audit log is append-only
