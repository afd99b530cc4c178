from django.db import models
from django.db.models import Q


class Account(models.TextChoices):
    GATEWAY_CLEARING = "gateway_clearing", "Gateway clearing (money the gateway holds for us)"
    MERCHANT_PAYABLE = "merchant_payable", "Owed to a merchant"
    COMMISSION = "commission_revenue", "Commission revenue"
    FEES = "fee_revenue", "Subscription fee revenue"
    TAX_PAYABLE = "tax_payable", "Tax the marketplace remits (US sales tax)"
    BANK = "bank", "Bank (payouts paid)"
    CUSTOMER_REFUNDS = "customer_refunds", "Owed back to customers (money captured for no order)"
    PARTNER_PAYABLE = "partner_payable", "Owed to a retail partner (its commission on sales at its locations)"
    TRADEIN_PAYABLE = "tradein_payable", "Owed to trade-in sellers (paid by the merchant, not yet transferred)"


class Line(models.TextChoices):
    """What an entry is for; a merchant's statement lists its payable entries by line."""

    SALE = "sale", "Sale"
    TAX = "tax", "Tax"
    SHIPPING = "shipping", "Shipping"
    COMMISSION = "commission", "Commission"
    FEE = "fee", "Subscription fee"
    PAYOUT = "payout", "Payout"
    REFUND = "refund", "Refund of money captured for no order"
    PARTNER_COMMISSION = "partner_comm", "Partner commission"
    TRADE_IN = "trade_in", "Trade-in bought back"


class LedgerTransaction(models.Model):
    """A balanced set of entries: per currency, the amounts sum to zero (a deferred constraint trigger on
    PostgreSQL checks it at commit, `ledger_post` everywhere). Never updated or deleted (triggers refuse it)."""

    kind = models.CharField(max_length=30)  # sale, refund, tax_adjustment, fee, payout
    order = models.ForeignKey("orders.Order", null=True, blank=True, on_delete=models.PROTECT)
    suborder = models.ForeignKey("orders.SubOrder", null=True, blank=True, on_delete=models.PROTECT)
    merchant = models.ForeignKey("merchants.Merchant", null=True, blank=True, on_delete=models.PROTECT)
    period = models.DateField(null=True, blank=True)  # fees and payouts: the first day of their month
    at = models.DateTimeField()
    memo = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "suborder"], condition=Q(kind="sale"), name="one_sale_per_suborder"
            ),
            models.UniqueConstraint(fields=["merchant", "period"], condition=Q(kind="fee"), name="one_fee_a_month"),
        ]


class LedgerEntry(models.Model):
    """Debit positive, credit negative, in minor units."""

    transaction = models.ForeignKey(LedgerTransaction, on_delete=models.PROTECT, related_name="entries")
    account = models.CharField(max_length=30, choices=Account.choices)
    line = models.CharField(max_length=12, choices=Line.choices, default=Line.SALE)
    merchant = models.ForeignKey("merchants.Merchant", null=True, blank=True, on_delete=models.PROTECT)
    partner = models.ForeignKey("markets.Partner", null=True, blank=True, on_delete=models.PROTECT)
    amount_minor = models.BigIntegerField()
    currency = models.CharField(max_length=3)
    at = models.DateTimeField(null=True)  # the transaction's, repeated so balances and statements read one table

    class Meta:
        indexes = [models.Index(fields=["account", "merchant", "currency", "at"])]


class BalanceSnapshot(models.Model):
    """An account's balance at a moment, so that a balance is a snapshot plus the entries after it — never a
    running total updated by every sale."""

    account = models.CharField(max_length=30, choices=Account.choices)
    merchant = models.ForeignKey("merchants.Merchant", null=True, blank=True, on_delete=models.PROTECT)
    currency = models.CharField(max_length=3)
    as_of = models.DateTimeField()  # entries strictly before this moment
    amount_minor = models.BigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["account", "merchant", "currency", "as_of"], name="one_snapshot_per_moment")
        ]


class Payout(models.Model):
    """What the marketplace paid a merchant for one period (a month in the merchant's time zone)."""

    merchant = models.ForeignKey("merchants.Merchant", on_delete=models.PROTECT, related_name="payouts")
    currency = models.CharField(max_length=3)
    period = models.DateField()  # the first day of the month it settles
    period_start = models.DateTimeField()
    period_end = models.DateTimeField()  # exclusive
    opening_minor = models.BigIntegerField()  # owed to the merchant when the period began
    movements_minor = models.BigIntegerField()  # the period's lines, summed
    amount_minor = models.BigIntegerField()  # paid: the closing balance when positive, else 0 (carried over)
    transaction = models.OneToOneField(LedgerTransaction, null=True, blank=True, on_delete=models.PROTECT)
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["merchant", "currency", "period"], name="one_payout_a_period"),
            models.CheckConstraint(condition=Q(amount_minor__gte=0), name="payout_not_negative"),
        ]


class FinanceMonth(models.Model):
    """A closed month of a market's money, summed from the ledger once the month is over (entries are only ever
    added at the present moment, so a closed month never changes): the finance page reads these instead of
    scanning history, and only the current month live."""

    market = models.ForeignKey("markets.Market", on_delete=models.PROTECT)
    currency = models.CharField(max_length=3)
    month = models.DateField()  # first day, in the market's time zone
    gmv_minor = models.BigIntegerField()
    refunds_minor = models.BigIntegerField()
    commission_minor = models.BigIntegerField()
    merchant_vat_minor = models.BigIntegerField()
    sales_tax_minor = models.BigIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["market", "currency", "month"], name="one_finance_month")]


class PartnerRate(models.Model):
    """A partner's commission rate on one category (and the categories under it), overriding the partner's own
    rate (`Partner.commission_bp`) for sales at its locations."""

    partner = models.ForeignKey("markets.Partner", on_delete=models.CASCADE, related_name="category_rates")
    category = models.ForeignKey("catalog.Category", on_delete=models.CASCADE, related_name="+")
    commission_bp = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["partner", "category"], name="one_partner_rate_per_category"),
            models.CheckConstraint(condition=Q(commission_bp__lte=10000), name="partner_rate_at_most_all"),
        ]


class PartnerPayout(models.Model):
    """What the marketplace paid a partner for one month of commissions (ledger/partners.py)."""

    partner = models.ForeignKey("markets.Partner", on_delete=models.PROTECT, related_name="payouts")
    currency = models.CharField(max_length=3)
    period = models.DateField()  # the first day of the month it settles
    amount_minor = models.BigIntegerField()
    transaction = models.OneToOneField(LedgerTransaction, null=True, blank=True, on_delete=models.PROTECT)
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["partner", "currency", "period"], name="one_partner_payout_a_period"),
            models.CheckConstraint(condition=Q(amount_minor__gte=0), name="partner_payout_not_negative"),
        ]
