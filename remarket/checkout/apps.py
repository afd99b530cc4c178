from django.apps import AppConfig


class CheckoutConfig(AppConfig):
    name = "remarket.checkout"
    label = "checkout"

    def ready(self) -> None:
        from . import jobs  # noqa: F401  (registers periodic jobs)
