"""A counter sale's receipt: what the customer takes away from the till, on an 80 mm printer or as a PDF.

Its lines and taxes are the invoice's arithmetic (invoices/calc.py) over the order's lines as checkout fixed them;
it carries the legal mentions a receipt needs: the seller of each line, the VAT included (or the US sales tax on
top), the margin-scheme mention for second-hand goods taxed on their margin, the warranty and the return window."""

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _

from remarket.core.money import fmt, rate_percent
from remarket.core.pdf import FONT, pdf_bytes, pdf_document, pdf_text
from remarket.invoices.calc import DocLine, Totals, doc_line, totals
from remarket.markets.tax import Scheme
from remarket.orders.models import Order, OrderLine

RETURN_DAYS = 30  # the return window, counted in the market's days from the sale


@dataclass(frozen=True)
class ReceiptLine:
    line: DocLine
    grade: str
    seller: str
    warranty_months: int
    delivered: bool  # an online offer, sent to the customer's home


@dataclass(frozen=True)
class Receipt:
    number: str
    issued_on: dt.date
    issued_at: dt.datetime  # in the market's zone
    location: str
    location_address: str
    currency: str
    language: str
    lines: list[ReceiptLine]
    totals: Totals
    tax_included: bool
    tender: str  # card, cash
    paid: bool
    given_minor: int | None
    change_minor: int | None
    return_until: dt.date
    delivery_address: dict

    def money(self, minor: int) -> str:
        return fmt(int(minor), self.currency, locale=self.language.replace("-", "_"))

    @property
    def mentions(self) -> list[str]:
        said = []
        if self.totals.margin_scheme:
            said.append("* " + _("Margin scheme – Second-hand goods"))
        if self.tax_included and self.totals.tax_minor:
            said.append(_("Prices include VAT."))
        if not self.tax_included:
            said.append(_("Sales tax is added to the prices shown."))
        months = sorted({l.warranty_months for l in self.lines})
        said.append(
            _("Warranty: %(months)s months on every device, fully working, battery at 80 %% or more.")
            % {"months": " / ".join(str(m) for m in months)}
        )
        said.append(
            _("Returns: within %(days)s days, until %(date)s, at this store with this receipt.")
            % {"days": RETURN_DAYS, "date": self.return_until.isoformat()}
        )
        return said


def receipt_of(*, order: Order) -> Receipt:
    """The receipt of a counter sale (whose access the caller checked)."""
    market = order.market
    lines = list(
        OrderLine.objects.filter(suborder__order=order)
        .select_related("suborder__merchant", "listing")
        .order_by("suborder_id", "pk")
    )
    shown = [
        ReceiptLine(
            line=doc_line(
                title=l.title,
                quantity=l.quantity,
                unit_price_minor=l.unit_price_minor,
                total_minor=l.total_minor,
                tax_scheme=l.tax_scheme,
                tax_rate=l.tax_rate,
                tax_jurisdiction=l.tax_jurisdiction,
                tax_minor=l.tax_minor,
                order_line_id=l.pk,
            ),
            grade=l.grade,
            seller=l.suborder.merchant.name,
            warranty_months=l.listing.warranty_months,
            delivered=l.location_id is None,
        )
        for l in lines
    ]
    cash = getattr(order.payment, "cash", None)
    sold_on = market.local_date(order.created_at)
    location = order.location
    assert location is not None, "a counter sale is made at a location"
    return Receipt(
        number=order.public_id.hex[:12].upper(),
        issued_on=sold_on,
        issued_at=order.created_at.astimezone(market.zone),
        location=location.name,
        location_address=" ".join(p for p in (location.postcode, location.town, location.region) if p),
        currency=order.currency,
        language=market.language,
        lines=shown,
        totals=totals([l.line for l in shown]),
        tax_included=market.prices_include_tax,
        tender="cash" if cash is not None else "card",
        paid=order.payment.status in ("captured", "refunded"),
        given_minor=cash.given_minor if cash else None,
        change_minor=cash.change_minor if cash else None,
        return_until=sold_on + dt.timedelta(days=RETURN_DAYS),
        delivery_address=order.shipping_address or {},
    )


def receipt_pdf(*, receipt: Receipt) -> bytes:
    """The receipt on an 80 mm roll (72 mm printable), as long as its content."""
    height = 120 + 9 * len(receipt.lines) + 6 * len(receipt.totals.taxes) + 8 * len(receipt.mentions)
    pdf = pdf_document(
        format=(80, height),
        margin_mm=4,
        title=_("Receipt %(number)s") % {"number": receipt.number},
        language=receipt.language,
    )
    width = 72

    def row(left: str, right: str = "", *, bold: bool = False, size: int = 8) -> None:
        pdf.set_font(FONT, "B" if bold else "", size)
        if right:
            pdf.cell(width - 24, 4, pdf_text(left))
            pdf.cell(24, 4, pdf_text(right), align="R", new_x="LMARGIN", new_y="NEXT")
        else:
            pdf.multi_cell(width, 4, pdf_text(left), align="L", new_x="LMARGIN", new_y="NEXT")

    row(receipt.location, bold=True, size=10)
    row(receipt.location_address)
    row(_("Receipt %(number)s") % {"number": receipt.number})
    row(receipt.issued_at.strftime("%Y-%m-%d %H:%M"))
    pdf.ln(2)
    for item in receipt.lines:
        l = item.line
        mark = " *" if l.tax_scheme == Scheme.MARGIN else ""
        row(f"{l.quantity} x {l.title} ({item.grade}){mark}", receipt.money(l.total_minor))
        sold_by = _("sold by %(seller)s") % {"seller": item.seller}
        row(sold_by + (" - " + _("delivered") if item.delivered else ""))
    pdf.ln(2)
    for tax in receipt.totals.taxes:
        label = str(Scheme(tax["scheme"]).label)
        rate = rate_percent(tax["rate"], receipt.language)
        row(f"{label} {tax['jurisdiction']} {rate}", receipt.money(tax["tax_minor"]))
    row(_("Total"), receipt.money(receipt.totals.total_minor), bold=True, size=10)
    if receipt.tender == "cash":
        row(_("Cash given"), receipt.money(receipt.given_minor or 0))
        row(_("Change"), receipt.money(receipt.change_minor or 0))
    else:
        row(_("Paid by card") if receipt.paid else _("Card payment not completed"))
    pdf.ln(2)
    for mention in receipt.mentions:
        row(mention, size=7)
    return pdf_bytes(pdf)
