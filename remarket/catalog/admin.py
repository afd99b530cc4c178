from django.contrib import admin

from .models import Category, ProductModel, Variant
from .services import category_delete, category_save


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "parent", "impact_key", "commission_bp")
    prepopulated_fields = {"slug": ("name",)}

    def save_model(self, request, obj, form, change):
        category_save(category=obj)

    def delete_model(self, request, obj):
        category_delete(category=obj)

    def delete_queryset(self, request, queryset):
        for category in queryset:
            category_delete(category=category)


class VariantInline(admin.TabularInline):
    model = Variant
    extra = 0


@admin.register(ProductModel)
class ProductModelAdmin(admin.ModelAdmin):
    list_display = ("brand", "name", "category", "release_year")
    list_filter = ("category", "brand")
    search_fields = ("brand", "name")
    inlines = [VariantInline]
