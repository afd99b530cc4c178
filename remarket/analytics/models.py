from django.db import models

# Facts are the analytics store: their dimensions are kept as plain keys (no foreign-key constraint, no index of
# their own) so that a history of tens of millions of rows loads with COPY at the disk's speed; the live path
# writes them from rows that exist, and the reports read the rollups, never the facts.


class SaleFact(models.Model):
    """One paid order line as reporting sees it, written once from the `order.paid` event. A fact generated for
    the demo's summarised history has no order line (`order_line` empty); its order and customer are ids only."""

    order_line = models.OneToOneField(
        "orders.OrderLine", null=True, blank=True, on_delete=models.PROTECT, related_name="fact"
    )
    order_id = models.BigIntegerField(default=0)  # the order the line belongs to (orders are counted by it)
    market_code = models.CharField(max_length=2)
    channel_kind = models.CharField(max_length=8)
    location = models.ForeignKey(
        "markets.Location",
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )
    partner = models.ForeignKey(
        "markets.Partner",
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )
    category = models.ForeignKey(
        "catalog.Category",
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )
    merchant = models.ForeignKey(
        "merchants.Merchant", on_delete=models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+"
    )
    # a user's id; a guest's e-mail as a negative 63-bit digest; empty for a walk-in who left none
    customer_key = models.BigIntegerField(null=True, blank=True)
    new_customer = models.BooleanField(default=False)  # the line belongs to the customer's first paid order
    sold_at = models.DateTimeField()
    sold_on = models.DateField(null=True)  # the sale's date in the market's time zone
    month = models.DateField()  # first day of the month, in the market's time zone
    quantity = models.PositiveIntegerField()
    gmv_minor = models.BigIntegerField()
    currency = models.CharField(max_length=3)
    gmv_eur_minor = models.BigIntegerField()
    eur_rate = models.DecimalField(max_digits=18, decimal_places=8)  # EUR per unit of `currency` that month
    eur_rate_provisional = models.BooleanField(default=False)
    commission_eur_minor = models.BigIntegerField(default=0)  # the operator's commission on the line, in EUR
    co2e_avoided_g = models.BigIntegerField()
    co2e_low_g = models.BigIntegerField(default=0)  # the range of the estimate, from the sources (impact/calc.py)
    co2e_high_g = models.BigIntegerField(default=0)
    ewaste_avoided_g = models.BigIntegerField()

    class Meta:
        indexes = [models.Index(fields=["customer_key", "sold_at"], name="fact_customer_sold")]


class RefundFact(models.Model):
    """Units of a sold line given back (a return refunded, a paid line cancelled): a negative fact, its amounts the
    share of the sale's those units carry with the sign turned (the whole sale's for a whole line), counted in the
    sale's month and slice (its dimensions are the sale's), so that reports are net of refunds. Written once per
    refunded part."""

    order_line = models.ForeignKey(
        "orders.OrderLine", null=True, blank=True, on_delete=models.PROTECT, related_name="refund_facts"
    )
    sale = models.ForeignKey(SaleFact, on_delete=models.PROTECT, related_name="refunds")
    # the units given back (orders.LineRefund): a line refunded in parts has a fact per part, each its share of
    # the sale; empty for the summarised history, one fact per line
    line_refund = models.OneToOneField(
        "orders.LineRefund", null=True, blank=True, on_delete=models.PROTECT, related_name="fact"
    )
    refunded_at = models.DateTimeField()
    quantity = models.IntegerField(default=0)  # negative
    gmv_minor = models.BigIntegerField(default=0)
    gmv_eur_minor = models.BigIntegerField(default=0)
    commission_eur_minor = models.BigIntegerField(default=0)
    co2e_avoided_g = models.BigIntegerField(default=0)
    co2e_low_g = models.BigIntegerField(default=0)
    co2e_high_g = models.BigIntegerField(default=0)
    ewaste_avoided_g = models.BigIntegerField(default=0)


