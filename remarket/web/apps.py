from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "remarket.web"
    label = "web"
