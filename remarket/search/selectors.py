"""Search with facet counts: `products_search` is the one entry point.

Hits are product models (a buyer looks for "iPhone 13", then picks storage, colour and grade on its page),
each with its lowest price among the offers matching the filters, and the grades and storages it is offered
in. Facets count product models (the model facet counts offers) over the matching set with every *other*
filter applied, so that choosing Apple still shows how many Samsung models there are (disjunctive facets).

Everything reads `search_entry` (one row per market × variant × grade with offers) joined to the full-text
match, never the listings: the categories, then one statement (sql.py `SearchSQL.page`): the facets with the
total and the page of hits with their models, so that the matched sets are read once. Nothing is cached here:
an interface that caches results keys them by `search_index_version()`, which every refresh changes in its own
transaction, so that a cached page is never older than the last committed change."""

from dataclasses import dataclass
from functools import lru_cache

from remarket.catalog.grades import ORDER, Grade
from remarket.catalog.models import Category, ProductModel
from remarket.core.errors import DomainError
from remarket.core.money import fmt
from remarket.markets.models import Market

from .match import tokens_corrected
from .models import SearchStamp
from .query import SORTS, Filters, price_edges
from .sql import SearchSQL, fetch, page_split
from .text import query_tokens

MAX_PAGE_SIZE = 100


@dataclass(frozen=True)
class Hit:
    model_id: int
    slug: str
    brand: str
    name: str
    category: str
    release_year: int | None
    price_minor: int  # the lowest price of the offers matching the filters
    currency: str
    offers: int
    grades: tuple[str, ...]  # the grades of the offers matching the filters, best first
    storages: tuple[int, ...]  # and their storages


@dataclass(frozen=True)
class FacetValue:
    key: str  # the request parameter's value (for the price: "low-high" in minor units, high exclusive)
    label: str
    count: int
    selected: bool
    depth: int = 0  # categories: 0 for a root
    low_minor: int | None = None  # prices: the inclusive range the value stands for
    high_minor: int | None = None


@dataclass(frozen=True)
class SearchResult:
    q: str
    tokens: tuple[str, ...]
    corrected: str | None  # the words searched instead when the typed ones matched nothing
    filters: Filters
    sort: str
    page: int
    page_size: int
    total: int
    currency: str
    hits: list[Hit]
    facets: dict[str, list[FacetValue]]

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))


def search_index_version() -> str:
    """The index's version: it changes with every refresh, when the refresh commits."""
    stamp = SearchStamp.objects.order_by("-pk").values_list("pk", "token").first()
    return f"{stamp[0]}-{stamp[1]}" if stamp else "0"


def _categories(filters: Filters) -> tuple[dict[int, Category], list[int]]:
    categories = {c.pk: c for c in Category.objects.only("id", "slug", "name", "parent_id").order_by("name", "id")}
    by_slug = {c.slug: c for c in categories.values()}
    unknown = [s for s in filters.categories if s not in by_slug]
    if unknown:
        raise DomainError("SEARCH_CATEGORY_UNKNOWN", f"There is no category {unknown[0]!r}.", {"param": "category"})
    children: dict[int | None, list[int]] = {}
    for c in categories.values():
        children.setdefault(c.parent_id, []).append(c.pk)
    ids, stack = [], [by_slug[s].pk for s in filters.categories]
    while stack:
        pk = stack.pop()
        if pk not in ids:
            ids.append(pk)
            stack.extend(children.get(pk, []))
    return categories, sorted(ids)


def _models_chosen(filters: Filters) -> dict[str, tuple[int, str]]:
    """slug → (id, title) of the models the filters name."""
    if not filters.models:
        return {}
    found = {
        slug: (pk, f"{brand} {name}")
        for slug, pk, brand, name in ProductModel.objects.filter(slug__in=filters.models).values_list(
            "slug", "pk", "brand", "name"
        )
    }
    unknown = [s for s in filters.models if s not in found]
    if unknown:
        raise DomainError("SEARCH_MODEL_UNKNOWN", f"There is no product model {unknown[0]!r}.", {"param": "model"})
    return found


def _compute(market, tokens, filters, category_ids, model_ids, edges, sort, page, page_size):
    """The facet rows and the page's hit rows, with the typo correction when the words matched nothing."""

    def run(words):
        sql = SearchSQL(market, words, filters, category_ids, model_ids, edges)
        return page_split(fetch(*sql.page(sort, page_size, (page - 1) * page_size)))

    rows, hit_rows = run(tokens)
    corrected = None
    if tokens and not _total(rows):
        fixed = tokens_corrected(tokens)
        if fixed != tokens:
            retry_rows, retry_hits = run(fixed)
            if _total(retry_rows):
                rows, hit_rows, tokens, corrected = retry_rows, retry_hits, fixed, " ".join(fixed)
    return rows, hit_rows, tokens, corrected


def _total(rows) -> int:
    return next((int(n) for facet, _, n, _ in rows if facet == "total"), 0)


@lru_cache(maxsize=1024)
def _money(minor: int, currency: str, locale: str) -> str:
    return fmt(minor, currency, locale=locale)


def storage_label(gb: int) -> str:
    return f"{gb // 1024} TB" if gb >= 1024 and gb % 1024 == 0 else f"{gb} GB"


