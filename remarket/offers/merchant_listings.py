"""The merchant back office's listings page: which of a merchant's offers it shows. A query parsed once from the
page's parameters (refused with a stable code when a value is not one the page offers), then one queryset.

- `q`: words each found in the SKU, the model's brand or name, or the variant's colour (case ignored);
- `model`: one product model; `grade`: one grade; `market`: one market's terms;
- `online`: published there or not; `stock`: units in stock (`in`) or sold out (`out`);
- `winning`: whether the offer is its variant × grade × market's best offer now — the same order as the product
  page's (offers/best.py `winner_ordered` over `on_sale()`), asked in the database for the whole list, so a
  filtered page is as long as any other."""

from collections.abc import Mapping
from dataclasses import dataclass, fields

from django.db.models import F, OuterRef, Q, QuerySet, Subquery
from django.utils.translation import gettext as _

from remarket.catalog.grades import Grade
from remarket.core.errors import DomainError

from .best import winner_ordered
from .models import Listing, ListingMarket
from .selectors import terms_for_merchant

YES_NO = ("yes", "no")
STOCK = ("in", "out")


@dataclass(frozen=True)
class ListingQuery:
    q: str = ""
    model: int | None = None
    grade: str = ""
    market: str = ""
    online: str = ""  # "", "yes", "no"
    winning: str = ""
    stock: str = ""  # "", "in", "out"

    def params(self) -> dict[str, str]:
        """The query as page parameters (for the pagination links), empty ones left out."""
        out = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if value not in ("", None):
                out[f.name] = str(value)
        return out

    @property
    def active(self) -> bool:
        return bool(self.params())


def _refused(name: str) -> DomainError:
    return DomainError(
        "LISTING_FILTER_INVALID",
        _("This filter's value is not one the page offers: %(name)s.") % {"name": name},
        {"field": name},
    )


def listing_query_parse(params: Mapping[str, str]) -> ListingQuery:
    """The page's parameters as a query; an unknown grade, market code, yes/no or stock value is refused."""
    text = " ".join((params.get("q") or "").split())[:100]
    model_text = (params.get("model") or "").strip()
    if model_text and not model_text.isdigit():
        raise _refused("model")
    grade = (params.get("grade") or "").strip().upper()
    if grade and grade not in Grade.values:
        raise _refused("grade")
    market = (params.get("market") or "").strip().upper()
    if market and not (len(market) == 2 and market.isalpha()):
        raise _refused("market")
    choices = {"online": YES_NO, "winning": YES_NO, "stock": STOCK}
    picked = {}
    for name, allowed in choices.items():
        value = (params.get(name) or "").strip().lower()
        if value and value not in allowed:
            raise _refused(name)
        picked[name] = value
    return ListingQuery(q=text, model=int(model_text) if model_text else None, grade=grade, market=market, **picked)


def _winner_of_group() -> Subquery:
    rivals = ListingMarket.objects.on_sale().filter(
        market_id=OuterRef("market_id"),
        listing__variant_id=OuterRef("listing__variant_id"),
        listing__grade=OuterRef("listing__grade"),
    )
    return Subquery(winner_ordered(rivals).values("id")[:1])


def terms_for_merchant_search(*, merchant_id: int, query: ListingQuery) -> QuerySet[ListingMarket]:
    """The merchant's terms matching `query`, in `terms_for_merchant`'s order and with its related rows."""
    qs = terms_for_merchant(merchant_id=merchant_id)
    for word in query.q.split():
        qs = qs.filter(
            Q(listing__sku__icontains=word)
            | Q(listing__variant__model__brand__icontains=word)
            | Q(listing__variant__model__name__icontains=word)
            | Q(listing__variant__colour__icontains=word)
        )
    if query.model is not None:
        qs = qs.filter(listing__variant__model_id=query.model)
    if query.grade:
        qs = qs.filter(listing__grade=query.grade)
    if query.market:
        qs = qs.filter(market__code=query.market)
    if query.online:
        qs = qs.filter(published=query.online == "yes")
    if query.stock:
        qs = qs.filter(listing__quantity__gt=0) if query.stock == "in" else qs.filter(listing__quantity=0)
    if query.winning:
        qs = qs.annotate(group_winner_id=_winner_of_group())
        winning = Q(pk=F("group_winner_id"))
        qs = qs.filter(winning) if query.winning == "yes" else qs.filter(~winning | Q(group_winner_id__isnull=True))
    return qs


def models_of_merchant(*, merchant_id: int) -> list[tuple[int, str]]:
    """(id, "Brand Name") of every product model the merchant lists, by name: the page's model filter."""
    rows = (
        Listing.objects.filter(merchant_id=merchant_id)
        .values_list("variant__model_id", "variant__model__brand", "variant__model__name")
        .distinct()
        .order_by("variant__model__brand", "variant__model__name")
    )
    return [(pk, f"{brand} {name}") for pk, brand, name in rows]
