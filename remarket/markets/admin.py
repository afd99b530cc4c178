from django.contrib import admin

from .models import Channel, FxRate, Location, Market, Partner, TaxRate
from .tax import tax_rates_changed

admin.site.register(Market)
admin.site.register(Channel)
admin.site.register(Partner)


@admin.register(Location)
class LocationAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "town", "postcode", "channel")
    search_fields = ("name", "town", "postcode")


@admin.register(FxRate)
class FxRateAdmin(admin.ModelAdmin):
    list_display = ("currency", "month", "per_usd")
    list_filter = ("currency",)


@admin.register(TaxRate)
class TaxRateAdmin(admin.ModelAdmin):
    """Rates change by adding a row from its start date (and closing the old one), so past sales keep theirs."""

    list_display = ("country", "region", "kind", "rate", "valid_from", "valid_to", "shipping_taxable")
    list_filter = ("kind", "country")
    search_fields = ("country", "region", "note")

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        tax_rates_changed()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        tax_rates_changed()
