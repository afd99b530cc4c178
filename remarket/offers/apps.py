from django.apps import AppConfig


class OffersConfig(AppConfig):
    name = "remarket.offers"
    label = "offers"

    def ready(self) -> None:
        from . import repricer  # noqa: F401  (registers the repricer's periodic job)
