"""Admin for coordinators: search and filters on members and institutions; taxonomies editable."""

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from .models import (
    Institution,
    Interest,
    Language,
    Member,
    MembershipCategory,
    StageChange,
    Taxonomy,
    Topic,
    TrainingStage,
)


@admin.register(Interest, Topic, Language, MembershipCategory)
class TaxonomyAdmin(admin.ModelAdmin[Taxonomy]):
    list_display = ["name", "slug", "order", "is_active"]
    list_editable = ["order", "is_active"]
    search_fields = ["name", "slug"]
    list_filter = ["is_active"]
    prepopulated_fields = {"slug": ("name",)}


@admin.register(TrainingStage)
class TrainingStageAdmin(TaxonomyAdmin):
    list_display = ["name", "kind", "slug", "order", "is_active"]
    list_filter = ["kind", "is_active"]


@admin.action(description="Approve selected institutions")
def approve(
    modeladmin: admin.ModelAdmin[Institution], request: HttpRequest, queryset: QuerySet[Institution]
) -> None:
    for institution in queryset.filter(is_approved=False):
        institution.is_approved = True
        institution.save(update_fields=["is_approved"])  # a save: the mentor pools hear of it
        modeladmin.log_change(request, institution, "Approved (admin action)")


@admin.register(Institution)
class InstitutionAdmin(admin.ModelAdmin[Institution]):
    list_display = ["name", "city", "region", "country", "has_ct_program", "is_approved"]
    list_filter = ["is_approved", "has_ct_program", "country"]
    search_fields = ["name", "city", "region"]
    actions = [approve]
    raw_id_fields = ["proposed_by"]


@admin.register(Member)
class MemberAdmin(admin.ModelAdmin[Member]):
    # Private identity answers are deliberately not registered in the admin: nobody browses them.
    list_display = ["display_name", "user", "stage", "institution", "created_at"]
    list_filter = ["stage__kind", "stage", "home_has_ct_program", "membership_category"]
    search_fields = ["full_name", "user__email", "institution__name"]
    list_select_related = ["user", "stage", "institution"]
    raw_id_fields = ["user", "institution"]
    filter_horizontal = ["languages", "interests", "topics_wanted", "topics_offered"]

    def save_model(self, request: HttpRequest, obj: Member, form: Any, change: bool) -> None:
        # A stage set here is set by a coordinator: record it as verified, like the queue does.
        from .selectors import member_for_user
        from .services import member_stage_verify

        new_stage = obj.stage
        if change and "stage" in form.changed_data and new_stage is not None:
            obj.stage = Member.objects.get(pk=obj.pk).stage
            super().save_model(request, obj, form, change)
            member_stage_verify(
                member=obj,
                stage=new_stage,
                source=StageChange.Source.COORDINATOR,
                by=member_for_user(request.user),
            )
            return
        super().save_model(request, obj, form, change)


@admin.register(StageChange)
class StageChangeAdmin(admin.ModelAdmin[StageChange]):
    """The audit trail of stage changes: read-only; decisions are made on the coordinators' queue."""

    list_display = [
        "member",
        "from_stage",
        "to_stage",
        "source",
        "status",
        "requested_at",
        "decided_by",
    ]
    list_filter = ["status", "source", "to_stage__kind"]
    search_fields = ["member__full_name", "member__user__email"]
    list_select_related = ["member__user", "from_stage", "to_stage", "decided_by"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
