from django.contrib import admin

from .models import OutboxEvent, PeriodicJob


@admin.register(OutboxEvent)
class OutboxEventAdmin(admin.ModelAdmin):
    list_display = ("id", "topic", "created_at", "attempts", "done_at")
    list_filter = ("topic",)


@admin.register(PeriodicJob)
class PeriodicJobAdmin(admin.ModelAdmin):
    list_display = ("name", "next_run_at", "last_run_at", "last_result")
