from django.contrib import admin

from .models import MatchRun, MentorshipRequest


@admin.register(MentorshipRequest)
class MentorshipRequestAdmin(admin.ModelAdmin):
    list_display = [
        "pk",
        "mentee_enrollment",
        "mentor_enrollment",
        "state",
        "created_at",
        "deadline",
    ]
    list_filter = ["state", "cycle__program", "cycle"]
    search_fields = ["mentee_enrollment__member__full_name", "mentor_enrollment__member__full_name"]
    raw_id_fields = ["cycle", "mentee_enrollment", "mentor_enrollment", "mentorship"]
    list_select_related = ["mentee_enrollment__member", "mentor_enrollment__member"]


@admin.register(MatchRun)
class MatchRunAdmin(admin.ModelAdmin):
    list_display = ["pk", "cycle", "objective", "status", "created_at", "published_at"]
    list_filter = ["status", "objective", "cycle"]
    readonly_fields = ["inputs_snapshot", "metrics", "publish_report"]
