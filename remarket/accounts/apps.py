from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "remarket.accounts"
    label = "accounts"

    def ready(self) -> None:
        from . import handlers  # noqa: F401  (registers the account mails' outbox handlers)
