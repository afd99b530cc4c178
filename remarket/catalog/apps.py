from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "remarket.catalog"
    label = "catalog"
