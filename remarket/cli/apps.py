from django.apps import AppConfig


class CliConfig(AppConfig):
    name = "remarket.cli"
    label = "cli"
