from django.apps import AppConfig


class OrdersConfig(AppConfig):
    name = "remarket.orders"
    label = "orders"

    def ready(self) -> None:
        from . import handlers, jobs, pickup_mail  # noqa: F401  (registers outbox handlers and periodic jobs)
