"""Feed updates of listings and their market terms become HOT on PostgreSQL: the new row version stays in its
page and no index is written.

- No index holds a column a feed changes: the terms' (market, published, price_minor) index becomes (market,
  published) — nothing reads prices through it, and with the price in it every price change wrote all three
  indexes of the table —, and the listings' (variant_id) index goes, (variant_id, grade) starts with it.
- Fillfactor 50 instead of 80 (migration 0006): a merchant's feed changes all of its listings in one
  transaction, so each page needs room for a new version of every row it holds; with 20 % free, 78 % of the
  listing updates could not stay in their page (100 k listings, two passes). The space of the old versions is
  reclaimed as the next transaction reads the page. Applies to pages written from now on: `VACUUM FULL
  offers_listing, offers_listingmarket` (an exclusive lock) or pg_repack rewrites the existing ones.
Nothing to do on SQLite for the fillfactor, which updates rows in place."""

import django.db.models.deletion
from django.db import migrations, models

TABLES = {"offers_listing": 50, "offers_listingmarket": 50}
BEFORE = {"offers_listing": 80, "offers_listingmarket": 80}


def _fillfactor(percents):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for table, percent in percents.items():
                schema_editor.execute(f"ALTER TABLE {table} SET (fillfactor = {int(percent)})", None)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0004_category_commission_bp"),
        ("markets", "0003_load_tax_rates"),
        ("offers", "0007_fewer_indexes"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="listingmarket",
            index=models.Index(fields=["market", "published"], name="offers_terms_market_published"),
        ),
        migrations.RemoveIndex(
            model_name="listingmarket",
            name="offers_list_market__f1b3ba_idx",
        ),
        migrations.AlterField(
            model_name="listing",
            name="variant",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="listings",
                to="catalog.variant",
            ),
        ),
        migrations.RunPython(_fillfactor(TABLES), _fillfactor(BEFORE), elidable=False),
    ]
