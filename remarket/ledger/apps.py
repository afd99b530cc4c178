from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "remarket.ledger"
    label = "ledger"

    def ready(self):
        from . import jobs  # noqa: F401  (registers the month's close)
