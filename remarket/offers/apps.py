from django.apps import AppConfig


class OffersConfig(AppConfig):
    name = "remarket.offers"
    label = "offers"

    def ready(self) -> None:
        from . import feeds, repricer  # noqa: F401  (registers the feed handler and the repricer's job)
