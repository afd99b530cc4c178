from django.contrib import admin

from .models import Channel, FxRate, Location, Market, Partner

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
