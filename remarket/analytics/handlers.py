import datetime as dt

from remarket.core import clock
from remarket.events.outbox import handles

from .services import refund_record, refunded_lines, sale_record


@handles("order.paid")
def record_sale(payload: dict) -> None:
    sale_record(order_id=payload["order_id"], sold_at=dt.datetime.fromisoformat(payload["paid_at"]))


@handles("return.refunded")
def record_refund(payload: dict) -> None:
    """A return refunded: reports are net of it (aftersales/services.py `return_refund`)."""
    refund_record(
        refund_id=payload.get("refund_id"),
        order_line_ids=payload["order_line_ids"],
        refunded_at=dt.datetime.fromisoformat(payload["refunded_at"]),
    )


@handles("suborder.refunded")
def record_suborder_refund(payload: dict) -> None:
    """Paid lines cancelled or refunded by the merchant or the operator (orders/services.py `_lines_refund`); a
    line a return refunded already is skipped."""
    if payload.get("refund_id") is not None:  # the parts this refund gave back
        refund_record(refund_id=payload["refund_id"], refunded_at=clock.now())
        return
    lines = refunded_lines(suborder_id=payload["suborder_id"])
    if lines:
        refund_record(order_line_ids=lines, refunded_at=clock.now())
