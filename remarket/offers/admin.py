from django.contrib import admin

from .models import Listing, ListingMarket, LocationStock


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


@admin.register(LocationStock)
class LocationStockAdmin(admin.ModelAdmin):
    list_display = ("location", "listing", "available")
    raw_id_fields = ("location", "listing")
