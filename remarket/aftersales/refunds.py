"""The one way after-sales gives money back: units of order lines (some of a line, or all of it) through the
orders' refund path (orders/services.py `orderline_units_refund`, `orderlines_refund`), so the gateway refund (payments `refund_request`, sent after commit by
`refunds_execute`), the ledger's exact reversal (sale, tax, commission, payable) and the credit note (invoices,
from the `suborder.refunded` event) are the ones every refund uses. A warranty claim that ends refunded calls it
too."""

from remarket.accounts.models import Role
from remarket.accounts.permissions import Actor
from remarket.orders.models import SubOrder
from remarket.orders.services import orderline_units_refund, orderlines_refund
from remarket.payments.models import Refund


def aftersales_refund(*, suborder: SubOrder, line_ids: list[int]) -> Refund:
    """Refund shipped lines of a sub-order on the merchant's behalf (its decision was taken by the caller)."""
    on_behalf = Actor(user_id=None, role=Role.MERCHANT, merchant_id=suborder.merchant_id)
    return orderlines_refund(actor=on_behalf, suborder_id=suborder.pk, line_ids=line_ids)


def aftersales_units_refund(*, suborder: SubOrder, units: dict[int, int], withdrawal: bool, reason: str) -> Refund:
    """Refund some units of shipped lines (order line id → units); a withdrawal (a return) that leaves the whole
    sub-order given back refunds its shipping as well."""
    return orderline_units_refund(suborder_id=suborder.pk, units=units, reason=reason, withdrawal=withdrawal)
