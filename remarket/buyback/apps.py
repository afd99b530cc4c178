from django.apps import AppConfig


class BuybackConfig(AppConfig):
    name = "remarket.buyback"
    label = "buyback"

    def ready(self) -> None:
        from . import handlers, jobs  # noqa: F401  (mails at each step; the deadlines' periodic job)
