from django.apps import AppConfig


class InvoicesConfig(AppConfig):
    name = "remarket.invoices"
    label = "invoices"

    def ready(self) -> None:
        from . import handlers  # noqa: F401  (issues invoices and credit notes from order events)