class GmvRollup(models.Model):
    """GMV and impact per month × country × channel kind, kept current by the event handlers; net of refunds
    (`gmv_eur_minor`, `units` and the impact), with the gross and the refunds beside."""

    month = models.DateField()
    market_code = models.CharField(max_length=2)
    channel_kind = models.CharField(max_length=8)
    orders = models.PositiveIntegerField(default=0)
    new_customers = models.PositiveIntegerField(default=0)  # orders that were their customer's first
    units = models.IntegerField(default=0)
    gross_units = models.PositiveIntegerField(default=0)
    gmv_eur_minor = models.BigIntegerField(default=0)
    gross_eur_minor = models.BigIntegerField(default=0)
    refunds_eur_minor = models.BigIntegerField(default=0)
    commission_eur_minor = models.BigIntegerField(default=0)
    co2e_avoided_g = models.BigIntegerField(default=0)
    co2e_low_g = models.BigIntegerField(default=0)
    co2e_high_g = models.BigIntegerField(default=0)
    ewaste_avoided_g = models.BigIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["month", "market_code", "channel_kind"], name="rollup_once")]


class _SliceMeasures(models.Model):
    """The dimensions and measures a slice has, per month (GmvSlice) or per year (GmvYearSlice): one definition
    for both, so that a year is the sum of its months field for field (0 where a dimension does not apply)."""

    market_code = models.CharField(max_length=2)
    channel_kind = models.CharField(max_length=8)
    category_id = models.IntegerField(default=0)
    merchant_id = models.IntegerField(default=0)
    partner_id = models.IntegerField(default=0)
    location_id = models.IntegerField(default=0)
    orders = models.PositiveIntegerField(default=0)
    new_customer_orders = models.PositiveIntegerField(default=0)
    units = models.IntegerField(default=0)
    gross_units = models.PositiveIntegerField(default=0)
    gmv_eur_minor = models.BigIntegerField(default=0)
    gross_eur_minor = models.BigIntegerField(default=0)
    refunds_eur_minor = models.BigIntegerField(default=0)
    commission_eur_minor = models.BigIntegerField(default=0)

    class Meta:
        abstract = True


class GmvSlice(_SliceMeasures):
    """GMV per month × country × channel kind × category × merchant × partner × location (0 where none), kept
    current with the rollup: the reports that split by category, merchant, partner or location, and the slices a
    merchant or a partner manager sees, read it. `orders` counts the orders with a line in the slice."""

    month = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "month",
                    "market_code",
                    "channel_kind",
                    "category_id",
                    "merchant_id",
                    "partner_id",
                    "location_id",
                ],
                name="slice_once",
            )
        ]
        indexes = [
            models.Index(fields=["merchant_id", "month"], name="slice_merchant"),
            models.Index(fields=["partner_id", "month"], name="slice_partner"),
            models.Index(fields=["location_id", "month"], name="slice_location"),  # the dashboard's places
        ]


class GmvYearSlice(_SliceMeasures):
    """The slices summed per calendar year (`year` is its first day): a year's report by category, merchant, partner
    or location reads a twelfth of the rows. Kept current with the slices, rebuilt with them."""

    year = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "year",
                    "market_code",
                    "channel_kind",
                    "category_id",
                    "merchant_id",
                    "partner_id",
                    "location_id",
                ],
                name="year_slice_once",
            )
        ]
        indexes = [
            models.Index(fields=["merchant_id", "year"], name="year_slice_merchant"),
            models.Index(fields=["partner_id", "year"], name="year_slice_partner"),
        ]


class LoadChunk(models.Model):
    """A chunk of the demo's generated history (one month), recorded in the transaction that loaded it, so that a
    load that crashed resumes after the last chunk done."""

    scale = models.CharField(max_length=20)
    key = models.CharField(max_length=20)
    rows = models.PositiveIntegerField()
    done_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["scale", "key"], name="load_chunk_once")]
