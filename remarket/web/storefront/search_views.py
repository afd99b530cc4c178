"""The storefront's search page: `/<market>/search/?q=...&category=&brand=&model=&grade=&storage=&colour=&min=&max=
&sort=&page=`. Facet values are plain links that toggle one parameter, so the page works without JavaScript.
Parameters it cannot use get a 400 page that says which and why; an unknown market is a 404.

The results part of the page (facets, cards, pager) is built here as HTML strings — a few hundred links, far
cheaper than as template nodes — and cached under the search index's version with the parsed parameters, so a
repeated search costs two queries (the market, the version) and stays exact: a refresh changes the version."""

import hashlib
from functools import lru_cache

from django.core.cache import cache
from django.shortcuts import render
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext, ngettext
from django.utils.translation import gettext_lazy as _

from remarket.catalog.grades import Grade
from remarket.core.errors import DomainError
from remarket.core.money import fmt, to_major
from remarket.search.query import search_args_parse
from remarket.search.selectors import SearchResult, products_search, search_index_version, storage_label

from .views import _market

PAGE_SIZE = 24
SHOWN = 15  # values shown per facet (brands, models and colours can run into the hundreds)
CACHE_SECONDS = 600
KEPT = ("q", "category", "brand", "model", "grade", "storage", "colour", "min", "max", "sort")
FACETS = (
    ("category", _("Category")),
    ("brand", _("Brand")),
    ("model", _("Model")),
    ("grade", _("Grade")),
    ("storage", _("Storage")),
    ("colour", _("Colour")),
    ("price", _("Price")),
)
FACET_VALUE = '<li{}><a href="{}" rel="nofollow"{}><span>{}</span><span class="n">{}</span></a></li>'
SORTS = (
    ("relevance", _("Relevance")),
    ("price_asc", _("Price: low to high")),
    ("price_desc", _("Price: high to low")),
    ("newest", _("Newest models")),
)


class _Links:
    """Query strings derived from the current one: a facet value toggled, the sort or the page changed."""

    def __init__(self, get, currency: str):
        self.params = {name: [v for v in get.getlist(name) if v.strip()] for name in KEPT}
        self.currency = currency

    def href(self, **changes) -> str:
        params = {**self.params, **changes}
        return "?" + urlencode([(k, v) for k, values in params.items() for v in values])

    def toggle(self, name: str, value: str) -> str:
        values = self.params[name]
        return self.href(**{name: [v for v in values if v != value] if value in values else [*values, value]})

    def price(self, low: int | None, high: int | None, selected: bool) -> str:
        if selected:
            return self.href(min=[], max=[])
        major = lambda minor: [] if minor is None else [str(to_major(minor, self.currency))]  # noqa: E731
        return self.href(min=major(low), max=major(high))


@lru_cache(maxsize=4096)
def _money(minor: int, currency: str, locale: str) -> str:
    return fmt(minor, currency, locale=locale)


def _facets_html(result: SearchResult, links: _Links) -> str:
    sections = []
    for name, title in FACETS:
        values = result.facets.get(name, [])
        if len(values) > SHOWN:  # the most frequent values, and every selected one
            values = values[:SHOWN] + [v for v in values[SHOWN:] if v.selected]
        if not values:
            continue
        items = format_html_join(
            "",
            FACET_VALUE,
            (
                (
                    mark_safe(f' style="padding-left:{int(v.depth)}rem"') if v.depth else "",
                    links.price(v.low_minor, v.high_minor, v.selected)
                    if name == "price"
                    else links.toggle(name, v.key),
                    mark_safe(' aria-current="true"') if v.selected else "",
                    v.label,
                    v.count,
                )
                for v in values
            ),
        )
        sections.append(
            format_html('<section class="facet" data-facet="{}"><h2>{}</h2><ul>{}</ul></section>', name, title, items)
        )
    return mark_safe("".join(sections))


def _hits_html(result: SearchResult, market) -> str:
    locale = market.language.replace("-", "_")
    product = reverse("store-product", args=[market.code.lower(), "SLUG"])
    grades = {g.value: str(g.label) for g in Grade}
    word = gettext("from")
    return format_html_join(
        "",
        '<a class="card" href="{}" data-hit="{}"><div class="muted">{}</div><strong>{} {}'
        '</strong><div>{} <span class="price">{}</span></div><div class="muted">{}</div>'
        '<div class="muted">{}</div><div class="muted">{}</div></a>',
        (
            (
                product.replace("SLUG", h.slug),
                h.slug,
                h.category,
                h.brand,
                h.name,
                word,
                _money(h.price_minor, h.currency, locale),
                format_html_join(" ", '<span class="grade">{}</span>', ((grades[g],) for g in h.grades)),
                " · ".join(storage_label(s) for s in h.storages),
                ngettext("%(n)d offer", "%(n)d offers", h.offers) % {"n": h.offers},
            )
            for h in result.hits
        ),
    )


def _results(result: SearchResult, links: _Links, market) -> dict:
    """Everything the page shows of a search, as plain values and HTML strings (cacheable)."""
    return {
        "total": result.total,
        "corrected": result.corrected,
        "tokens": result.tokens,
        "filtered": result.filters.active,
        "clear": links.href(**{n: [] for n in KEPT if n not in ("q", "sort")}),
        "facets_html": _facets_html(result, links),
        "hits_html": _hits_html(result, market),
        "sorts": [
            {
                "label": str(label),
                "href": links.href(sort=[key] if key != "relevance" else []),
                "selected": key == result.sort,
            }
            for key, label in SORTS
        ],
        "pages": {
            "number": result.page,
            "count": result.pages,
            "previous": links.href(page=[str(result.page - 1)]) if result.page > 1 else None,
            "next": links.href(page=[str(result.page + 1)]) if result.page < result.pages else None,
        },
    }


def search(request, market):
    the_market = _market(market)
    context = {"market": the_market, "q": request.GET.get("q", "")}
    try:
        args = search_args_parse(request.GET.getlist, currency=the_market.currency)
    except DomainError as err:
        return render(request, "storefront/search.html", {**context, "error": err}, status=400)
    links = _Links(request.GET, the_market.currency)
    key = (
        "search:page:"
        + hashlib.sha1(
            repr((search_index_version(), the_market.pk, get_language(), args, links.params, PAGE_SIZE)).encode()
        ).hexdigest()
    )
    results = cache.get(key)
    if results is None:
        try:
            result = products_search(market=the_market, page_size=PAGE_SIZE, **args)
        except DomainError as err:
            return render(request, "storefront/search.html", {**context, "error": err}, status=400)
        results = _results(result, links, the_market)
        cache.set(key, results, CACHE_SECONDS)
    return render(request, "storefront/search.html", {**context, "results": results})
