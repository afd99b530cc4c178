"""The outbox topics an integrator may subscribe to (selectors.py `event_audience` says whom each concerns): orders,
returns and warranty claims reach the merchants of the sub-orders they name and the partner of the location where
the order was placed; trade-ins the merchant buying the device; payouts the merchant or partner paid."""

from remarket.events.topics import topic_label

SUBSCRIBABLE = (
    "order.paid",
    "suborder.accepted",
    "suborder.shipped",
    "suborder.refunded",
    "return.changed",
    "return.refunded",
    "claim.changed",  # opened, answered, escalated, resolved... (`step` and `state` in the data)
    "tradein.changed",  # received, validated, counter-offered... (`status` in the data)
    "tradein.paid",  # the trade-in's payout to its seller posted
    "payout.made",  # a merchant's monthly payout
    "partner_payout.made",  # a partner's monthly payout
)


def topic_choices() -> list[tuple[str, str]]:
    return [(t, topic_label(t)) for t in SUBSCRIBABLE]
