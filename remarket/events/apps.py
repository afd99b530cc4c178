from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "remarket.events"
    label = "events"

    def ready(self) -> None:
        from . import jobs  # noqa: F401  (registers the housekeeping jobs)
