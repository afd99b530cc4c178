"""The storefront's search page: `/<market>/search/?q=...&category=&brand=&model=&grade=&storage=&colour=&min=&max=
&sort=&page=`. Facet values are plain links that toggle one parameter, so the page works without JavaScript.
Parameters it cannot use get a 400 page that says which and why; an unknown market is a 404."""
from django.shortcuts import render
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from remarket.catalog.grades import Grade
from remarket.core.errors import DomainError
from remarket.core.money import to_major
from remarket.search.query import search_args_parse
from remarket.search.selectors import SearchResult, products_search, storage_label

from .views import _market

PAGE_SIZE = 24
KEPT = ("q", "category", "brand", "model", "grade", "storage", "colour", "min", "max", "sort")
FACETS = (("category", _("Category")), ("brand", _("Brand")), ("model", _("Model")), ("grade", _("Grade")),
          ("storage", _("Storage")), ("colour", _("Colour")), ("price", _("Price")))
SORTS = (("relevance", _("Relevance")), ("price_asc", _("Price: low to high")),
         ("price_desc", _("Price: high to low")), ("newest", _("Newest models")))


class _Links:
    """Query strings derived from the current one: a facet value toggled, the sort or the page changed."""

    def __init__(self, get, currency: str):
        self.params = {name: [v for v in get.getlist(name) if v.strip()] for name in KEPT}
        self.currency = currency

    def href(self, **changes) -> str:
        params = {**self.params, **changes}
        return "?" + urlencode([(k, v) for k, values in params.items() for v in values], doseq=False)

    def toggle(self, name: str, value: str) -> str:
        values = self.params[name]
        return self.href(**{name: [v for v in values if v != value] if value in values else [*values, value]})

    def price(self, low: int | None, high: int | None, selected: bool) -> str:
        if selected:
            return self.href(min=[], max=[])
        major = lambda minor: [] if minor is None else [str(to_major(minor, self.currency))]  # noqa: E731
        return self.href(min=major(low), max=major(high))


def _present(result: SearchResult, links: _Links) -> dict:
    facets = []
    for name, title in FACETS:
        values = []
        for v in result.facets.get(name, []):
            href = (links.price(v.low_minor, v.high_minor, v.selected) if name == "price"
                    else links.toggle(name, v.key))
            values.append({"label": v.label, "count": v.count, "selected": v.selected, "depth": v.depth,
                           "href": href})
        if values:
            facets.append({"name": name, "title": title, "values": values})
    pages = {"number": result.page, "count": result.pages,
             "previous": links.href(page=[str(result.page - 1)]) if result.page > 1 else None,
             "next": links.href(page=[str(result.page + 1)]) if result.page < result.pages else None}
    return {
        "result": result, "facets": facets, "pages": pages,
        "sorts": [{"label": label, "href": links.href(sort=[key] if key != "relevance" else []),
                   "selected": key == result.sort} for key, label in SORTS],
        "clear": links.href(**{n: [] for n in KEPT if n not in ("q", "sort")}),
        "hits": [{"hit": h, "grades": [Grade(g).label for g in h.grades],
                  "storages": [storage_label(s) for s in h.storages]} for h in result.hits],
    }


def search(request, market):
    the_market = _market(market)
    context = {"market": the_market, "q": request.GET.get("q", "")}
    try:
        args = search_args_parse(request.GET.getlist, currency=the_market.currency)
        result = products_search(market=the_market, page_size=PAGE_SIZE, **args)
    except DomainError as err:
        return render(request, "storefront/search.html", {**context, "error": err}, status=400)
    context |= _present(result, _Links(request.GET, the_market.currency))
    return render(request, "storefront/search.html", context)
