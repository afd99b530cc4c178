"""The demo catalog written in three bulk inserts: categories, models, variants."""

from collections import Counter
from dataclasses import dataclass

from remarket.catalog.illustrations import illustrations_add
from remarket.catalog.models import Category, ProductModel, Variant

from .catalog_data import CATEGORIES, MODELS, ModelSpec
from .pricing import model_weight, storage_weight


@dataclass(frozen=True)
class CatalogVariant:
    variant: Variant  # with its model and category attached, so titles and impact need no query
    spec: ModelSpec
    weight: float  # share of demand


def catalog_build(*, year: int, models: tuple[ModelSpec, ...] = MODELS) -> list[CatalogVariant]:
    categories = Category.objects.bulk_create(
        [Category(slug=slug, name=name, impact_key=impact_key) for slug, name, impact_key in CATEGORIES]
    )
    by_slug = {c.slug: c for c in categories}
    product_models = ProductModel.objects.bulk_create(
        [
            ProductModel(
                category=by_slug[spec.category],
                brand=spec.brand,
                name=spec.name,
                slug=spec.slug,
                release_year=spec.year,
                specs=spec.specs,
                new_prices={"EUR": spec.launch_eur * 100},  # the maker's French list price (catalog_data)
            )
            for spec in models
        ],
        batch_size=500,
    )
    per_category = Counter(spec.category for spec in models)
    variants, pending = [], []
    for spec, model in zip(models, product_models, strict=True):
        storages = sorted({s or 0 for s, _ in spec.variants()})
        weight = model_weight(spec, year, per_category[spec.category])
        colours = len({c for _, c in spec.variants()})
        for storage, colour in spec.variants():
            variant = Variant(model=model, storage_gb=storage, colour=colour)
            pending.append(variant)
            variants.append(
                CatalogVariant(variant, spec, weight * storage_weight(storages.index(storage or 0)) / colours)
            )
    Variant.objects.bulk_create(pending, batch_size=1000)
    # a drawn illustration per model and colour (no photo ships with the demo; the page says they are drawings)
    illustrations_add(
        pairs=sorted({(v.model, v.colour) for v in pending}, key=lambda p: (p[0].pk, p[1])),
        category_slugs={c.pk: c.slug for c in categories},
    )
    return variants
