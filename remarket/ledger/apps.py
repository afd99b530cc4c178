from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "remarket.ledger"
    label = "ledger"
