"""Searches read `search_entry` per market × model (joined to the text match, or every model of a market) and
need its grade, storage, colour, price, offers, category, brand and release year: with the index on
(market, model) alone, every entry costs a heap fetch — at 500 k listings, a broad word with a grade filter
read ~30,000 pages. A covering index makes those reads index-only (~9,000 pages for the same search).

PostgreSQL: key (market_id, model_id, grade), the rest INCLUDEd. SQLite has no INCLUDE: the columns are key
columns, and SQLite reads a covering index alone just the same. It replaces the (market, model) index, whose
lookups it serves."""

from importlib import import_module

from django.db import migrations

VendorSQL = import_module("remarket.search.migrations.0002_fulltext").VendorSQL

COVERED = "storage_gb, price_minor, offers, category_id, brand, colour, release_year"
POSTGRES = [f"CREATE INDEX search_entry_cover ON search_entry (market_id, model_id, grade) INCLUDE ({COVERED})"]
SQLITE = [f"CREATE INDEX search_entry_cover ON search_entry (market_id, model_id, grade, {COVERED})"]
REVERSE = ["DROP INDEX IF EXISTS search_entry_cover"]


class Migration(migrations.Migration):
    dependencies = [("search", "0002_fulltext")]

    operations = [
        migrations.RemoveIndex(model_name="searchentry", name="search_entry_market_model"),
        VendorSQL("postgresql", POSTGRES, REVERSE),
        VendorSQL("sqlite", SQLITE, REVERSE),
    ]
