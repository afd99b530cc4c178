from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "remarket.accounts"
    label = "accounts"
