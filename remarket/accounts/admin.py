from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from .models import ApiToken, User


@admin.register(User)
class RemarketUserAdmin(UserAdmin):
    list_display = ("username", "email", "role", "merchant", "location", "is_active")
    list_filter = ("role", "is_active")
    fieldsets = tuple(UserAdmin.fieldsets or ()) + (
        ("remarket", {"fields": ("role", "merchant", "location", "partner")}),
    )


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("name", "prefix", "user", "created_at", "last_used_at", "revoked_at")
    readonly_fields = ("digest", "prefix", "created_at", "last_used_at")
