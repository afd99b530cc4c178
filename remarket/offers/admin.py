from django.contrib import admin

from .models import Listing, ListingMarket, LocationStock, StockMovement


class TermsInline(admin.TabularInline):
    model = ListingMarket
    extra = 0


@admin.register(Listing)
class ListingAdmin(admin.ModelAdmin):
    list_display = ("sku", "merchant", "variant", "grade", "quantity")
    list_filter = ("grade",)
    search_fields = ("sku",)
    raw_id_fields = ("variant", "merchant")
    inlines = [TermsInline]


class ReadOnly(admin.ModelAdmin):
    """Units at a location move only through offers/store_stock.py (a movement row with each): shown, not edited."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(LocationStock)
class LocationStockAdmin(ReadOnly):
    list_display = ("location", "listing", "available")
    list_select_related = ("location", "listing")
    search_fields = ("location__code", "listing__sku")


@admin.register(StockMovement)
class StockMovementAdmin(ReadOnly):
    list_display = ("at", "location", "listing", "kind", "delta", "reason", "actor", "order_id")
    list_filter = ("kind",)
    list_select_related = ("location", "listing", "actor")
    search_fields = ("location__code", "listing__sku")
