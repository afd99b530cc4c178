from django.utils.translation import gettext as _

from remarket.core.errors import NotFound
from remarket.core.kept import Kept

from .models import Category, ProductModel


def product_model_get(*, slug: str) -> ProductModel:
    model = ProductModel.objects.select_related("category").filter(slug=slug).first()
    if model is None:
        raise NotFound("CATALOG_PRODUCT_NOT_FOUND", _("There is no product %(slug)s.") % {"slug": slug})
    return model


def _load_category_rates(_) -> dict[int, tuple[int | None, int | None]]:
    return {pk: (parent, rate) for pk, parent, rate in Category.objects.values_list("pk", "parent_id", "commission_bp")}


# each category's parent and own commission rate, read for every line of every checkout (core/kept.py); the
# catalog's writes of categories forget it (services.py)
_kept_category_rates = Kept("commission:categories:v1", _load_category_rates, shared_seconds=60)


def category_commission_bp(*, category_id: int | None) -> int | None:
    """The commission rate of a category: its own, else the nearest one up the tree that has one, else None."""
    tree = _kept_category_rates.get()
    seen = set()
    while category_id is not None and category_id not in seen:
        seen.add(category_id)
        parent_id, rate = tree.get(category_id, (None, None))
        if rate is not None:
            return rate
        category_id = parent_id
    return None


def category_rates_forget() -> None:
    """Drop the kept category rates: this process sees a change at once, the others within a minute."""
    _kept_category_rates.forget()
