from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "remarket.core"
    label = "core"
