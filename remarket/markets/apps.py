from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _tax_rates_present(sender, using="default", **kwargs) -> None:
    """An empty rate table is never right: after `migrate`, and after a `flush` (a demo rebuilt with --force, a
    transactional test), the shipped rates are loaded again, as Django recreates its content types."""
    from .models import TaxRate
    from .services import tax_rates_load

    if not TaxRate.objects.using(using).exists():
        tax_rates_load()


class MarketsConfig(AppConfig):
    name = "remarket.markets"
    label = "markets"

    def ready(self):
        post_migrate.connect(_tax_rates_present, sender=self, dispatch_uid="markets.tax_rates_present")
