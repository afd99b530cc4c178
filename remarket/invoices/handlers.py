"""Invoices follow the orders through the outbox (once per event, see events/outbox.py):

- `suborder.shipped` {"suborder_id"}: our invoice of the sub-order (one per sub-order, a unique constraint);
- `suborder.refunded` {"suborder_id", "amount_minor"}: a credit note for the invoiced lines just refunded."""

from remarket.events.outbox import handles


@handles("suborder.shipped")
def invoice_on_shipped(payload: dict) -> None:
    from .services import invoice_issue

    invoice_issue(suborder_id=payload["suborder_id"])


@handles("suborder.refunded")
def credit_note_on_refund(payload: dict) -> None:
    from .services import credit_note_issue

    credit_note_issue(suborder_id=payload["suborder_id"])
