from babel.numbers import format_decimal
from django import template
from django.utils.translation import get_language, to_locale

from remarket.core.money import bp_percent, fmt, to_major

register = template.Library()


@register.simple_tag(takes_context=True)
def money(context, minor, currency, language=None):
    """`{% money amount_minor currency market.language %}` → "€1,234.50" / "1 234,50 €". Without a language: the
    back office user's format (`request.money_locale`, set by web/common.py `requires`), else English."""
    if minor is None:
        return ""
    if language is None:
        request = context.get("request")
        language = getattr(request, "money_locale", None) or "en"
    return fmt(int(minor), currency, locale=language.replace("-", "_"))


@register.filter
def percent_bp(basis_points):
    """Basis points as a percentage with two decimals in the page's language ("10.00 %", core/money.py
    `bp_percent`); a dash for none (a take rate without sales)."""
    if basis_points is None:
        return "—"
    return bp_percent(int(basis_points), to_locale(get_language() or "en"))


@register.filter
def kg(grams):
    """Grams as kilograms in the page's language: one decimal below a tonne, whole kilograms above."""
    kilos = (grams or 0) / 1000
    return format_decimal(
        kilos, format="#,##0.0" if kilos < 1000 else "#,##0", locale=to_locale(get_language() or "en")
    )


@register.filter
def get_item(mapping, key):
    return mapping.get(key, key)


@register.filter
def major(minor, currency):
    """Minor units as a plain decimal for a form field ("499.00"); empty for no amount."""
    if minor is None or not currency:
        return ""
    return str(to_major(int(minor), currency))


@register.filter
def grade_label(code):
    """A grade's human label in the page's language ("Very good" for VERY_GOOD); the code itself if unknown."""
    from remarket.catalog.grades import Grade

    try:
        return Grade(code).label
    except ValueError:
        return code


@register.filter
def order_state_label(state):
    """A (sub-)order's state as people read it ("To ship" for 3)."""
    from remarket.orders.states import ORDER_STATE_LABELS

    return ORDER_STATE_LABELS.get(state, state)


@register.filter
def line_state_label(state):
    """An order line's state as people read it ("Refunded after shipping" for 6)."""
    from remarket.orders.states import LINE_STATE_LABELS

    return LINE_STATE_LABELS.get(state, state)


@register.filter
def merchant_status_label(status):
    """A merchant status as people read it ("Warned" for warned)."""
    from remarket.merchants.models import Merchant

    try:
        return Merchant.Status(status).label
    except ValueError:
        return status


@register.filter
def ledger_kind_label(code):
    """A ledger transaction's kind as people read it ("Subscription fee" for fee)."""
    from remarket.ledger.labels import ledger_label

    return ledger_label(code)


@register.filter
def ledger_line_label(code):
    """A statement line as people read it ("Refunded sales" for refund_sale)."""
    from remarket.ledger.labels import line_label

    return line_label(code)


@register.filter
def problem_type_label(code):
    """A warranty claim's declared problem as people read it ("Parcel damaged" for DAMAGED_PACKAGE)."""
    from remarket.aftersales.claim_labels import problem_type_label as label

    return label(code)


@register.filter
def location_services_label(codes):
    """A location's services as people read them, comma-separated ("Sales, Returns")."""
    from remarket.markets.models import Location

    labels = dict(Location.Service.choices)
    return ", ".join(str(labels.get(code, code)) for code in codes or ())


@register.filter
def pickup_status_label(status):
    """A pickup's status as people follow it ("ready for pickup" for ready)."""
    from remarket.orders.pickups import STATUS_LABELS

    return STATUS_LABELS.get(status, status)


@register.simple_tag
def country_sites():
    """The country switcher's sites: [{"code": "fr", "name": "France"}...], names in the page's language."""
    from django_countries import countries

    from remarket.markets.selectors import web_markets

    return [{"code": code.lower(), "name": countries.name(country)} for code, country, _language in web_markets()]
