from django.apps import AppConfig


class OffersConfig(AppConfig):
    name = "remarket.offers"
    label = "offers"
