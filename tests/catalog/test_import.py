import json

import pytest
from django.core.management import CommandError, call_command

from remarket.catalog.models import ProductModel, Variant
from remarket.catalog.services import catalog_import

from ..factories import CategoryFactory

pytestmark = pytest.mark.django_db


def test_import_creates_models_and_variants_and_reports_bad_rows():
    CategoryFactory()
    rows = [
        {"category": "smartphones", "brand": "Apple", "model": "iPhone 15", "storage_gb": "128", "colour": "Black"},
        {"category": "smartphones", "brand": "Apple", "model": "iPhone 15", "storage_gb": "1TB", "colour": "Pink"},
        {"category": "phones", "brand": "Apple", "model": "iPhone 15", "storage_gb": "128"},
        {"category": "smartphones", "brand": "", "model": "X"},
        {"category": "smartphones", "brand": "Apple", "model": "iPhone 15", "storage_gb": "lots"},
    ]
    result = catalog_import(rows=rows)
    assert (result.models_created, result.variants_created) == (1, 2)
    assert [(line, code) for line, code, _ in result.errors] == [
        (4, "CATALOG_CATEGORY_UNKNOWN"),
        (5, "CATALOG_ROW_INCOMPLETE"),
        (6, "CATALOG_STORAGE_INVALID"),
    ]
    assert sorted(Variant.objects.values_list("storage_gb", flat=True)) == [128, 1024]
    again = catalog_import(rows=rows[:2])
    assert (again.models_created, again.variants_created, again.unchanged) == (0, 0, 2)


def test_the_command_reads_csv_with_semicolons_and_json(tmp_path):
    CategoryFactory()
    csv_file = tmp_path / "catalog.csv"
    csv_file.write_text(
        "\ufeffcategory;brand;model;storage_gb;colour\nsmartphones;Google;Pixel 8;128;Obsidian\n", encoding="utf-8"
    )
    call_command("catalog_import", str(csv_file))
    json_file = tmp_path / "catalog.json"
    json_file.write_text(
        json.dumps(
            [{"category": "smartphones", "brand": "Google", "model": "Pixel 8", "storage_gb": 256, "colour": "Hazel"}]
        )
    )
    call_command("catalog_import", str(json_file))
    assert ProductModel.objects.get().slug == "google-pixel-8" and Variant.objects.count() == 2
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    with pytest.raises(CommandError):
        call_command("catalog_import", str(bad))
