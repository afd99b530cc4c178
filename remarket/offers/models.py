import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from remarket.catalog.grades import Grade

from .vat import VatScheme


class Listing(models.Model):
    """One merchant's offer of one variant in one grade. `quantity` is what is available to sell now."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)  # the contract's listing_id
    # no index of its own: the unique (merchant, lower(sku)) index starts with it
    merchant = models.ForeignKey(
        "merchants.Merchant", on_delete=models.PROTECT, related_name="listings", db_index=False
    )
    # no index of its own either: the (variant, grade) index starts with it
    variant = models.ForeignKey("catalog.Variant", on_delete=models.PROTECT, related_name="listings", db_index=False)
    grade = models.CharField(max_length=10, choices=Grade.choices)
    sku = models.CharField(max_length=64)
    quantity = models.IntegerField(default=0)
    warranty_months = models.PositiveSmallIntegerField(default=12)
    comment = models.TextField(blank=True)
    # the EU margin scheme for second-hand goods: VAT on (price − the unit's purchase price) only
    vat_scheme = models.CharField(max_length=10, choices=VatScheme.choices, default=VatScheme.STANDARD)
    purchase_price_minor = models.BigIntegerField(null=True, blank=True)  # per unit, the basis of the margin
    purchase_currency = models.CharField(max_length=3, blank=True)
    # the battery's measured health in % of its design capacity, when the merchant gives it (never under 80:
    # the grade scale's promise, catalog/grades.py)
    battery_health_pct = models.PositiveSmallIntegerField(null=True, blank=True)
    updated_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(F("merchant"), Lower("sku"), name="listing_sku_unique_per_merchant"),
            models.CheckConstraint(condition=Q(quantity__gte=0), name="listing_quantity_not_negative"),
            models.CheckConstraint(condition=Q(warranty_months__gte=12), name="listing_warranty_at_least_12"),
            models.CheckConstraint(
                condition=Q(battery_health_pct__isnull=True)
                | Q(battery_health_pct__gte=80, battery_health_pct__lte=100),
                name="listing_battery_80_to_100",
            ),
        ]
        indexes = [models.Index(fields=["variant", "grade"])]

    def __str__(self) -> str:
        return self.sku


class TermsQuerySet(models.QuerySet):
    def sellable(self) -> "TermsQuerySet":
        """Offers a customer may be sold, stock aside: published, from a merchant allowed to sell
        (`Merchant.SELLING`). A store's shelf units are counted per location, so the till reads this one."""
        from remarket.merchants.models import Merchant

        return self.filter(published=True, listing__merchant__status__in=Merchant.SELLING)

    def on_sale(self) -> "TermsQuerySet":
        """What a customer can buy online: sellable, with units in stock. The one filter of offers on sale; the
        hand-written reads of offers/selectors.py spell the same conditions (from offers/best.py SELLABLE)."""
        return self.sellable().filter(listing__quantity__gt=0)


class ListingMarket(models.Model):
    """A listing's terms in one market: its price band and whether it is published there."""

    # no indexes of their own: (listing, market) is unique and (market, published) indexed. No index holds a
    # column a feed changes (price, bounds, score), so on PostgreSQL those updates are HOT: the new row version
    # stays in its page (fillfactor 50, migration 0008) and no index is written.
    listing = models.ForeignKey(Listing, on_delete=models.CASCADE, related_name="terms", db_index=False)
    market = models.ForeignKey("markets.Market", on_delete=models.PROTECT, db_index=False)
    currency = models.CharField(max_length=3)
    price_minor = models.BigIntegerField()
    min_price_minor = models.BigIntegerField(null=True, blank=True)
    max_price_minor = models.BigIntegerField(null=True, blank=True)
    published = models.BooleanField(default=True)
    auto_reprice = models.BooleanField(default=False)  # opt-in: move toward the price to win, never below min
    # Quality-to-price score of this offer (offers/best.py), kept current by listings_apply and quality changes
    # so that the winner of a variant × grade × market is an index lookup, never a computation on a request.
    score = models.FloatField(default=0)

    objects = TermsQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["listing", "market"], name="listing_market_once"),
            models.CheckConstraint(condition=Q(price_minor__gt=0), name="listing_price_positive"),
            models.CheckConstraint(
                condition=Q(min_price_minor__isnull=True) | Q(min_price_minor__lte=F("price_minor")),
                name="listing_price_not_below_min",
            ),
            models.CheckConstraint(
                condition=Q(max_price_minor__isnull=True) | Q(max_price_minor__gte=F("price_minor")),
                name="listing_price_not_above_max",
            ),
        ]
        indexes = [models.Index(fields=["market", "published"], name="offers_terms_market_published")]