def products_search(
    *,
    market: Market,
    q: str = "",
    filters: Filters = Filters(),  # noqa: B008 - frozen dataclass, safe to share
    sort: str = "relevance",
    page: int = 1,
    page_size: int = 24,
) -> SearchResult:
    """One page of product models matching `q` and `filters` in `market`, with the facet counts."""
    if sort not in SORTS:
        raise DomainError("SEARCH_SORT_UNKNOWN", f"Unknown sort {sort!r}: use one of {', '.join(SORTS)}.")
    if page < 1 or not 1 <= page_size <= MAX_PAGE_SIZE:
        raise DomainError("SEARCH_PAGE_INVALID", f"Pages start at 1 and hold 1 to {MAX_PAGE_SIZE} results.")
    categories, category_ids = _categories(filters)
    chosen = _models_chosen(filters)
    model_ids = sorted(pk for pk, _ in chosen.values())
    edges = price_edges(market.currency)
    rows, hit_rows, tokens, corrected = _compute(
        market, query_tokens(q), filters, category_ids, model_ids, edges, sort, page, page_size
    )
    hits = []
    for model_id, price, offers, grades, storages, slug, brand, name, category_id, year in hit_rows:
        category = categories.get(category_id)
        offered = set(grades.split(",")) if grades else set()
        hits.append(
            Hit(
                model_id,
                slug,
                brand,
                name,
                category.name if category else "",
                year,
                int(price),
                market.currency,
                int(offers),
                tuple(g.value for g in ORDER if g.value in offered),
                tuple(sorted(int(s) for s in storages.split(","))) if storages else (),
            )
        )
    facets = _facets(rows, filters, categories, chosen, market, edges)
    return SearchResult(
        q, tuple(tokens), corrected, filters, sort, page, page_size, _total(rows), market.currency, hits, facets
    )


def _facets(
    rows,
    filters: Filters,
    categories: dict[int, Category],
    chosen: dict[str, tuple[int, str]],
    market: Market,
    edges: list[int],
) -> dict[str, list[FacetValue]]:
    counts: dict[str, dict[str, int]] = {}
    labels: dict[str, str] = {slug: title for slug, (_, title) in chosen.items()}
    for facet, key, n, label in rows:
        if facet != "total" and key is not None:
            counts.setdefault(facet, {})[key] = int(n)
            if label is not None:
                labels[key] = label
    facets = {"category": _category_values(counts.get("category", {}), categories, filters)}
    brands = counts.get("brand", {}) | {b: counts.get("brand", {}).get(b, 0) for b in filters.brands}
    facets["brand"] = [
        FacetValue(b, b, n, b in filters.brands)
        for b, n in sorted(brands.items(), key=lambda kv: (-kv[1], kv[0].casefold()))
    ]

    models = counts.get("model", {}) | {slug: counts.get("model", {}).get(slug, 0) for slug in filters.models}
    facets["model"] = [
        FacetValue(slug, labels.get(slug, slug), n, slug in filters.models)
        for slug, n in sorted(models.items(), key=lambda kv: (kv[0] not in filters.models, -kv[1]))
    ]

    grades = counts.get("grade", {})
    facets["grade"] = [
        FacetValue(g.value, str(Grade(g).label), grades.get(g.value, 0), g.value in filters.grades)
        for g in ORDER
        if grades.get(g.value) or g.value in filters.grades
    ]

    storages = {int(k): n for k, n in counts.get("storage", {}).items()}
    storages |= {s: storages.get(s, 0) for s in filters.storages}
    facets["storage"] = [
        FacetValue(str(s), storage_label(s), n, s in filters.storages) for s, n in sorted(storages.items())
    ]

    colours = counts.get("colour", {}) | {c: counts.get("colour", {}).get(c, 0) for c in filters.colours}
    facets["colour"] = [
        FacetValue(c, c, n, c in filters.colours)
        for c, n in sorted(colours.items(), key=lambda kv: (-kv[1], kv[0].casefold()))
    ]

    facets["price"] = _price_values(counts.get("price", {}), filters, market, edges)
    return facets


def _category_values(counts: dict[str, int], categories: dict[int, Category], filters: Filters) -> list[FacetValue]:
    """The tree, depth first, each with its subtree's count: a model sits in one category, so a parent's
    count is the sum of its children's."""
    rolled = dict.fromkeys(categories, 0)
    for key, n in counts.items():
        pk: int | None = int(key)
        seen = set()
        while pk is not None and pk in categories and pk not in seen:  # up to the root, whose parent is None
            seen.add(pk)
            rolled[pk] += n
            pk = categories[pk].parent_id
    children: dict[int | None, list[Category]] = {}
    for c in categories.values():  # ordered by name
        children.setdefault(c.parent_id if c.parent_id in categories else None, []).append(c)
    values: list[FacetValue] = []

    def walk(parent: int | None, depth: int) -> None:
        for c in children.get(parent, []):
            if rolled[c.pk] or c.slug in filters.categories:
                values.append(FacetValue(c.slug, c.name, rolled[c.pk], c.slug in filters.categories, depth))
                walk(c.pk, depth + 1)

    walk(None, 0)
    return values


def _price_values(counts: dict[str, int], filters: Filters, market: Market, edges: list[int]) -> list[FacetValue]:
    locale = market.language.replace("-", "_")
    bounds = [0, *edges, None]
    values = []
    for i in range(len(edges) + 1):
        low, high = bounds[i], bounds[i + 1]
        # A bucket's link asks for [low, high - 1 minor unit], both inclusive; an open end is no parameter.
        low_param, high_param = low or None, (high - 1 if high else None)
        selected = (filters.min_minor, filters.max_minor) == (low_param, high_param)
        if counts.get(str(i)) or selected:
            if low and high:
                label = f"{_money(low, market.currency, locale)} – {_money(high, market.currency, locale)}"
            else:
                label = (
                    f"< {_money(high, market.currency, locale)}" if high else f"{_money(low, market.currency, locale)}+"
                )
            values.append(
                FacetValue(
                    f"{low}-{high or ''}",
                    label,
                    counts.get(str(i), 0),
                    selected,
                    low_minor=low_param,
                    high_minor=high_param,
                )
            )
    return values
