from typing import ClassVar

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering: ClassVar = ["email"]
    list_display: ClassVar = ["email", "is_active", "is_staff", "date_joined", "last_login"]
    search_fields: ClassVar = ["email"]
    fieldsets: ClassVar = [
        (None, {"fields": ("email", "password")}),
        ("Names", {"fields": ("first_name", "last_name")}),
        ("Permissions", {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    ]
    add_fieldsets: ClassVar = [(None, {"fields": ("email", "password1", "password2")})]