class ShippingOption(models.Model):
    """How a listing ships in one market: carrier, price and promised delay in business days."""

    terms = models.ForeignKey(ListingMarket, on_delete=models.CASCADE, related_name="shipping")
    carrier = models.CharField(max_length=40)
    price_minor = models.BigIntegerField(default=0)
    delay_days = models.PositiveSmallIntegerField(default=3)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["terms", "carrier"], name="shipping_option_once"),
            models.CheckConstraint(condition=Q(price_minor__gte=0), name="shipping_price_not_negative"),
            models.CheckConstraint(condition=Q(delay_days__lte=60), name="shipping_delay_sane"),
        ]


class LocationStock(models.Model):
    """Units of a listing kept at a store or point of sale, sold over the counter."""

    location = models.ForeignKey("markets.Location", on_delete=models.PROTECT, related_name="stock")
    listing = models.ForeignKey(Listing, on_delete=models.PROTECT, related_name="location_stock")
    available = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["location", "listing"], name="location_stock_once"),
            models.CheckConstraint(condition=Q(available__gte=0), name="location_stock_not_negative"),
        ]


class StockMovement(models.Model):
    """One move of units in or out of a location, written by `offers/store_stock.py` and the counter path of
    `offers/stock.py` in the same transaction as the change of `LocationStock.available`: per location and
    listing, the sum of `delta` is what is available there."""

    class Kind(models.TextChoices):
        RECEIVE = "receive", _("Received")
        TRANSFER_OUT = "transfer_out", _("Transferred out")
        TRANSFER_IN = "transfer_in", _("Transferred in")
        SALE = "sale", _("Sold (held at checkout)")
        SALE_RELEASED = "sale_released", _("Sale not paid, back on the shelf")
        RETURN_TO_MERCHANT = "return_to_merchant", _("Returned to the merchant")
        ADJUST = "adjust", _("Adjusted")

    location = models.ForeignKey("markets.Location", on_delete=models.PROTECT)
    listing = models.ForeignKey(Listing, on_delete=models.PROTECT)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.ADJUST)
    delta = models.IntegerField()
    reason = models.CharField(max_length=200, blank=True)
    at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # the other end of a transfer
    counterpart = models.ForeignKey(
        "markets.Location", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    order_id = models.BigIntegerField(null=True, blank=True)  # a sale's order (orders sit above offers)

    class Meta:
        indexes = [models.Index(fields=["location", "listing", "at"], name="stock_movement_at")]
        constraints = [models.CheckConstraint(condition=~Q(delta=0), name="stock_movement_moves")]


class FeedTask(models.Model):
    """A batch of listing rows received at once (a `/ws/` CSV, a back-office upload), applied by the worker.
    Its per-row results are what `GET /ws/tasks/{id}` reports."""

    class Status(models.TextChoices):
        PENDING = "pending"
        PROCESSING = "processing"
        DONE = "done"
        FAILED = "failed"

    merchant = models.ForeignKey("merchants.Merchant", on_delete=models.PROTECT, related_name="feed_tasks")
    source = models.CharField(max_length=20, default="ws")  # ws, upload, api, cli
    market_code = models.CharField(max_length=2)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    payload = models.TextField()  # the rows as received
    total_rows = models.PositiveIntegerField(default=0)
    applied_rows = models.PositiveIntegerField(default=0)
    error_rows = models.PositiveIntegerField(default=0)
    results = models.JSONField(default=list, blank=True)  # one {line, sku, status, code, message} per row
    created_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["merchant", "created_at"])]


class GradeSummary(models.Model):
    """Per market × variant × grade with at least one sellable offer: how many there are, the lowest price and the
    winner (offers/best.py's order). Kept in the writing transaction by every write that can change them
    (offers/summaries.py: listings_apply — the back office, /ws/, /api/v1, imports, the repricer —, the scores'
    refresh, stock reaching or leaving zero; a merchant's status through the outbox), so the product page and
    its API read at most variants × grades rows whatever the number of offers. `summaries_rebuild` recomputes
    them all from the offers."""

    market = models.ForeignKey("markets.Market", on_delete=models.CASCADE, related_name="+", db_index=False)
    variant = models.ForeignKey("catalog.Variant", on_delete=models.CASCADE, related_name="+", db_index=False)
    grade = models.CharField(max_length=10)
    model = models.ForeignKey("catalog.ProductModel", on_delete=models.CASCADE, related_name="+", db_index=False)
    offers = models.PositiveIntegerField()
    low_price_minor = models.BigIntegerField()
    best = models.ForeignKey(Listing, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["variant", "market", "grade"], name="grade_summary_once"),
        ]
        indexes = [models.Index(fields=["market", "model"], name="grade_summary_page")]
