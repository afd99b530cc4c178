from django.apps import AppConfig


class ImpactConfig(AppConfig):
    name = "remarket.impact"
    label = "impact"
