from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from remarket.core.errors import NotFound
from remarket.core.kept import Kept
from remarket.core.media import media_url

from .models import Category, ProductImage, ProductModel, Variant


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


def category_rows() -> list[tuple[int, int | None, str]]:
    """Every category as (id, parent id, name), by name: what a tree is built from, in one query."""
    return list(Category.objects.order_by("name", "pk").values_list("pk", "parent_id", "name"))


def categories_by_id() -> QuerySet[Category]:
    return Category.objects.order_by("id")


def categories_by_name() -> QuerySet[Category]:
    return Category.objects.order_by("name")


def product_models(*, category_slug: str | None = None, by_category: bool = False) -> QuerySet[ProductModel]:
    """Product models with their category, by brand and name (within each category first, `by_category`)."""
    order = ("category_id", "brand", "name") if by_category else ("brand", "name")
    qs = ProductModel.objects.select_related("category").order_by(*order)
    return qs if category_slug is None else qs.filter(category__slug=category_slug)


def product_model_row(*, pk: int) -> Mapping[str, Any] | None:
    """One product model's id, slug and name as a dict: one indexed primary-key select."""
    return ProductModel.objects.filter(pk=pk).values("id", "slug", "name").first()


@dataclass(frozen=True)
class GalleryImage:
    """One picture of a product page's gallery, ready for `<picture>`: WebP and JPEG sources by width."""

    id: int
    colour: str
    kind: str
    alt: str
    width: int
    height: int
    src: str  # the largest JPEG
    webp_srcset: str
    jpeg_srcset: str

    @property
    def illustration(self) -> bool:
        return self.kind == ProductImage.Kind.ILLUSTRATION


def _srcset(files: dict[str, str], ext: str) -> str:
    widths = sorted(int(key.split(".")[0]) for key in files if key.endswith("." + ext))
    return ", ".join(f"{media_url(files[f'{w}.{ext}'])} {w}w" for w in widths)


def model_images(*, model_id: int) -> list[GalleryImage]:
    """Every image of a model, in gallery order (by position): one indexed query."""
    out = []
    for image in ProductImage.objects.filter(model_id=model_id).order_by("position", "pk"):
        jpegs = sorted((int(k.split(".")[0]), v) for k, v in image.files.items() if k.endswith(".jpg"))
        out.append(
            GalleryImage(
                image.pk,
                image.colour,
                image.kind,
                image.alt,
                image.width,
                image.height,
                media_url(jpegs[-1][1]) if jpegs else "",
                _srcset(image.files, "webp"),
                _srcset(image.files, "jpg"),
            )
        )
    return out


def gallery_for(images: list[GalleryImage], colour: str) -> list[GalleryImage]:
    """A variant's gallery: the images of its colour, then those of no colour; a colour with none of its own
    shows the model's others."""
    own = [i for i in images if i.colour == colour and colour]
    common = [i for i in images if not i.colour]
    return own + common or images


def model_colours(*, model_id: int) -> list[str]:
    """The colours a model's variants come in, by name."""
    return sorted(set(Variant.objects.filter(model_id=model_id).exclude(colour="").values_list("colour", flat=True)))


# each model's gallery, read by every product page that is not cached; uploads and removals forget it here and
# in the shared cache, other processes see them within a minute (core/kept.py)
_kept_images = Kept("catalog:images:v1", lambda model_id: model_images(model_id=model_id), shared_seconds=60)


def model_gallery(*, model_id: int) -> list[GalleryImage]:
    """`model_images`, kept for a minute (no query on most product pages)."""
    return _kept_images.get(model_id)


def images_forget(*, model_id: int | None = None) -> None:
    """A gallery changed: this process and the shared cache forget it at once."""
    _kept_images.forget()
    if model_id is not None:
        cache.delete(f"catalog:images:v1:{model_id}")
