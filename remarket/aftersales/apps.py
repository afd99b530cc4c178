from django.apps import AppConfig


class AftersalesConfig(AppConfig):
    name = "remarket.aftersales"
    label = "aftersales"

    def ready(self) -> None:
        from . import claims_mail, handlers, jobs  # noqa: F401  (mails at each step; escalation and quality jobs)
