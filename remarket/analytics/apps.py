from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "remarket.analytics"
    label = "analytics"

    def ready(self) -> None:
        from . import handlers  # noqa: F401  (registers outbox handlers)
