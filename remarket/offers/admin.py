from django.contrib import admin

from .models import Listing, ListingMarket, LocationStock, StockMovement


class ReadOnlyMixin:
    """Shown, never written here: listing writes go through `listings_apply` (which keeps the best offers
    current and the feed rules whole) and store stock through its explicit movements (offers/store_stock.py)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class TermsInline(ReadOnlyMixin, admin.TabularInline):
    model = ListingMarket
    extra = 0


@admin.register(Listing)
class ListingAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("sku", "merchant", "variant", "grade", "quantity")
    list_filter = ("grade",)
    search_fields = ("sku",)
    raw_id_fields = ("variant", "merchant")
    inlines = [TermsInline]


@admin.register(LocationStock)
class LocationStockAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("location", "listing", "available")
    list_select_related = ("location", "listing")
    search_fields = ("location__code", "listing__sku")


@admin.register(StockMovement)
class StockMovementAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("at", "location", "listing", "kind", "delta", "reason", "actor", "order_id")
    list_filter = ("kind",)
    list_select_related = ("location", "listing", "actor")
    search_fields = ("location__code", "listing__sku")
