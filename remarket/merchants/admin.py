from django.contrib import admin

from .models import Merchant


@admin.register(Merchant)
class MerchantAdmin(admin.ModelAdmin):
    list_display = ("name", "country", "status", "is_first_party", "commission_bp")
    list_filter = ("status", "country")
    search_fields = ("name",)
