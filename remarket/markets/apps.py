from django.apps import AppConfig


class MarketsConfig(AppConfig):
    name = "remarket.markets"
    label = "markets"
