"""Pure arithmetic of a document: its lines as shown, their taxes per rate, and its totals.

What the buyer paid for a line is `LineMoney.paid_minor` (US sales tax on top of the shown price, VAT inside).
A margin-scheme line shows no VAT (Directive 2006/112/EC, art. 226(14)): its tax is not on the document, and it
counts whole in the net total. A credit note is the same lines with the signs reversed."""

from dataclasses import dataclass, field
from decimal import Decimal

from remarket.ledger.calc import LineMoney
from remarket.markets.tax import Scheme, tax_shown


@dataclass(frozen=True)
class DocLine:
    title: str
    quantity: int
    unit_price_minor: int
    total_minor: int
    tax_scheme: str
    tax_rate: Decimal | None
    tax_jurisdiction: str
    tax_minor: int  # shown
    paid_minor: int
    order_line_id: int | None = None


@dataclass(frozen=True)
class Totals:
    net_minor: int
    tax_minor: int
    total_minor: int
    margin_scheme: bool
    taxes: list[dict] = field(default_factory=list)


def doc_line(
    *,
    title: str,
    quantity: int,
    unit_price_minor: int,
    total_minor: int,
    tax_scheme: str,
    tax_rate: Decimal,
    tax_jurisdiction: str,
    tax_minor: int,
    order_line_id: int | None = None,
    sign: int = 1,
) -> DocLine:
    """One line as the document shows it; `sign=-1` for a credit note."""
    paid = LineMoney(total_minor, tax_minor, tax_scheme, 0).paid_minor
    shown = tax_shown(tax_scheme)
    return DocLine(
        title=title,
        quantity=sign * quantity,
        unit_price_minor=unit_price_minor,
        total_minor=sign * total_minor,
        tax_scheme=tax_scheme,
        tax_rate=Decimal(tax_rate) if shown else None,
        tax_jurisdiction=tax_jurisdiction if shown else "",
        tax_minor=sign * tax_minor if shown else 0,
        paid_minor=sign * paid,
        order_line_id=order_line_id,
    )


def totals(lines: list[DocLine]) -> Totals:
    """Totals and the tax per (scheme, rate, jurisdiction), in the order the lines first show them."""
    by_rate: dict[tuple, dict] = {}
    for l in lines:
        if l.tax_rate is None:
            continue
        key = (l.tax_scheme, l.tax_rate, l.tax_jurisdiction)
        row = by_rate.setdefault(
            key,
            {
                "scheme": l.tax_scheme,
                "rate": str(l.tax_rate),
                "jurisdiction": l.tax_jurisdiction,
                "net_minor": 0,
                "tax_minor": 0,
            },
        )
        row["net_minor"] += l.paid_minor - l.tax_minor
        row["tax_minor"] += l.tax_minor
    total = sum(l.paid_minor for l in lines)
    tax = sum(l.tax_minor for l in lines)
    return Totals(
        net_minor=total - tax,
        tax_minor=tax,
        total_minor=total,
        margin_scheme=any(l.tax_scheme == Scheme.MARGIN for l in lines),
        taxes=list(by_rate.values()),
    )
