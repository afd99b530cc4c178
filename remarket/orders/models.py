import uuid

from django.db import models
from django.db.models import Q

from remarket.markets.tax import Scheme, ShipTo, ship_to_of

from .states import LineState, OrderState


class Order(models.Model):
    """What the customer bought in one checkout; one sub-order per merchant."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    market = models.ForeignKey("markets.Market", on_delete=models.PROTECT)
    channel = models.ForeignKey("markets.Channel", on_delete=models.PROTECT)
    location = models.ForeignKey("markets.Location", null=True, blank=True, on_delete=models.PROTECT)
    # click & collect: the location its parcels are shipped to and collected at (orders/pickups.py)
    pickup_location = models.ForeignKey(
        "markets.Location", null=True, blank=True, on_delete=models.PROTECT, related_name="pickup_orders"
    )
    customer = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="orders"
    )
    clerk = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    email = models.EmailField(blank=True)  # a walk-in store customer may leave none
    state = models.PositiveSmallIntegerField(default=OrderState.AWAITING_PAYMENT)
    currency = models.CharField(max_length=3)
    total_minor = models.BigIntegerField()  # what the buyer pays: lines, shipping, and US sales tax on top
    tax_minor = models.BigIntegerField(default=0)  # the tax inside (VAT) or on top of (sales tax) the total
    shipping_address = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField()
    modified_at = models.DateTimeField()
    # not a column: checkout_start sets it on the order it answers, True when its checkout key had made it before
    replayed: bool = False

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(total_minor__gte=0), name="order_total_not_negative")]
        indexes = [models.Index(fields=["market", "created_at"])]

    @property
    def ship_to(self) -> ShipTo:
        """Where its goods go, for their tax (markets/tax.py `ship_to_of`, the rule checkout priced it by)."""
        return ship_to_of(
            market_code=self.market.code,
            address=self.shipping_address,
            location=self.location if self.location_id else None,
        )


class SubOrder(models.Model):
    """One merchant's part of an order: the `/ws/` order a merchant sees, its state derived from its lines."""

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="suborders")
    merchant = models.ForeignKey("merchants.Merchant", on_delete=models.PROTECT, related_name="suborders")
    state = models.PositiveSmallIntegerField(default=OrderState.AWAITING_PAYMENT)
    total_minor = models.BigIntegerField()  # lines plus shipping, plus US sales tax
    tax_minor = models.BigIntegerField(default=0)  # the lines' tax and the shipping's
    shipping_carrier = models.CharField(max_length=40, blank=True)
    shipping_minor = models.BigIntegerField(default=0)
    shipping_tax_minor = models.BigIntegerField(default=0)  # inside shipping_minor for VAT, on top for sales tax
    shipping_tax_scheme = models.CharField(max_length=10, choices=Scheme.choices, default=Scheme.NONE)
    shipping_delay_days = models.PositiveSmallIntegerField(null=True, blank=True)
    shipping_refunded = models.BooleanField(default=False)  # its shipping went back to the buyer (once)
    created_at = models.DateTimeField()
    modified_at = models.DateTimeField(db_index=True)  # the contract's date_modification, polled by clients

    class Meta:
        constraints = [models.UniqueConstraint(fields=["order", "merchant"], name="one_suborder_per_merchant")]
        indexes = [models.Index(fields=["merchant", "state", "modified_at"])]


