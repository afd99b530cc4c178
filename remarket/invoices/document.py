"""What an invoice says besides its lines, the same on its page and in its PDF: who sold (the legal identity kept
at issue), who bought, and the legal mentions of its tax schemes, in the language active when called (the
document's own: the market's).

- EU margin scheme for second-hand goods: no VAT shown and the mention of Directive 2006/112/EC art. 226(14);
- EU VAT: prices include it; a distance sale to another EU country bears the country of delivery's VAT, declared
  through the One-Stop Shop;
- US sales tax: added to the prices, collected and remitted by the marketplace as its facilitator."""

from django.utils.translation import gettext as _

from remarket.markets.tax import Scheme

from .models import Invoice


def seller_lines(seller: dict) -> list[str]:
    """The seller block: legal name (and trading name when it differs), address, VAT number, company id."""
    name = seller.get("legal_name") or seller.get("name", "")
    lines = [name]
    if seller.get("legal_name") and seller.get("name") and seller["name"] != seller["legal_name"]:
        lines.append(_("trading as %(name)s") % {"name": seller["name"]})
    lines += [seller[k] for k in ("street", "street2") if seller.get(k)]
    town = " ".join(p for p in (seller.get("postal_code", ""), seller.get("city", "")) if p)
    if seller.get("region"):
        town = f"{town}, {seller['region']}" if town else seller["region"]
    lines += [p for p in (town, seller.get("country", "")) if p]
    if seller.get("vat_number"):
        lines.append(_("VAT number: %(number)s") % {"number": seller["vat_number"]})
    if seller.get("company_id"):
        lines.append(_("Company number: %(number)s") % {"number": seller["company_id"]})
    return lines


def buyer_lines(buyer: dict) -> list[str]:
    name = " ".join(p for p in (buyer.get("first_name", ""), buyer.get("last_name", "")) if p)
    lines = [p for p in (name, buyer.get("company", ""), buyer.get("street", ""), buyer.get("street2", "")) if p]
    town = " ".join(p for p in (buyer.get("postal_code", ""), buyer.get("city", "")) if p)
    if buyer.get("state"):
        town = f"{town}, {buyer['state']}"
    return lines + [p for p in (town, buyer.get("country", ""), buyer.get("email", "")) if p]


def invoice_mentions(invoice: Invoice) -> list[tuple[str, str]]:
    """(kind, text) of each legal mention the document carries."""
    said = []
    schemes = {t["scheme"] for t in invoice.taxes}
    if invoice.margin_scheme:
        said.append((Scheme.MARGIN.value, "* " + _("Margin scheme – Second-hand goods")))
    if Scheme.VAT in schemes:
        said.append((Scheme.VAT.value, _("Prices include VAT.")))
        seller_country = (invoice.seller or {}).get("country", "")
        abroad = sorted({t["jurisdiction"] for t in invoice.taxes if t["scheme"] == Scheme.VAT} - {seller_country})
        if seller_country and abroad:
            said.append(
                (
                    "oss",
                    _("VAT of the country of delivery (%(countries)s), declared through the One-Stop Shop (OSS).")
                    % {"countries": ", ".join(abroad)},
                )
            )
    if Scheme.SALES_TAX in schemes:
        said.append(
            (
                Scheme.SALES_TAX.value,
                _(
                    "Sales tax is added to the prices shown; remarket collects it and remits it to the state as the "
                    "marketplace facilitator."
                ),
            )
        )
    return said
