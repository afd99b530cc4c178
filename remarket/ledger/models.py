from django.db import models


class Account(models.TextChoices):
    GATEWAY_CLEARING = "gateway_clearing", "Gateway clearing (money the gateway holds for us)"
    MERCHANT_PAYABLE = "merchant_payable", "Owed to a merchant"
    COMMISSION = "commission_revenue", "Commission revenue"
    TAX_PAYABLE = "tax_payable", "Tax payable"
    REFUNDS = "refunds", "Refunds"


class LedgerTransaction(models.Model):
    """A balanced set of entries: per currency, the amounts sum to zero. Never updated or deleted."""

    kind = models.CharField(max_length=30)  # sale, refund, payout...
    order = models.ForeignKey("orders.Order", null=True, blank=True, on_delete=models.PROTECT)
    suborder = models.ForeignKey("orders.SubOrder", null=True, blank=True, on_delete=models.PROTECT)
    at = models.DateTimeField()
    memo = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "suborder"], condition=models.Q(kind="sale"),
                                               name="one_sale_per_suborder")]


class LedgerEntry(models.Model):
    """Debit positive, credit negative, in minor units."""

    transaction = models.ForeignKey(LedgerTransaction, on_delete=models.PROTECT, related_name="entries")
    account = models.CharField(max_length=30, choices=Account.choices)
    merchant = models.ForeignKey("merchants.Merchant", null=True, blank=True, on_delete=models.PROTECT)
    amount_minor = models.BigIntegerField()
    currency = models.CharField(max_length=3)

    class Meta:
        indexes = [models.Index(fields=["account", "merchant", "currency"])]
