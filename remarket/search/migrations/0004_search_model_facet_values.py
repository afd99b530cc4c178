"""PostgreSQL: each per-model row carries the facet values its model is offered in (`search_model_value`'s
rows, as 'facet:value' items of a text array), so that a search counts the grade, storage, colour and price
facets of the models it matched from the rows it has already read (`unnest`) instead of probing
`search_model_value` once per model — at 500 k listings, a prefix search matching 2,500 models made 7,700
buffer reads there. Kept by search/services.py `_models_sync`. SQLite keeps counting from
`search_model_value` (no arrays)."""

from importlib import import_module

from django.db import migrations

VendorSQL = import_module("remarket.search.migrations.0002_fulltext").VendorSQL

POSTGRES = [
    "ALTER TABLE search_model ADD COLUMN facet_values text[] NOT NULL DEFAULT '{}'",
    "UPDATE search_model m SET facet_values = v.items FROM (SELECT market_id, model_id, "
    "array_agg(facet || ':' || value ORDER BY facet, value) AS items FROM search_model_value "
    "GROUP BY market_id, model_id) AS v WHERE m.market_id = v.market_id AND m.model_id = v.model_id",
]
REVERSE = ["ALTER TABLE search_model DROP COLUMN IF EXISTS facet_values"]


class Migration(migrations.Migration):
    dependencies = [("search", "0003_search_entry_covering")]

    operations = [VendorSQL("postgresql", POSTGRES, REVERSE)]
