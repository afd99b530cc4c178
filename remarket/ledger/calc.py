"""Pure money arithmetic of the ledger: how a sale splits into entries, and how a refund reverses it.

A paid sub-order posts, in its currency (debit positive, credit negative):

    gateway_clearing            + what the buyer paid (lines, shipping, US sales tax)
    merchant_payable  sale      − the lines net of their tax
    merchant_payable  tax       − VAT (standard or margin scheme): the merchant is the seller and declares it
    tax_payable       tax       − US sales tax: the marketplace collects and remits it (marketplace facilitator)
    merchant_payable  shipping  − shipping net of its tax
    merchant_payable  commission  + the commission
    commission_revenue           − the commission

The commission's base is each line's price as the buyer sees it — VAT included, US sales tax and shipping
excluded — at the line's rate (ledger/commission.py). A refund of whole lines posts the same entries for those
lines with the signs reversed, so a full refund leaves every account where it was; a refund of some of a line's
units reverses each of its amounts in proportion (`units_share`), so the parts of a line add up to the line."""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from remarket.core.money import share
from remarket.markets.tax import Scheme

from .models import Account, Line

REMITTED_BY_OPERATOR = frozenset({Scheme.SALES_TAX})  # US sales tax: the marketplace facilitator remits it


@dataclass(frozen=True)
class Entry:
    account: str
    amount_minor: int
    currency: str
    merchant_id: int | None = None
    line: str = Line.SALE
    partner_id: int | None = None  # a retail partner's own account (partner_payable)


@dataclass(frozen=True)
class LineMoney:
    """One order line's money, as fixed at checkout."""

    total_minor: int  # unit price × quantity as shown
    tax_minor: int
    tax_scheme: str
    commission_minor: int

    @property
    def paid_minor(self) -> int:
        """What the buyer pays for the line: US sales tax comes on top of the shown price."""
        return self.total_minor + (self.tax_minor if self.tax_scheme in REMITTED_BY_OPERATOR else 0)

    @property
    def net_minor(self) -> int:
        return self.paid_minor - self.tax_minor


@dataclass(frozen=True)
class ShippingMoney:
    price_minor: int
    tax_minor: int
    tax_scheme: str  # the sub-order's standard scheme

    @property
    def paid_minor(self) -> int:
        return self.price_minor + (self.tax_minor if self.tax_scheme in REMITTED_BY_OPERATOR else 0)


def units_share(amount_minor: int, *, quantity: int, before: int, units: int) -> int:
    """The part of a line's `amount_minor` that `units` of its `quantity` carry, after `before` units were given
    back already. Rounded half-up on the running total, so parts that add up to every unit give back the whole
    amount to the cent, and no sequence of parts gives back more."""
    if before < 0 or not 0 < units <= quantity - before:
        raise ValueError("units outside the line")

    def upto(n: int) -> int:
        return int((Decimal(amount_minor) * n / quantity).quantize(Decimal(1), rounding=ROUND_HALF_UP))

    return upto(before + units) - upto(before)


def commission_of(total_minor: int, commission_bp: int) -> int:
    return share(total_minor, commission_bp)


def sale_entries(
    *, merchant_id: int, currency: str, lines: list[LineMoney], shipping: ShippingMoney | None = None, sign: int = 1
) -> list[Entry]:
    """The balanced entries of selling `lines` (and `shipping`); `sign=-1` gives their refund."""
    paid = sum(l.paid_minor for l in lines) + (shipping.paid_minor if shipping else 0)
    merchant_tax = sum(l.tax_minor for l in lines if l.tax_scheme not in REMITTED_BY_OPERATOR)
    operator_tax = sum(l.tax_minor for l in lines if l.tax_scheme in REMITTED_BY_OPERATOR)
    shipping_net = 0
    if shipping:
        shipping_net = shipping.paid_minor - shipping.tax_minor
        if shipping.tax_scheme in REMITTED_BY_OPERATOR:
            operator_tax += shipping.tax_minor
        else:
            merchant_tax += shipping.tax_minor
    commission = sum(l.commission_minor for l in lines)
    entries = [
        Entry(Account.GATEWAY_CLEARING, paid, currency),
        Entry(Account.MERCHANT_PAYABLE, -sum(l.net_minor for l in lines), currency, merchant_id, Line.SALE),
        Entry(Account.MERCHANT_PAYABLE, -merchant_tax, currency, merchant_id, Line.TAX),
        Entry(Account.TAX_PAYABLE, -operator_tax, currency, None, Line.TAX),
        Entry(Account.MERCHANT_PAYABLE, -shipping_net, currency, merchant_id, Line.SHIPPING),
        Entry(Account.MERCHANT_PAYABLE, commission, currency, merchant_id, Line.COMMISSION),
        Entry(Account.COMMISSION, -commission, currency, None, Line.COMMISSION),
    ]
    return [
        Entry(e.account, sign * e.amount_minor, e.currency, e.merchant_id, e.line) for e in entries if e.amount_minor
    ]


def prorated_refund(sale: list[Entry], *, paid_minor: int, refunded_before: int, amount_minor: int) -> list[Entry]:
    """A refund of an amount that is not whole lines (a goodwill gesture): every entry of the sale reversed in
    proportion. Each share is rounded on the running total, so refunds that add up to the whole sale reverse
    it exactly; the gateway entry is the amount to the cent and any rounding rest goes to the merchant's sale
    line, so the transaction balances."""

    def part(amount: int, upto: int) -> int:
        return int((Decimal(amount) * upto / paid_minor).quantize(Decimal(1), rounding=ROUND_HALF_UP))

    after = refunded_before + amount_minor
    entries = [Entry(Account.GATEWAY_CLEARING, -amount_minor, sale[0].currency)] + [
        Entry(
            e.account,
            -(part(e.amount_minor, after) - part(e.amount_minor, refunded_before)),
            e.currency,
            e.merchant_id,
            e.line,
        )
        for e in sale
        if e.account != Account.GATEWAY_CLEARING
    ]
    imbalance = sum(e.amount_minor for e in entries)
    if imbalance:
        at = next(i for i, e in enumerate(entries) if e.account == Account.MERCHANT_PAYABLE and e.line == Line.SALE)
        e = entries[at]
        entries[at] = Entry(e.account, e.amount_minor - imbalance, e.currency, e.merchant_id, e.line)
    return [e for e in entries if e.amount_minor]


def take_rate_bp(*, commission_minor: int, net_gmv_minor: int) -> int | None:
    """The operator's take rate: commission over net GMV (refunds deducted), in basis points, half-up; None
    without net sales. Both amounts are in one currency, so its exponent cancels out."""
    if net_gmv_minor <= 0:
        return None
    return int((Decimal(commission_minor) * 10_000 / net_gmv_minor).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def take_rates_bp(pairs: list[tuple[int, int]]) -> list[int | None]:
    """`take_rate_bp` of each (commission, net GMV) pair, for reports that hold many rows (analytics/reports.py)."""
    return [take_rate_bp(commission_minor=c, net_gmv_minor=n) for c, n in pairs]
