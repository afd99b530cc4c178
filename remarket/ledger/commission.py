"""The operator's commission rate on a line: the merchant's negotiated rate, else its category's (the nearest
one up the tree that has one), else the marketplace's (settings.REMARKET["COMMISSION_BP"]). The rate is fixed
on the order line at checkout, so a later change of rate never rewrites a past sale."""

from django.conf import settings

from remarket.core.kept import Kept


def commission_bp(*, merchant_bp: int | None, category_id: int | None) -> int:
    if merchant_bp is not None:
        return merchant_bp
    tree = _categories()
    seen = set()
    while category_id is not None and category_id not in seen:
        seen.add(category_id)
        parent_id, rate = tree.get(category_id, (None, None))
        if rate is not None:
            return rate
        category_id = parent_id
    return settings.REMARKET["COMMISSION_BP"]


def _load_categories(_) -> dict[int, tuple[int | None, int | None]]:
    from remarket.catalog.models import Category

    return {pk: (parent, rate) for pk, parent, rate in Category.objects.values_list("pk", "parent_id", "commission_bp")}


# each category's parent and own rate, read for every line of every checkout (core/kept.py)
_kept_categories = Kept("commission:categories:v1", _load_categories, shared_seconds=60)


def _categories() -> dict[int, tuple[int | None, int | None]]:
    return _kept_categories.get()


def commission_rates_changed() -> None:
    _kept_categories.forget()
