"""Admin for coordinators: search and filters on members and institutions; taxonomies editable."""

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from .models import (
    Institution,
    Interest,
    Language,
    Member,
    MembershipCategory,
    Topic,
    TrainingStage,
)


@admin.register(Interest, Topic, Language, MembershipCategory)
class TaxonomyAdmin(admin.ModelAdmin):
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
def approve(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet) -> None:
    for institution in queryset.filter(is_approved=False):
        Institution.objects.filter(pk=institution.pk).update(is_approved=True)
        modeladmin.log_change(request, institution, "Approved (admin action)")


@admin.register(Institution)
class InstitutionAdmin(admin.ModelAdmin):
    list_display = ["name", "city", "region", "country", "has_ct_program", "is_approved"]
    list_filter = ["is_approved", "has_ct_program", "country"]
    search_fields = ["name", "city", "region"]
    actions = [approve]
    raw_id_fields = ["proposed_by"]


@admin.register(Member)
class MemberAdmin(admin.ModelAdmin):
    # Private identity answers are deliberately not registered in the admin: nobody browses them.
    list_display = ["display_name", "user", "stage", "institution", "created_at"]
    list_filter = ["stage__kind", "stage", "home_has_ct_program", "membership_category"]
    search_fields = ["full_name", "user__email", "institution__name"]
    list_select_related = ["user", "stage", "institution"]
    raw_id_fields = ["user", "institution"]
    filter_horizontal = ["languages", "interests", "topics_wanted", "topics_offered"]
