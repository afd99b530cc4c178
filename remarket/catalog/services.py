"""Catalog writes: the operator's import of models and variants, and the categories' saves (the Django admin's
edits call them)."""

from dataclasses import dataclass, field

from django.db import transaction
from django.utils.text import slugify

from remarket.core.errors import DomainError
from remarket.events.outbox import emit

from .models import Category, ProductModel, Variant
from .selectors import category_rates_forget

COLUMNS = ("category", "brand", "model", "storage_gb", "colour")


@dataclass
class ImportResult:
    models_created: int = 0
    variants_created: int = 0
    unchanged: int = 0
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
    slug = _model_slug(row)
    model = models.get(slug)
    if model is None:
        model = ProductModel.objects.create(
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
    _, created = Variant.objects.get_or_create(
        model=model, storage_gb=storage, colour=colour, defaults={"ean": str(row.get("ean") or "")[:14]}
    )
    if created:
        result.variants_created += 1
    else:
        result.unchanged += 1


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
