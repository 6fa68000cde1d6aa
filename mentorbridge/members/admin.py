"""Admin for coordinators: search and filters on members and institutions; taxonomies editable."""

from typing import ClassVar

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
    list_display: ClassVar = ["name", "slug", "order", "is_active"]
    list_editable: ClassVar = ["order", "is_active"]
    search_fields: ClassVar = ["name", "slug"]
    list_filter: ClassVar = ["is_active"]
    prepopulated_fields: ClassVar = {"slug": ("name",)}


@admin.register(TrainingStage)
class TrainingStageAdmin(TaxonomyAdmin):
    list_display: ClassVar = ["name", "kind", "slug", "order", "is_active"]
    list_filter: ClassVar = ["kind", "is_active"]


@admin.action(description="Approve selected institutions")
def approve(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet) -> None:
    queryset.update(is_approved=True)


@admin.register(Institution)
class InstitutionAdmin(admin.ModelAdmin):
    list_display: ClassVar = ["name", "city", "region", "country", "has_ct_program", "is_approved"]
    list_filter: ClassVar = ["is_approved", "has_ct_program", "country"]
    search_fields: ClassVar = ["name", "city", "region"]
    actions: ClassVar = [approve]
    raw_id_fields: ClassVar = ["proposed_by"]


@admin.register(Member)
class MemberAdmin(admin.ModelAdmin):
    # Private identity answers are deliberately not registered in the admin: nobody browses them.
    list_display: ClassVar = ["display_name", "user", "stage", "institution", "created_at"]
    list_filter: ClassVar = ["stage__kind", "stage", "home_has_ct_program", "membership_category"]
    search_fields: ClassVar = ["full_name", "user__email", "institution__name"]
    list_select_related: ClassVar = ["user", "stage", "institution"]
    raw_id_fields: ClassVar = ["user", "institution"]
    filter_horizontal: ClassVar = ["languages", "interests", "topics_wanted", "topics_offered"]
