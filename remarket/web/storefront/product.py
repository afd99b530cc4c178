"""The product page and its "other offers" fragment.

The page's text is put together here, in plain Python, rather than by template tags: on a page that is not
cached, Django's `{% blocktranslate %}`, `{% money %}` and per-option loops cost more CPU than reading the
offers. The templates keep the markup; the strings use the same gettext messages. Both are computed only when the
page's cached fragments are missing (the context passes them as callables)."""

from babel.dates import format_date
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext, ngettext

from remarket.catalog.grades import GRADE_LOOKS, Grade
from remarket.catalog.illustrations import illustration_alt, shape_of
from remarket.catalog.selectors import GalleryImage
from remarket.core import clock
from remarket.core.errors import NotFound
from remarket.core.money import fmt
from remarket.impact.calc import model_factor
from remarket.markets.models import Market
from remarket.offers.facts import offer_facts
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


def gallery(images: list[GalleryImage], model, colour: str) -> list[dict]:
    """The gallery's pictures; a drawn illustration says so in its caption and its alt text."""
    return [
        {
            "image": i,
            "alt": illustration_alt(model, i.colour or colour)
            if i.illustration
            else i.alt or f"{model.brand} {model.name}",
        }
        for i in images
    ]


def facts_lines(o, model, market: Market) -> dict:
    """The battery, price against new, delivery and promises of a grade's best offer, as the page says them."""
    locale = _locale(market)
    f = offer_facts(
        price_minor=o.price_minor,
        currency=o.currency,
        new_prices=model.new_prices,
        battery_health_pct=o.battery_health_pct,
        delay_days=o.delay_days,
        warranty_months=o.warranty_months,
        today=market.local_date(clock.now()),
        country=market.code,
    )
    lines = {
        "battery": ""
        if shape_of(model.category.slug) == "device"  # consoles, desktops, audio: no battery to speak of
        else gettext("Battery: %(pct)s %% of its original capacity, measured by the seller") % {"pct": f.battery_pct}
        if f.battery_measured
        else gettext("Battery: at least %(pct)s %% of its original capacity") % {"pct": f.battery_pct},
        "delivery": gettext("Delivered by %(day)s (%(n)s business days)")
        % {"day": format_date(f.delivery_on, "EEEE d MMMM", locale=locale), "n": f.delivery_business_days},
        "promises": gettext("%(w)s-month warranty · free returns within %(d)s days, for any reason")
        % {"w": f.warranty_months, "d": f.return_days},
        "new": "",
    }
    if f.saving_minor is not None and f.new_price_minor is not None:
        lines["new"] = gettext("%(saving)s less than new (%(new)s), %(pct)s %% saved") % {
            "saving": fmt(f.saving_minor, o.currency, locale),
            "new": fmt(f.new_price_minor, o.currency, locale),
            "pct": f.saving_pct,
        }
    return lines


def grade_cards(grades: list[GradeOffers], market: Market, model=None) -> list[dict]:
    """Each grade's card: what the grade looks like, its best offer, why it wins, how many other offers it beats,
    and the offer's battery, price against new, delivery and promises."""
    locale, cards = _locale(market), []
    for g in grades:
        card = {
            "grade": g.grade,
            "label": Grade(g.grade).label,
            "looks": GRADE_LOOKS[Grade(g.grade)],
            "best": None,
            "others": g.others,
        }
        o = g.best
        if o is not None and model is not None:
            card.update(facts_lines(o, model, market))
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
            "grades": lambda: grade_cards(page.grades, the_market, page.model),
            "gallery": lambda: gallery(page.images, page.model, page.variant.colour if page.variant else ""),
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
