"""Merchant reads."""

from django.db.models import OuterRef, QuerySet, Subquery

from .models import Merchant, MerchantMetrics


def merchant_by_slug(*, slug: str) -> Merchant | None:
    return Merchant.objects.filter(slug=slug).first()


def merchant_get(*, merchant_id: int) -> Merchant:
    return Merchant.objects.get(pk=merchant_id)


def merchant_can_sell(*, merchant_id: int) -> bool:
    """Whether the merchant may publish and sell (`Merchant.status_can_sell`; its status only is read)."""
    return Merchant.status_can_sell(Merchant.objects.values_list("status", flat=True).get(pk=merchant_id))


def merchants_by_quality(*, status: str | None = None) -> QuerySet[Merchant]:
    """Merchants worst quality first (then by name), of one status if given."""
    qs = Merchant.objects.order_by("quality_score", "name")
    return qs if not status else qs.filter(status=status)


def merchant_exists(*, merchant_id: int) -> bool:
    return Merchant.objects.filter(pk=merchant_id).exists()


def merchants_with_latest_metrics() -> QuerySet[Merchant]:
    """Merchants worst quality first, each with its latest metrics (`orders`, `cancel_bp`, `late_bp`,
    `defect_bp`, `response_hours`, `reviewed_at`; None before the first review): one query."""
    latest = MerchantMetrics.objects.filter(merchant=OuterRef("pk")).order_by("-computed_at")
    return Merchant.objects.annotate(
        orders=Subquery(latest.values("orders")[:1]),
        cancel_bp=Subquery(latest.values("cancellation_rate_bp")[:1]),
        late_bp=Subquery(latest.values("late_shipment_rate_bp")[:1]),
        defect_bp=Subquery(latest.values("defect_rate_bp")[:1]),
        response_hours=Subquery(latest.values("response_hours")[:1]),
        reviewed_at=Subquery(latest.values("computed_at")[:1]),
    ).order_by("quality_score", "name")


def merchant_metrics_history(*, merchant_id: int, last: int = 12) -> QuerySet[MerchantMetrics]:
    """The merchant's latest metrics, newest first."""
    return MerchantMetrics.objects.filter(merchant_id=merchant_id).order_by("-computed_at")[:last]
