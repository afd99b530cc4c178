"""Seller quality: the rates a marketplace publishes per seller, the score they make, and the sanctions
they trigger. Pure functions; `merchant_quality_record` (services) applies them.

Rates are over a rolling 90-day window of paid order lines, in basis points:
- cancellation rate: lines the merchant cancelled (contract state 4) / paid lines;
- late shipment rate: sub-orders shipped more than 3 days after payment, or still unshipped past that,
  / paid sub-orders;
- defect rate: shipped lines sold in the window that came back in a return (not cancelled) or that a warranty
  claim opened in the window is about / shipped lines (aftersales/claims_selectors.py);
- response time: the mean hours from a warranty claim's opening to the seller's first answer (a message, an
  answer, a device sent back), a claim still unanswered counting until now.
None where there is nothing to measure; it counts for nothing.

Score (0–100) = 100 − 4 × cancellation % − 2 × late-shipment % − 1 × defect % − 2 per full day of response time
beyond RESPONSE_FREE_HOURS (at most RESPONSE_MAX_PENALTY), floored at 0.

Sanctions need at least MIN_ORDERS paid sub-orders in the window (a new seller is not judged on three orders):

| rate | warned | limited | suspended |
|---|---|---|---|
| cancellation | ≥ 3 % | ≥ 6 % | ≥ 10 % |
| late shipment | ≥ 10 % | ≥ 20 % | ≥ 30 % |
| defect | ≥ 5 % | ≥ 8 % | ≥ 12 % |

The worst rate decides. Automatic sanctions only escalate, except that a warned merchant whose rates are all
back under the warning thresholds becomes active again; lifting a limit or a suspension is the operator's call.
A suspended merchant's listings go offline at once (offers of non-selling merchants are never shown) and its
token can read but not publish."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from .models import Merchant

MIN_ORDERS = 20
LATE_AFTER_DAYS = 3
THRESHOLDS = {  # rate → (warned, limited, suspended), in basis points
    "cancellation_rate_bp": (300, 600, 1000),
    "late_shipment_rate_bp": (1000, 2000, 3000),
    "defect_rate_bp": (500, 800, 1200),
}
RATE_LABELS = {  # what the pages call each rate
    "cancellation_rate_bp": _("Cancellation"),
    "late_shipment_rate_bp": _("Late shipment"),
    "defect_rate_bp": _("Defects"),
}
RESPONSE_FREE_HOURS = 48
RESPONSE_MAX_PENALTY = 10
SEVERITY = list(Merchant.REVIEWED)  # the sanction ladder, mildest first


@dataclass(frozen=True)
class Rates:
    orders: int
    cancellation_rate_bp: int | None
    late_shipment_rate_bp: int | None
    defect_rate_bp: int | None = None
    response_hours: float | None = None


def rate_bp(part: int, whole: int) -> int | None:
    return None if whole == 0 else round(part * 10_000 / whole)


def response_penalty(response_hours: float | None) -> int:
    """2 points per full day of response time beyond RESPONSE_FREE_HOURS, at most RESPONSE_MAX_PENALTY."""
    if response_hours is None or response_hours <= RESPONSE_FREE_HOURS:
        return 0
    return min(RESPONSE_MAX_PENALTY, 2 * int((response_hours - RESPONSE_FREE_HOURS) // 24))


def quality_score(rates: Rates) -> int:
    penalty = (
        4 * (rates.cancellation_rate_bp or 0) + 2 * (rates.late_shipment_rate_bp or 0) + (rates.defect_rate_bp or 0)
    ) / 100 + response_penalty(rates.response_hours)
    return max(0, min(100, round(100 - penalty)))


def sanction_for(rates: Rates) -> str:
    """The status the rates call for ("active" when nothing is wrong or there is too little to judge)."""
    if rates.orders < MIN_ORDERS:
        return "active"
    worst = 0
    for name, limits in THRESHOLDS.items():
        value = getattr(rates, name)
        if value is None:
            continue
        worst = max(worst, sum(value >= limit for limit in limits))
    return SEVERITY[worst]


def status_after(current: str, called_for: str) -> str:
    """Escalate automatically; only a warning is lifted automatically."""
    if current not in SEVERITY:
        return current  # applied, in review, rejected: not the quality job's business
    if SEVERITY.index(called_for) > SEVERITY.index(current):
        return called_for
    if current == "warned" and called_for == "active":
        return "active"
    return current
