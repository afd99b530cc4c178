"""The outbox topics an integrator may subscribe to, and who each event concerns: the merchants of the
sub-orders it names, and the partner of the location where the order was placed."""

from remarket.events.topics import topic_label

SUBSCRIBABLE = (
    "order.paid",
    "suborder.accepted",
    "suborder.shipped",
    "suborder.refunded",
    "return.changed",
    "return.refunded",
)


def topic_choices() -> list[tuple[str, str]]:
    return [(t, topic_label(t)) for t in SUBSCRIBABLE]
