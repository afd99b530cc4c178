from django.apps import AppConfig


class MerchantsConfig(AppConfig):
    name = "remarket.merchants"
    label = "merchants"

    def ready(self):
        from . import jobs  # noqa: F401  (registers the fees and payouts of the month's close)
