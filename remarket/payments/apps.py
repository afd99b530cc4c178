from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "remarket.payments"
    label = "payments"
