from django.db import transaction
from django.utils.text import slugify

from remarket.core import clock
from remarket.core.errors import DomainError
from remarket.events.outbox import emit

from .models import Merchant, MerchantMetrics
from .quality import Rates


@transaction.atomic
def merchant_create(
    *,
    name: str,
    country: str,
    status: str = Merchant.Status.ACTIVE,
    is_first_party: bool = False,
    commission_bp: int | None = None,
) -> Merchant:
    name = name.strip()
    if not name:
        raise DomainError("MERCHANT_NAME_REQUIRED", "A merchant needs a name.")
    if Merchant.objects.filter(name__iexact=name).exists():
        raise DomainError("MERCHANT_NAME_TAKEN", f"A merchant named {name!r} exists already.")
    return Merchant.objects.create(
        name=name,
        slug=slugify(name),
        country=country,
        status=status,
        is_first_party=is_first_party,
        commission_bp=commission_bp,
        created_at=clock.now(),
    )


def merchant_first_party() -> Merchant:
    merchant = Merchant.objects.filter(is_first_party=True).first()
    if merchant is None:
        raise DomainError(
            "MERCHANT_FIRST_PARTY_MISSING", "The operator's own merchant is not set up; run `remarket demo`."
        )
    return merchant


def merchant_quality_record(*, merchant: Merchant, rates: Rates) -> MerchantMetrics:
    """Store a merchant's latest rates, its score and the status they lead to. Returns the metrics row;
    the caller refreshes offer scores when the score or status changed."""
    from .quality import quality_score, sanction_for, status_after

    score = quality_score(rates)
    new_status = status_after(merchant.status, sanction_for(rates))
    with transaction.atomic():
        locked = Merchant.objects.select_for_update().get(pk=merchant.pk)
        if locked.status != new_status:
            emit("merchant.status_changed", {"merchant_id": locked.pk, "status": new_status})
        locked.quality_score, locked.status = score, new_status
        locked.save(update_fields=["quality_score", "status"])
        metrics = MerchantMetrics.objects.create(
            merchant=locked,
            computed_at=clock.now(),
            orders=rates.orders,
            cancellation_rate_bp=rates.cancellation_rate_bp,
            late_shipment_rate_bp=rates.late_shipment_rate_bp,
            defect_rate_bp=rates.defect_rate_bp,
            response_hours=rates.response_hours,
            quality_score=score,
            status_after=new_status,
        )
    merchant.quality_score, merchant.status = score, new_status
    return metrics


@transaction.atomic
def merchant_status_set(*, merchant_id: int, status: str) -> Merchant:
    """The operator's decision: review, approve, reject, lift or impose a sanction."""
    allowed: dict[str, set[str]] = {
        Merchant.Status.APPLIED: {Merchant.Status.IN_REVIEW, Merchant.Status.REJECTED},
        Merchant.Status.IN_REVIEW: {Merchant.Status.ACTIVE, Merchant.Status.REJECTED},
        Merchant.Status.ACTIVE: {Merchant.Status.WARNED, Merchant.Status.LIMITED, Merchant.Status.SUSPENDED},
        Merchant.Status.WARNED: {Merchant.Status.ACTIVE, Merchant.Status.LIMITED, Merchant.Status.SUSPENDED},
        Merchant.Status.LIMITED: {Merchant.Status.ACTIVE, Merchant.Status.WARNED, Merchant.Status.SUSPENDED},
        Merchant.Status.SUSPENDED: {Merchant.Status.ACTIVE, Merchant.Status.LIMITED},
        Merchant.Status.REJECTED: set(),
    }
    merchant = Merchant.objects.select_for_update().get(pk=merchant_id)
    if status not in allowed.get(merchant.status, set()):
        raise DomainError(
            "MERCHANT_STATUS_REFUSED",
            f"A {merchant.status} merchant cannot become {status}.",
            {"from": merchant.status, "to": status},
            status=409,
        )
    merchant.status = status
    merchant.save(update_fields=["status"])
    emit("merchant.status_changed", {"merchant_id": merchant.pk, "status": status})
    return merchant
