from django.apps import AppConfig


class CheckoutConfig(AppConfig):
    name = "remarket.checkout"
    label = "checkout"

    def ready(self) -> None:
        from . import handlers, jobs  # noqa: F401  (registers outbox handlers and periodic jobs)
