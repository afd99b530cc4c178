"""The product page and its "other offers" fragment.

The page's text is put together here, in plain Python, rather than by template tags: on a page that is not
cached, Django's `{% blocktranslate %}`, `{% money %}` and per-option loops cost more CPU than reading the
offers. The templates keep the markup; the strings use the same gettext messages. Both are computed only when the
page's cached fragments are missing (the context passes them as callables)."""

from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext, ngettext

from remarket.catalog.grades import Grade
from remarket.core.errors import NotFound
from remarket.core.money import fmt
from remarket.impact.calc import model_factor
from remarket.markets.models import Market
from remarket.offers.selectors import GradeOffers, ProductPage, VariantSummary, offers_of_grade, product_page

from .views import _market


def _int(value: str) -> int | None:
    return int(value) if value.isdigit() else None


def _locale(market: Market) -> str:
    return market.language.replace("-", "_")


def variant_options(variants: list[VariantSummary], chosen: VariantSummary | None, market: Market) -> list[dict]:
    """The variant picker's options: "256 GB · Black — from 619,00 €", or sold out."""
    from_, sold_out, locale = gettext("from"), gettext("sold out"), _locale(market)
    return [
        {
            "id": v.id,
            "selected": chosen is not None and v.id == chosen.id,
            "text": f"{v.label} — {from_} {fmt(v.from_minor, market.currency, locale)}"
            if v.from_minor
            else f"{v.label} — {sold_out}",
        }
        for v in variants
    ]


def grade_cards(grades: list[GradeOffers], market: Market) -> list[dict]:
    """Each grade's card: its best offer, why it wins, and how many other offers it beats."""
    locale, cards = _locale(market), []
    for g in grades:
        card = {"grade": g.grade, "label": Grade(g.grade).label, "best": None, "others": g.others}
        o = g.best
        if o is not None:
            why = [
                gettext("best balance of price and seller quality — seller quality %(q)s/100")
                % {"q": o.merchant_quality}
            ]
            why.append(
                gettext("shipping %(price)s") % {"price": fmt(o.shipping_minor, o.currency, locale)}
                if o.shipping_minor
                else gettext("free shipping")
            )
            if o.delay_days is not None:
                why.append(gettext("ships in %(d)s days") % {"d": o.delay_days})
            text = ", ".join(why)
            if g.others:
                text += "; " + gettext("it beats %(n)s other sellers on our quality-to-price score") % {"n": g.others}
            card.update(
                best=o.listing_id,
                price=fmt(o.price_minor, o.currency, locale),
                sold_by=gettext("sold by %(m)s, %(w)s-month warranty") % {"m": o.merchant_name, "w": o.warranty_months},
                why=gettext("Why this offer: %(reasons)s.") % {"reasons": text},
                others_label=ngettext("%(n)s other offer", "%(n)s other offers", g.others) % {"n": g.others},
            )
        cards.append(card)
    return cards


def impact_line(model) -> str:
    """ "≈ 31 kg CO2e avoided compared with a new one (7 to 31 kg)", or "" for a category without a source."""
    factor = model_factor(model.category.impact_key, model.brand, model.name)
    if factor is None:
        return ""
    return gettext("≈ %(kg)s kg CO₂e avoided compared with a new one (estimate: %(low)s to %(high)s kg)") % {
        "kg": round(factor.avoided_kg),
        "low": round(factor.low_kg),
        "high": round(factor.high_kg),
    }


def product(request, market, slug):
    the_market = _market(market)
    try:
        page: ProductPage = product_page(slug=slug, market=the_market, variant_id=_int(request.GET.get("variant", "")))
    except NotFound:
        raise Http404 from None
    return render(
        request,
        "storefront/product.html",
        {
            "market": the_market,
            "model": page.model,
            "chosen": page.variant,
            "options": lambda: variant_options(page.variants, page.variant, the_market),
            "grades": lambda: grade_cards(page.grades, the_market),
            "impact": lambda: impact_line(page.model),
        },
    )


def product_offers(request, market, slug):
    """A grade's other offers of a variant: the rows the product page's "other offers" loads when opened (htmx),
    or a page of their own without JavaScript."""
    the_market = _market(market)
    variant_id, grade = _int(request.GET.get("variant", "")), request.GET.get("grade", "")
    if variant_id is None or grade not in Grade.values:
        raise Http404
    offers = offers_of_grade(slug=slug, market=the_market, variant_id=variant_id, grade=grade)[1:]  # the winner aside
    template = "storefront/_other_offers.html" if request.headers.get("HX-Request") else "storefront/offers.html"
    return render(
        request,
        template,
        {"market": the_market, "slug": slug, "variant_id": variant_id, "grade": Grade(grade), "offers": offers},
    )
