"""Trade-in (buy-back): merchants publish what they pay for a device in a grade, per market; a customer's
trade-in is one device sold to the merchant with the best quote. Statuses and reasons are the seller contract's
(`/ws/buyback/...`); the moves are in services.py."""

import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Grade(models.TextChoices):
    """The contract's trade-in grades, best first (calc.py maps the questionnaire onto them)."""

    DIAMOND = "DIAMOND", _("As new")
    PLATINUM = "PLATINUM", _("Very good")
    GOLD = "GOLD", _("Good")
    SILVER = "SILVER", _("Used")
    BRONZE = "BRONZE", _("Cracked screen")
    STALLONE = "STALLONE", _("Does not work")


class Status(models.TextChoices):
    """The contract's `buybackOrderState`, and two ends it has no word for (see api/ws/README.md)."""

    NEW = "NEW", _("Accepted, identity to check")
    PENDING = "PENDING", _("Identity to correct")
    TO_SEND = "TO_SEND", _("To send")
    SENT = "SENT", _("Sent")
    RECEIVED = "RECEIVED", _("Received, being inspected")
    COUNTER_PROPOSAL = "COUNTER_PROPOSAL", _("Counter-offer to answer")
    VALIDATED = "VALIDATED", _("Validated")
    PAID = "PAID", _("Paid")
    MONEY_TRANSFERED = "MONEY_TRANSFERED", _("Money transferred")
    SUSPENDED = "SUSPENDED", _("Suspended")
    CANCELLED = "CANCELLED", _("Cancelled")  # not sent in time, or withdrawn before sending
    RETURNED = "RETURNED", _("Device sent back")  # counter-offer refused or unanswered, or suspended for good


class BuybackListing(models.Model):
    """What one merchant pays for one variant in one trade-in grade; its prices per market are `BuybackPrice`
    rows (a price of 0 takes it offline in that market, as the contract says)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    merchant = models.ForeignKey("merchants.Merchant", on_delete=models.PROTECT, related_name="buyback_listings")
    variant = models.ForeignKey("catalog.Variant", on_delete=models.PROTECT, related_name="buyback_listings")
    grade = models.CharField(max_length=10, choices=Grade.choices)
    sku = models.CharField(max_length=64, blank=True)  # empty: none (the contract's null)
    created_at = models.DateTimeField()
    modified_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["merchant", "variant", "grade"], name="buyback_listing_once"),
        ]


class BuybackPrice(models.Model):
    listing = models.ForeignKey(BuybackListing, on_delete=models.CASCADE, related_name="prices")
    market = models.ForeignKey("markets.Market", on_delete=models.PROTECT, related_name="+")
    price_minor = models.BigIntegerField()
    currency = models.CharField(max_length=3)
    modified_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["market", "price_minor"])]
        constraints = [
            models.UniqueConstraint(fields=["listing", "market"], name="buyback_price_once_per_market"),
            models.CheckConstraint(condition=Q(price_minor__gte=0), name="buyback_price_not_negative"),
        ]


class TradeIn(models.Model):
    """A customer's device sold to a merchant at a quote (the contract's buyback order)."""

    class Mode(models.TextChoices):
        PARCEL = "parcel", _("By parcel, with a free label")
        LOCATION = "location", _("Handed in at a location")

    reference = models.CharField(max_length=20, unique=True)  # the contract's orderPublicId: FR-48213-KXQPD
    market = models.ForeignKey("markets.Market", on_delete=models.PROTECT, related_name="+")
    merchant = models.ForeignKey("merchants.Merchant", on_delete=models.PROTECT, related_name="trade_ins")
    listing = models.ForeignKey(BuybackListing, on_delete=models.PROTECT, related_name="trade_ins")
    customer = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="trade_ins"
    )
    email = models.EmailField(blank=True)
    mode = models.CharField(max_length=8, choices=Mode.choices, default=Mode.PARCEL)
    location = models.ForeignKey("markets.Location", null=True, blank=True, on_delete=models.PROTECT)
    clerk = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    grade = models.CharField(max_length=10, choices=Grade.choices)
    answers = models.JSONField(default=dict)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.NEW)
    quote_minor = models.BigIntegerField()
    currency = models.CharField(max_length=3)
    counter_minor = models.BigIntegerField(null=True, blank=True)
    counter_comment = models.CharField(max_length=200, blank=True)
    counter_reasons = models.JSONField(default=list)
    suspend_reasons = models.JSONField(default=list)
    paid_minor = models.BigIntegerField(null=True, blank=True)  # what the customer gets: quote or counter-offer
    first_name = models.CharField(max_length=100, blank=True)
    last_name = models.CharField(max_length=100, blank=True)
    birth_date = models.DateField(null=True, blank=True)
    phone = models.CharField(max_length=30, blank=True)
    address = models.JSONField(default=dict)
    label_reference = models.CharField(max_length=40, blank=True)
    shipper = models.CharField(max_length=60, blank=True)
    tracking_number = models.CharField(max_length=60, blank=True)
    ship_by = models.DateTimeField(null=True, blank=True)  # TO_SEND: after this it expires
    answer_by = models.DateTimeField(null=True, blank=True)  # COUNTER_PROPOSAL: after this the device comes back
    reply_by = models.DateTimeField(null=True, blank=True)  # RECEIVED: the merchant's inspection deadline
    payout = models.OneToOneField(
        "ledger.LedgerTransaction", null=True, blank=True, on_delete=models.PROTECT, related_name="trade_in_paid"
    )
    transfer = models.OneToOneField(
        "ledger.LedgerTransaction", null=True, blank=True, on_delete=models.PROTECT, related_name="trade_in_moved"
    )
    created_at = models.DateTimeField()
    modified_at = models.DateTimeField(db_index=True)
    shipped_at = models.DateTimeField(null=True, blank=True)
    received_at = models.DateTimeField(null=True, blank=True)
    suspended_at = models.DateTimeField(null=True, blank=True)
    counter_at = models.DateTimeField(null=True, blank=True)
    validated_at = models.DateTimeField(null=True, blank=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    transferred_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["merchant", "status", "modified_at"]),
            models.Index(fields=["status", "ship_by"]),
            models.Index(fields=["status", "answer_by"]),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(quote_minor__gt=0), name="tradein_quote_positive"),
            models.CheckConstraint(
                condition=Q(counter_minor__isnull=True)
                | (Q(counter_minor__gte=0) & Q(counter_minor__lt=models.F("quote_minor"))),
                name="tradein_counter_below_quote",
            ),
            models.CheckConstraint(
                condition=Q(paid_minor__isnull=True) | Q(paid_minor__lte=models.F("quote_minor")),
                name="tradein_paid_at_most_quote",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["PAID", "MONEY_TRANSFERED"]) | Q(payout__isnull=False),
                name="tradein_paid_has_payout",
            ),
        ]


class IdentityCheck(models.Model):
    """One identity check of a trade-in's seller: what was submitted and the outcome (calc.identity_problems)."""

    class Outcome(models.TextChoices):
        PASSED = "passed", _("Passed")
        FAILED = "failed", _("Failed")

    trade_in = models.ForeignKey(TradeIn, on_delete=models.CASCADE, related_name="identity_checks")
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    birth_date = models.DateField(null=True, blank=True)
    address = models.JSONField(default=dict)
    outcome = models.CharField(max_length=8, choices=Outcome.choices)
    problems = models.JSONField(default=list)  # the failed rules' codes
    checked_at = models.DateTimeField()


