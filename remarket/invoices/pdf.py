"""An invoice or credit note as a PDF (A4, core/pdf.py's Unicode font), in the document's language: the seller's
legal identity, the buyer, the lines with their tax rates, the totals as the page shows them, and the legal
mentions (document.py)."""

from django.utils import translation
from django.utils.translation import gettext as _

from remarket.core.i18n import site_language
from remarket.core.money import fmt, rate_percent
from remarket.core.pdf import FONT, pdf_bytes, pdf_document, pdf_text
from remarket.markets.tax import Scheme

from .document import buyer_lines, invoice_mentions, seller_lines
from .models import Invoice, Kind
from .selectors import invoice_view


def invoice_pdf(*, invoice: Invoice) -> bytes:
    language = site_language(invoice.language)
    with translation.override(language):
        return _render(invoice, locale=invoice.language.replace("-", "_"))


def _render(invoice: Invoice, *, locale: str) -> bytes:
    view = invoice_view(invoice)

    def money(minor: int) -> str:
        return pdf_text(fmt(int(minor), invoice.currency, locale=locale))

    kind = _("Credit note") if invoice.kind == Kind.CREDIT_NOTE else _("Invoice")
    pdf = pdf_document(title=f"{kind} {invoice.number}", language=invoice.language)
    width = pdf.epw
    pdf.set_font(FONT, "B", 16)
    pdf.cell(width, 9, f"{kind} {invoice.number}", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "", 10)
    pdf.cell(width, 5, pdf_text(_("Date") + ": " + invoice.issued_on.isoformat()), new_x="LMARGIN", new_y="NEXT")
    if invoice.corrects is not None:
        pdf.cell(
            width,
            5,
            _("Corrects invoice %(number)s") % {"number": invoice.corrects.number},
            new_x="LMARGIN",
            new_y="NEXT",
        )
    pdf.ln(4)
    top, half = pdf.get_y(), width / 2
    for column, (title, lines) in enumerate(
        ((_("Seller"), seller_lines(invoice.seller)), (_("Customer"), buyer_lines(invoice.buyer)))
    ):
        pdf.set_xy(pdf.l_margin + column * half, top)
        pdf.set_font(FONT, "B", 10)
        pdf.cell(half - 4, 5, title, new_x="LEFT", new_y="NEXT")
        pdf.set_font(FONT, "", 9)
        pdf.multi_cell(half - 4, 4.5, pdf_text("\n".join(lines)), align="L", new_x="LEFT", new_y="NEXT")
    pdf.set_xy(pdf.l_margin, max(pdf.get_y(), top + 40))
    pdf.ln(4)

    show_rate = bool(invoice.taxes)
    rate_title = _("Tax rate") if view["sales_tax"] else _("VAT rate")
    columns = [(_("Item"), 0.46, "L"), (_("Quantity"), 0.1, "R"), (_("Unit price"), 0.16, "R")]
    if show_rate:
        columns.append((rate_title, 0.12, "R"))
    columns.append((_("Amount"), 0.16, "R"))
    spare = 1 - sum(c[1] for c in columns)
    columns[0] = (columns[0][0], columns[0][1] + spare, "L")
    with pdf.table(
        col_widths=[c[1] for c in columns],
        text_align=[c[2] for c in columns],
        line_height=5,
        first_row_as_headings=True,
    ) as table:
        head = table.row()
        for title, _w, _a in columns:
            head.cell(title)
        for line in invoice.lines.all():
            row = table.row()
            row.cell(pdf_text(line.title + (" *" if line.tax_scheme == Scheme.MARGIN else "")))
            row.cell(str(line.quantity))
            row.cell(money(line.unit_price_minor))
            if show_rate:
                row.cell(pdf_text(rate_percent(line.tax_rate, locale)) if line.tax_rate is not None else "")
            row.cell(money(line.total_minor))
    pdf.ln(3)

    totals: list[tuple[str, int, bool]] = []
    if view["sales_tax"]:
        totals.append((_("Subtotal"), invoice.net_minor, False))
        for t in invoice.taxes:
            label = _("Sales tax %(jurisdiction)s %(rate)s") % {
                "jurisdiction": t["jurisdiction"],
                "rate": rate_percent(t["rate"], locale),
            }
            totals.append((label, t["tax_minor"], False))
        totals.append((_("Total"), invoice.total_minor, True))
    elif invoice.taxes:
        label = _("Total excl. VAT")
        if invoice.margin_scheme:
            label += " (" + _("excluding margin-scheme items") + ")"
        totals.append((label, view["net_standard"], False))
        for t in invoice.taxes:
            totals.append((_("VAT %(rate)s") % {"rate": rate_percent(t["rate"], locale)}, t["tax_minor"], False))
        if invoice.margin_scheme:
            totals.append((_("Margin-scheme items") + " *", view["margin_minor"], False))
        totals.append((_("Total incl. VAT"), invoice.total_minor, True))
    else:
        totals.append((_("Total"), invoice.total_minor, True))
    for label, amount, grand in totals:
        pdf.set_font(FONT, "B" if grand else "", 11 if grand else 10)
        pdf.cell(width - 40, 6, pdf_text(label), align="R")
        pdf.cell(40, 6, money(amount), align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(5)
    pdf.set_font(FONT, "", 9)
    for _kind, text in invoice_mentions(invoice):
        pdf.multi_cell(width, 4.5, pdf_text(text), align="L", new_x="LMARGIN", new_y="NEXT")
    return pdf_bytes(pdf)
