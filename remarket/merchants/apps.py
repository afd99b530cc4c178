from django.apps import AppConfig


class MerchantsConfig(AppConfig):
    name = "remarket.merchants"
    label = "merchants"