class TradeInMessage(models.Model):
    """A message on a trade-in (the contract's buyback messages); counter-offer photos hang on one."""

    class Author(models.TextChoices):
        MERCHANT = "Merchant", _("Merchant")
        CLIENT = "Client", _("Customer")
        MARKETPLACE = "BackMarket", _("Marketplace")

    trade_in = models.ForeignKey(TradeIn, on_delete=models.CASCADE, related_name="messages")
    author = models.CharField(max_length=12, choices=Author.choices)
    body = models.TextField(max_length=2000)
    created_at = models.DateTimeField()


class TradeInFile(models.Model):
    """A photo or PDF proving a counter-offer or joined to a message: a PNG, JPEG or PDF of at most 5 MB."""

    trade_in = models.ForeignKey(TradeIn, on_delete=models.CASCADE, related_name="files")
    message = models.ForeignKey(TradeInMessage, null=True, blank=True, on_delete=models.CASCADE, related_name="files")
    name = models.CharField(max_length=120)
    content_type = models.CharField(max_length=40)
    content = models.BinaryField()
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField()


class TradeInCredit(models.Model):
    """A trade-in done at a location, credited against a purchase at that location's till: usable once."""

    trade_in = models.OneToOneField(TradeIn, on_delete=models.PROTECT, related_name="credit")
    code = models.CharField(max_length=12, unique=True)
    location = models.ForeignKey("markets.Location", on_delete=models.PROTECT, related_name="+")
    amount_minor = models.BigIntegerField()
    currency = models.CharField(max_length=3)
    created_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    used_order = models.OneToOneField(
        "orders.Order", null=True, blank=True, on_delete=models.PROTECT, related_name="trade_in_credit"
    )
    ledger = models.OneToOneField(
        "ledger.LedgerTransaction", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(amount_minor__gt=0), name="tradein_credit_positive"),
            models.CheckConstraint(
                condition=Q(used_at__isnull=True) | Q(used_order__isnull=False), name="tradein_credit_used_on_an_order"
            ),
        ]
