from django.contrib import admin

from .models import MatchRun, MentorshipRequest


@admin.register(MentorshipRequest)
class MentorshipRequestAdmin(admin.ModelAdmin[MentorshipRequest]):
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
class MatchRunAdmin(admin.ModelAdmin[MatchRun]):
    list_display = ["pk", "cycle", "objective", "status", "created_at", "published_at"]
    list_filter = ["status", "objective", "cycle"]
    # The inputs snapshot is never displayed: it holds every member's profile data (and, sealed,
    # private answers). The admin shows only what it is made of.
    exclude = ["inputs_snapshot"]
    readonly_fields = ["inputs_summary", "metrics", "publish_report"]

    @admin.display(description="inputs snapshot")
    def inputs_summary(self, obj: MatchRun) -> str:
        snap = obj.inputs_snapshot or {}
        if not snap:
            return "Not taken yet."
        mentees = len(snap.get("mentees", {}).get("enrollment_ids", []))
        mentors = len(snap.get("mentors", {}).get("enrollment_ids", []))
        seats = sum(snap.get("seats", []))
        return (
            f"{mentees} mentees, {mentors} mentors, {seats} seats, taken {snap.get('taken_at', '?')}"
            " (kept for reproducibility; private answers only sealed, never shown)."
        )