class OrderLine(models.Model):
    suborder = models.ForeignKey(SubOrder, on_delete=models.PROTECT, related_name="lines")
    listing = models.ForeignKey("offers.Listing", on_delete=models.PROTECT, related_name="order_lines")
    location = models.ForeignKey("markets.Location", null=True, blank=True, on_delete=models.PROTECT)
    sku = models.CharField(max_length=64)
    title = models.CharField(max_length=200)
    grade = models.CharField(max_length=10)
    quantity = models.PositiveIntegerField()
    unit_price_minor = models.BigIntegerField()
    total_minor = models.BigIntegerField()  # unit price × quantity, as shown (VAT inside, US sales tax not)
    currency = models.CharField(max_length=3)
    # the tax, fixed at checkout (markets/tax.py): scheme vat, margin, sales_tax or none; rate; where it is due
    tax_scheme = models.CharField(max_length=10, choices=Scheme.choices, default=Scheme.NONE)
    tax_rate = models.DecimalField(max_digits=6, decimal_places=5, default=0)
    tax_jurisdiction = models.CharField(max_length=12, blank=True)
    tax_minor = models.BigIntegerField(default=0)
    purchase_price_minor = models.BigIntegerField(null=True, blank=True)  # per unit, margin scheme only
    commission_bp = models.PositiveIntegerField(default=0)
    commission_minor = models.BigIntegerField(default=0)
    # the share of the operator's commission a retail partner earns when the line sells at (or is collected
    # at) one of its locations, fixed when paid (orders/partners.py); a refund reverses exactly this
    partner_commission_minor = models.BigIntegerField(default=0)
    state = models.PositiveSmallIntegerField(default=LineState.AWAITING_PAYMENT)
    # units given back so far (orders/services.py: a conditional update, so a unit is refunded once); the line
    # moves to a refunded state when they reach its quantity
    refunded_quantity = models.PositiveIntegerField(default=0)
    imei = models.CharField(max_length=17, blank=True)  # recorded once, when the merchant ships
    serial_number = models.CharField(max_length=50, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="line_quantity_positive"),
            models.CheckConstraint(condition=Q(unit_price_minor__gt=0), name="line_price_positive"),
            models.CheckConstraint(
                condition=Q(refunded_quantity__lte=models.F("quantity")), name="line_refunded_within_quantity"
            ),
        ]


class LineRefund(models.Model):
    """Units of an order line given back by one refund, with the part of the line's money they carried (each
    amount the line's share for those units, rounded on the running total: ledger/calc.py `units_share`), so
    the ledger, the credit note and the reports reverse exactly that part."""

    order_line = models.ForeignKey(OrderLine, on_delete=models.PROTECT, related_name="refunds")
    refund = models.ForeignKey("payments.Refund", on_delete=models.PROTECT, related_name="line_refunds")
    quantity = models.PositiveIntegerField()
    units_before = models.PositiveIntegerField()  # the line's units refunded before this one
    total_minor = models.BigIntegerField()
    tax_minor = models.BigIntegerField()
    commission_minor = models.BigIntegerField()
    partner_commission_minor = models.BigIntegerField(default=0)
    at = models.DateTimeField()

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="line_refund_quantity_positive"),
            models.UniqueConstraint(fields=["order_line", "units_before"], name="line_refund_units_once"),
        ]


class Shipment(models.Model):
    """Tracking of a sub-order, recorded once when the merchant ships."""

    suborder = models.OneToOneField(SubOrder, on_delete=models.PROTECT, related_name="shipment")
    carrier = models.CharField(max_length=200)  # the seller contract's lengths
    tracking_number = models.CharField(max_length=200)
    tracking_url = models.URLField(max_length=300, blank=True)
    shipped_at = models.DateTimeField()


class OrderHistory(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="history")
    suborder = models.ForeignKey(SubOrder, null=True, blank=True, on_delete=models.CASCADE)
    at = models.DateTimeField()
    what = models.CharField(max_length=200)


class Pickup(models.Model):
    """A sub-order shipped to a location for the customer to collect (orders/pickups.py): the merchant ships it
    there, the location's clerk receives it, the customer collects it with a code, or it goes back after the
    set number of days and the customer is refunded. Only a keyed digest of the code is stored."""

    class State(models.TextChoices):
        AWAITING = "awaiting", "awaiting shipment"  # in transit once the sub-order has a shipment
        READY = "ready", "ready for pickup"
        COLLECTED = "collected", "collected"
        RETURNED = "returned", "returned uncollected"

    suborder = models.OneToOneField(SubOrder, on_delete=models.PROTECT, related_name="pickup")
    location = models.ForeignKey("markets.Location", on_delete=models.PROTECT, related_name="pickups")
    state = models.CharField(max_length=10, choices=State.choices, default=State.AWAITING)
    code_salt = models.CharField(max_length=32)  # the code is derived from it with the installation's key
    code_digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField()
    received_at = models.DateTimeField(null=True, blank=True)
    received_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    expires_at = models.DateTimeField(null=True, blank=True)  # set when received: collect before this moment
    collected_at = models.DateTimeField(null=True, blank=True)
    collected_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    returned_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["location", "state"]), models.Index(fields=["state", "expires_at"])]
