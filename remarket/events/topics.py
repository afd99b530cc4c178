"""The outbox topics people read about: labels for the operator's failed events and the webhooks' choices."""

from django.utils.translation import gettext_lazy as _

LABELS = {
    "order.created": _("Order placed"),
    "order.paid": _("Order paid"),
    "order.unpaid": _("Order not paid"),
    "order.link_requested": _("Order link asked for"),
    "suborder.accepted": _("Order accepted by the merchant"),
    "suborder.shipped": _("Order lines shipped"),
    "suborder.refunded": _("Order lines refunded"),
    "return.changed": _("Return opened or changed"),
    "return.refunded": _("Return refunded"),
    "claim.changed": _("Warranty claim opened or changed"),
    "tradein.changed": _("Trade-in received, validated or counter-offered"),
    "tradein.paid": _("Trade-in paid"),
    "payout.made": _("Payout made"),
    "partner_payout.made": _("Partner payout made"),
    "pickup.ready": _("Parcel ready for pickup"),
    "pickup.collected": _("Parcel collected"),
    "pickup.returned": _("Parcel sent back from pickup"),
    "payment.capture_refunded": _("Payment refunded: order not honoured"),
    "merchant.status_changed": _("Merchant status changed"),
    "search.changed": _("Search index update"),
    "offers.feed_received": _("Listings feed received"),
}


def topic_label(topic: str) -> str:
    return str(LABELS.get(topic, topic))
