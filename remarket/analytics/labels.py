"""The GMV report's column and split names as people read them on the report page (the CSV export and the CLI
keep the codes: they are read by programs)."""

from django.utils.translation import gettext_lazy as _

COLUMN_LABELS = {
    "country": _("Country"),
    "channel": _("Channel"),
    "category": _("Category"),
    "merchant": _("Merchant"),
    "partner": _("Partner"),
    "location": _("Location"),
    "month": _("Month"),
    "quarter": _("Quarter"),
    "year": _("Year"),
    "gross_eur": _("Gross GMV (EUR)"),
    "refunds_eur": _("Refunds (EUR)"),
    "net_eur": _("Net GMV (EUR)"),
    "units": _("Units"),
    "orders": _("Orders"),
    "new_customers": _("New customers"),
    "returning_orders": _("Returning customers' orders"),
    "average_basket_eur": _("Average basket (EUR)"),
    "take_rate_pct": _("Take rate (%)"),
    "share_pct": _("Share (%)"),
    "yoy_pct": _("Growth on a year before (%)"),
    "previous_pct": _("Growth on the previous period (%)"),
    "new_customers_yoy_pct": _("New customers' growth on a year before (%)"),
}


def column_label(code: str) -> str:
    return str(COLUMN_LABELS.get(code, code))
