"""Catalog writes: the operator's import of models and variants, and the categories' saves (the Django admin's
edits call them)."""

from dataclasses import dataclass, field

from django.db import transaction
from django.utils.text import slugify

from remarket.core.errors import DomainError
from remarket.core.money import to_minor
from remarket.events.outbox import emit

from .images import image_checked, product_image_add
from .models import Category, ProductModel, Variant
from .selectors import category_rates_forget

COLUMNS = ("category", "brand", "model", "storage_gb", "colour")
# optional: `new_price_EUR`, `new_price_USD`... (the maker's price new, major units), `image` (a photo of this
# model in this colour: the file's bytes, which the CLI reads from the path the row names), `image_alt`
NEW_PRICE_PREFIX = "new_price_"


@dataclass
class ImportResult:
    models_created: int = 0
    variants_created: int = 0
    unchanged: int = 0
    images_added: int = 0
    errors: list[tuple[int, str, str]] = field(default_factory=list)  # (line, code, message)


def _storage(value) -> int | None:
    text = str(value or "").strip().upper().replace(" ", "")
    if not text:
        return None
    factor = 1024 if text.endswith("TB") else 1
    text = text.removesuffix("TB").removesuffix("GB").removesuffix("GO").removesuffix("TO")
    try:
        gb = int(text) * factor
    except ValueError:
        raise DomainError(
            "CATALOG_STORAGE_INVALID", f"Storage {value!r} is not a size like 128, 256GB or 1TB."
        ) from None
    if gb <= 0:
        raise DomainError("CATALOG_STORAGE_INVALID", "Storage is above zero.")
    return gb


def catalog_import(*, rows: list[dict], first_line: int = 2) -> ImportResult:
    """Create the models and variants rows describe; existing ones are left as they are. Rows name an existing
    category by slug; each bad row is reported with its line and a stable code, and changes nothing."""
    result = ImportResult()
    categories = {c.slug: c for c in Category.objects.all()}
    with transaction.atomic():
        models = {
            m.slug: m
            for m in ProductModel.objects.filter(
                slug__in={_model_slug(r) for r in rows if r.get("brand") and r.get("model")}
            )
        }
        for line, row in enumerate(rows, start=first_line):
            try:
                with transaction.atomic():
                    _import_row(row, categories, models, result)
            except DomainError as err:
                result.errors.append((line, err.code, str(err.message)))
        if result.models_created or result.variants_created:  # the search index follows after commit
            emit("search.changed", {"model_ids": sorted(m.pk for m in models.values())})
    return result


def _model_slug(row: dict) -> str:
    return (row.get("slug") or "").strip() or slugify(f"{row.get('brand', '')} {row.get('model', '')}")


def _import_row(row: dict, categories: dict, models: dict, result: ImportResult) -> None:
    image = row.get("image")
    if image:  # checked first: a refused image refuses its row before anything of it is written
        if not isinstance(image, bytes):
            raise DomainError("CATALOG_IMAGE_MISSING", f"The row's image cannot be read: {image!r}.")
        image_checked(image)
    missing = [c for c in ("category", "brand", "model") if not str(row.get(c) or "").strip()]
    if missing:
        raise DomainError("CATALOG_ROW_INCOMPLETE", f"Missing: {', '.join(missing)}.")
    category = categories.get(str(row["category"]).strip())
    if category is None:
        raise DomainError("CATALOG_CATEGORY_UNKNOWN", f"Unknown category {row['category']!r}; create it first.")
    storage = _storage(row.get("storage_gb"))
    colour = str(row.get("colour") or "").strip()[:40]
    year = str(row.get("release_year") or "").strip()
    if year and not (year.isdigit() and 1990 <= int(year) <= 2100):
        raise DomainError("CATALOG_YEAR_INVALID", f"Release year {year!r} is not a year.")
    new_prices = _new_prices(row)
    slug = _model_slug(row)
    model = models.get(slug)
    if model is None:
        model = ProductModel.objects.create(
            new_prices=new_prices,
            category=category,
            brand=str(row["brand"]).strip()[:60],
            name=str(row["model"]).strip()[:120],
            slug=slug,
            release_year=int(year) if year else None,
        )
        models[slug] = model
        result.models_created += 1
    elif model.category_id != category.pk:
        raise DomainError("CATALOG_CATEGORY_CONFLICT", f"{model} is already in {model.category}.")
    if new_prices and {**model.new_prices, **new_prices} != model.new_prices:
        model.new_prices = {**model.new_prices, **new_prices}
        model.save(update_fields=["new_prices"])
    _, created = Variant.objects.get_or_create(
        model=model, storage_gb=storage, colour=colour, defaults={"ean": str(row.get("ean") or "")[:14]}
    )
    if created:
        result.variants_created += 1
    else:
        result.unchanged += 1
    if image:
        before = model.images.count()
        product_image_add(model=model, data=image, colour=colour, alt=str(row.get("image_alt") or ""))
        result.images_added += model.images.count() - before


def _new_prices(row: dict) -> dict[str, int]:
    """{"EUR": 122900} from the row's `new_price_EUR` columns (blank ones ignored)."""
    prices = {}
    for key, value in row.items():
        if isinstance(key, str) and key.startswith(NEW_PRICE_PREFIX) and str(value or "").strip():
            currency = key.removeprefix(NEW_PRICE_PREFIX).strip().upper()
            if len(currency) != 3 or not currency.isalpha():
                raise DomainError("CATALOG_NEW_PRICE_INVALID", f"{key!r} does not end with a currency code.")
            minor = to_minor(str(value), currency)
            if minor <= 0:
                raise DomainError("CATALOG_NEW_PRICE_INVALID", "A price new is above zero.")
            prices[currency] = minor
    return prices


def category_save(*, category: Category) -> Category:
    """Create or change a category; a new commission rate applies to the next checkout in this process at once,
    in the others within a minute (selectors `category_commission_bp`)."""
    with transaction.atomic():
        category.save()
    category_rates_forget()
    return category


def category_delete(*, category: Category) -> None:
    with transaction.atomic():
        category.delete()
    category_rates_forget()
