from django.contrib import admin

from .models import Outcome


@admin.register(Outcome)
class OutcomeAdmin(admin.ModelAdmin[Outcome]):
    list_display = ("member", "year", "match", "publications", "presentations", "consent")
    list_filter = ("year", "match", "consent")
    search_fields = ("member__full_name", "member__user__email")
    raw_id_fields = ("member",)
