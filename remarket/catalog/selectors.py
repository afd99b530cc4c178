from django.utils.translation import gettext as _

from remarket.core.errors import NotFound

from .models import Category, ProductModel


def product_model_get(*, slug: str) -> ProductModel:
    model = ProductModel.objects.select_related("category").filter(slug=slug).first()
    if model is None:
        raise NotFound("CATALOG_PRODUCT_NOT_FOUND", _("There is no product %(slug)s.") % {"slug": slug})
    return model


def category_rows() -> list[tuple[int, int | None, str]]:
    """Every category as (id, parent id, name), by name: what a tree is built from, in one query."""
    return list(Category.objects.order_by("name", "pk").values_list("pk", "parent_id", "name"))
