from django.contrib import admin

from .models import Invoice, InvoiceCounter, InvoiceLine, InvoiceUpload, SellerIdentity


class ReadOnly(admin.ModelAdmin):
    """Issued documents never change: not by hand either."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class LineInline(admin.TabularInline):
    model = InvoiceLine
    extra = 0
    can_delete = False
    fields = readonly_fields = (
        "position",
        "title",
        "quantity",
        "unit_price_minor",
        "total_minor",
        "tax_scheme",
        "tax_rate",
        "tax_minor",
        "paid_minor",
    )

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Invoice)
class InvoiceAdmin(ReadOnly):
    list_display = ("number", "kind", "merchant", "suborder", "issued_at", "total_minor", "tax_minor", "currency")
    list_filter = ("kind", "year")
    search_fields = ("number",)
    inlines = [LineInline]


@admin.register(InvoiceCounter)
class InvoiceCounterAdmin(ReadOnly):
    list_display = ("merchant", "year", "kind", "last_number")


@admin.register(InvoiceUpload)
class InvoiceUploadAdmin(ReadOnly):
    list_display = ("suborder", "filename", "size", "uploaded_at")
    exclude = ("content",)


@admin.register(SellerIdentity)
class SellerIdentityAdmin(admin.ModelAdmin):
    """Set through invoices/seller.py's rules (the VAT number checked): read here."""

    list_display = ("legal_name", "merchant", "country", "vat_number", "company_id", "updated_at")
    search_fields = ("legal_name", "vat_number", "company_id")
    readonly_fields = ("merchant", "updated_at")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False
