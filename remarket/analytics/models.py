from django.db import models


class SaleFact(models.Model):
    """One paid order line as reporting sees it, written once from the `order.paid` event."""

    order_line = models.OneToOneField("orders.OrderLine", on_delete=models.PROTECT, related_name="fact")
    market_code = models.CharField(max_length=2)
    channel_kind = models.CharField(max_length=8)
    location = models.ForeignKey("markets.Location", null=True, blank=True, on_delete=models.PROTECT)
    merchant = models.ForeignKey("merchants.Merchant", on_delete=models.PROTECT)
    sold_at = models.DateTimeField()
    month = models.DateField()  # first day of the month, in the market's time zone
    quantity = models.PositiveIntegerField()
    gmv_minor = models.BigIntegerField()
    currency = models.CharField(max_length=3)
    gmv_eur_minor = models.BigIntegerField()
    eur_rate = models.DecimalField(max_digits=18, decimal_places=8)  # EUR per unit of `currency` that month
    eur_rate_provisional = models.BooleanField(default=False)
    co2e_avoided_g = models.BigIntegerField()
    co2e_low_g = models.BigIntegerField(default=0)  # the range of the estimate, from the sources (impact/calc.py)
    co2e_high_g = models.BigIntegerField(default=0)
    ewaste_avoided_g = models.BigIntegerField()


class GmvRollup(models.Model):
    """GMV and impact per month × country × channel kind, kept current by the event handler."""

    month = models.DateField()
    market_code = models.CharField(max_length=2)
    channel_kind = models.CharField(max_length=8)
    orders = models.PositiveIntegerField(default=0)
    units = models.PositiveIntegerField(default=0)
    gmv_eur_minor = models.BigIntegerField(default=0)
    co2e_avoided_g = models.BigIntegerField(default=0)
    co2e_low_g = models.BigIntegerField(default=0)
    co2e_high_g = models.BigIntegerField(default=0)
    ewaste_avoided_g = models.BigIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["month", "market_code", "channel_kind"], name="rollup_once")]


class RefundFact(models.Model):
    """A sold line given back (a return refunded): its sale's GMV, units and avoided impact are taken off the rollup
    of the sale's month, so that reports are net of returns. Written once from the `return.refunded` event."""

    order_line = models.OneToOneField("orders.OrderLine", on_delete=models.PROTECT, related_name="refund_fact")
    sale = models.OneToOneField(SaleFact, on_delete=models.PROTECT, related_name="refund")
    refunded_at = models.DateTimeField()
