from django.apps import AppConfig


class OffersConfig(AppConfig):
    name = "remarket.offers"
    label = "offers"

    def ready(self) -> None:
        from . import feeds, repricer, summaries  # noqa: F401  (registers the feed handler, the repricer's job, the summaries' handler)
