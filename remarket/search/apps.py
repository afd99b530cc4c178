from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "remarket.search"
    label = "search"

    def ready(self) -> None:
        from . import handlers  # noqa: F401  (registers the outbox handlers that follow stock moves)
