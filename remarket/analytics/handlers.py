import datetime as dt

from remarket.events.outbox import handles

from .services import sale_record


@handles("order.paid")
def record_sale(payload: dict) -> None:
    sale_record(order_id=payload["order_id"], sold_at=dt.datetime.fromisoformat(payload["paid_at"]))
