"""What a search asks for, checked: the filters, the sort, the page; and the price buckets of a currency.
Pure functions, no database: every interface (storefront, API) parses its parameters with `search_args_parse`
and gets a DomainError with a stable code for anything it cannot use."""

import re
from collections.abc import Callable
from dataclasses import dataclass

from remarket.catalog.grades import Grade
from remarket.core.errors import DomainError
from remarket.core.money import exponent, to_minor

SORTS = ("relevance", "price_asc", "price_desc", "newest")
MAX_QUERY = 200
MAX_VALUES = 20  # values of one filter
MAX_PAGE = 1000
AMOUNT = re.compile(r"[0-9]{1,9}(?:[.,][0-9]{1,3})?")  # major units, plain digits: no sign, exponent or NaN
PRICE_EDGES = (100, 200, 300, 500, 750, 1000, 1500)  # major units of a euro-like currency
PRICE_SCALE = {"JPY": 100, "KRW": 1000, "HUF": 300, "CZK": 20, "SEK": 10, "NOK": 10, "DKK": 5, "PLN": 4}


@dataclass(frozen=True)
class Filters:
    """Disjunctive within a field (brand=Apple or Samsung), conjunctive across fields. Prices are in minor
    units and inclusive; a product model matches when one of its variant × grade offers matches them all."""

    categories: tuple[str, ...] = ()  # slugs; a category includes its descendants
    brands: tuple[str, ...] = ()
    models: tuple[str, ...] = ()  # product model slugs
    grades: tuple[str, ...] = ()
    storages: tuple[int, ...] = ()  # GB
    colours: tuple[str, ...] = ()
    min_minor: int | None = None
    max_minor: int | None = None

    @property
    def active(self) -> bool:
        return any(
            (
                self.categories,
                self.brands,
                self.models,
                self.grades,
                self.storages,
                self.colours,
                self.min_minor is not None,
                self.max_minor is not None,
            )
        )


def price_edges(currency: str) -> list[int]:
    """The bucket edges in minor units: buckets are [0, e1), [e1, e2), ... [en, ∞)."""
    scale = PRICE_SCALE.get(currency.upper(), 1) * 10 ** exponent(currency)
    return [edge * scale for edge in PRICE_EDGES]


def _bad(code: str, message: str, param: str) -> DomainError:
    return DomainError(code, message, {"param": param})


def _texts(values: list[str], param: str, max_length: int) -> tuple[str, ...]:
    if len(values) > MAX_VALUES:
        raise _bad("SEARCH_FILTER_INVALID", f"At most {MAX_VALUES} values of {param!r}.", param)
    out: list[str] = []
    for value in values:
        value = value.strip()
        if not value:
            continue
        if len(value) > max_length or not value.isprintable():
            raise _bad(
                "SEARCH_FILTER_INVALID", f"{param!r} must be printable text of at most {max_length} characters.", param
            )
        if value not in out:
            out.append(value)
    return tuple(out)


def _grades(values: list[str]) -> tuple[str, ...]:
    out = []
    for value in _texts(values, "grade", 20):
        try:
            grade = Grade(value.upper())
        except ValueError:
            raise _bad(
                "SEARCH_GRADE_UNKNOWN", f"Unknown grade {value!r}: use one of {', '.join(Grade.values)}.", "grade"
            ) from None
        if grade.value not in out:
            out.append(grade.value)
    return tuple(out)


def _storages(values: list[str]) -> tuple[int, ...]:
    out = []
    for value in _texts(values, "storage", 10):
        if not value.isdigit() or not 0 < int(value) <= 1_000_000:
            raise _bad("SEARCH_STORAGE_INVALID", f"Storage {value!r} is not a whole number of GB.", "storage")
        if int(value) not in out:
            out.append(int(value))
    return tuple(out)


def _price(value: str | None, param: str, currency: str) -> int | None:
    if value is None or not value.strip():
        return None
    if not AMOUNT.fullmatch(value.strip()):
        raise _bad(
            "SEARCH_PRICE_INVALID",
            f"{param!r} must be an amount of {currency} of zero or more, such as 150 or 149.90.",
            param,
        )
    return to_minor(value.strip(), currency)


def search_args_parse(get: Callable[[str], list[str]], *, currency: str) -> dict:
    """The keyword arguments of `products_search` (but `market` and `page_size`) from request parameters;
    `get(name)` returns every value of a parameter (QueryDict.getlist)."""

    def one(name: str) -> str | None:
        values = get(name)
        if len(values) > 1:
            raise _bad("SEARCH_PARAM_REPEATED", f"{name!r} is given more than once.", name)
        return values[0] if values else None

    q = one("q") or ""
    if len(q) > MAX_QUERY:
        raise _bad("SEARCH_QUERY_TOO_LONG", f"A search is at most {MAX_QUERY} characters.", "q")
    sort = (one("sort") or "relevance").strip() or "relevance"
    if sort not in SORTS:
        raise _bad("SEARCH_SORT_UNKNOWN", f"Unknown sort {sort!r}: use one of {', '.join(SORTS)}.", "sort")
    page_text = (one("page") or "1").strip() or "1"
    if not page_text.isdigit() or not 1 <= int(page_text) <= MAX_PAGE:
        raise _bad("SEARCH_PAGE_INVALID", f"The page is a whole number from 1 to {MAX_PAGE}.", "page")
    low, high = _price(one("min"), "min", currency), _price(one("max"), "max", currency)
    if low is not None and high is not None and low > high:
        raise _bad("SEARCH_PRICE_RANGE", "The minimum price is above the maximum price.", "min")
    filters = Filters(
        categories=_texts(get("category"), "category", 60),
        brands=_texts(get("brand"), "brand", 60),
        models=_texts(get("model"), "model", 140),
        grades=_grades(get("grade")),
        storages=_storages(get("storage")),
        colours=_texts(get("colour"), "colour", 40),
        min_minor=low,
        max_minor=high,
    )
    return {"q": q, "filters": filters, "sort": sort, "page": int(page_text)}
