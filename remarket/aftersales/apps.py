from django.apps import AppConfig


class AftersalesConfig(AppConfig):
    name = "remarket.aftersales"
    label = "aftersales"

    def ready(self) -> None:
        from . import handlers  # noqa: F401  (mails the customer at each step of a return)
