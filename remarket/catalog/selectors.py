from django.utils.translation import gettext as _

from remarket.core.errors import NotFound

from .models import ProductModel


def product_model_get(*, slug: str) -> ProductModel:
    model = ProductModel.objects.select_related("category").filter(slug=slug).first()
    if model is None:
        raise NotFound("CATALOG_PRODUCT_NOT_FOUND", _("There is no product %(slug)s.") % {"slug": slug})
    return model
