from django.contrib import admin

from .models import Category, ProductModel, Variant


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "parent", "impact_key", "commission_bp")
    prepopulated_fields = {"slug": ("name",)}


class VariantInline(admin.TabularInline):
    model = Variant
    extra = 0


@admin.register(ProductModel)
class ProductModelAdmin(admin.ModelAdmin):
    list_display = ("brand", "name", "category", "release_year")
    list_filter = ("category", "brand")
    search_fields = ("brand", "name")
    inlines = [VariantInline]
