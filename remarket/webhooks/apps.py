from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "remarket.webhooks"
    label = "webhooks"

    def ready(self) -> None:
        from . import handlers, jobs  # noqa: F401  (registers the outbox handlers and the sending job)
