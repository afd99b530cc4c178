"""What people read for the ledger's codes on a statement: a transaction's kind and an entry's line (a summary
shows refunds apart from sales, as `refund_<line>`, see payouts.py `Statement.totals`)."""

from django.utils.translation import gettext_lazy as _

KIND_LABELS = {
    "sale": _("Sale"),
    "refund": _("Refund"),
    "tax_adjustment": _("Tax adjustment"),
    "fee": _("Subscription fee"),
    "payout": _("Payout"),
    "tradein_payout": _("Trade-in paid"),
    "tradein_transfer": _("Trade-in transfer"),
    "tradein_credit": _("Trade-in credit"),
    "customer_refund": _("Refund to a customer"),
    "capture_unhonoured": _("Payment captured for no order"),
}
LINE_LABELS = {
    "sale": _("Sales"),
    "tax": _("Tax"),
    "shipping": _("Shipping"),
    "commission": _("Commission"),
    "fee": _("Subscription fee"),
    "payout": _("Payout"),
    "refund": _("Refund of money captured for no order"),
    "partner_comm": _("Partner commission"),
    "trade_in": _("Trade-in bought back"),
    "refund_sale": _("Refunded sales"),
    "refund_tax": _("Refunded tax"),
    "refund_shipping": _("Refunded shipping"),
    "refund_commission": _("Commission given back on refunds"),
}


def ledger_label(code: str) -> str:
    """A kind's or line's label; the code itself for one this list does not know yet."""
    return str(KIND_LABELS.get(code) or LINE_LABELS.get(code) or code)


def line_label(code: str) -> str:
    return str(LINE_LABELS.get(code) or KIND_LABELS.get(code) or code)
