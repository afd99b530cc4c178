"""The operator's commission rate on a line: the merchant's negotiated rate, else its category's (the nearest
one up the tree that has one), else the marketplace's (settings.REMARKET["COMMISSION_BP"]). The rate is fixed
on the order line at checkout, so a later change of rate never rewrites a past sale."""
import time

from django.conf import settings
from django.core.cache import cache

CATEGORIES_KEY = "commission:categories:v1"


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


LOCAL_SECONDS = 60  # how long a process keeps the tree it read; a new rate reaches every process within it
_local: dict = {"until": 0.0, "tree": None}


def _categories() -> dict[int, tuple[int | None, int | None]]:
    """Each category's parent and own rate: kept in the process for a minute (this runs for every line of every
    checkout), in the shared cache for one."""
    if _local["tree"] is not None and time.monotonic() < _local["until"]:
        return _local["tree"]
    tree = cache.get(CATEGORIES_KEY)
    if tree is None:
        from remarket.catalog.models import Category

        tree = {pk: (parent, rate) for pk, parent, rate in
                Category.objects.values_list("pk", "parent_id", "commission_bp")}
        cache.set(CATEGORIES_KEY, tree, 60)
    _local.update(tree=tree, until=time.monotonic() + LOCAL_SECONDS)
    return tree


def commission_rates_changed() -> None:
    _local.update(tree=None, until=0.0)
    cache.delete(CATEGORIES_KEY)
