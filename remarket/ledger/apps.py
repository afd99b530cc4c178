from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "remarket.ledger"
    label = "ledger"

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from remarket.catalog.models import Category

        from . import jobs  # noqa: F401  (registers the month's close)
        from .commission import commission_rates_changed

        # a category's new rate: at once in this process, within a minute elsewhere (commission.py)
        for signal in (post_save, post_delete):
            signal.connect(
                lambda **kwargs: commission_rates_changed(),
                sender=Category,
                weak=False,
                dispatch_uid=f"ledger.commission_rates.{signal is post_save}",
            )
