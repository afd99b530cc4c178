from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "remarket.events"
    label = "events"
