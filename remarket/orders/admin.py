from django.contrib import admin

from .models import Order, OrderLine, SubOrder


class LineInline(admin.TabularInline):
    model = OrderLine
    extra = 0
    can_delete = False
    readonly_fields = ("listing", "sku", "title", "grade", "quantity", "unit_price_minor", "total_minor", "state")


@admin.register(SubOrder)
class SubOrderAdmin(admin.ModelAdmin):
    """Read-only: order states move through the services' state machine, never by hand."""

    list_display = ("id", "merchant", "state", "total_minor", "created_at", "modified_at")
    list_filter = ("state",)
    inlines = [LineInline]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = ("public_id", "market", "channel", "state", "total_minor", "currency", "created_at")
    list_filter = ("market", "channel", "state")
    search_fields = ("public_id", "email")

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
