"""PostgreSQL: leave free space in the pages of the listings and their market terms, so that the updates of a
feed (quantity, price, score, updated_at) can be HOT — the new row version stays in its page and, for the
columns no index covers, no index is touched. A full page forces every index of the table to be updated for
every row a feed changes. Applies to pages written from now on (a `VACUUM FULL` rewrites the existing ones).
Nothing to do on SQLite, which updates rows in place."""

from django.db import migrations

TABLES = {"offers_listing": 80, "offers_listingmarket": 80}


def fillfactor(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for table, percent in TABLES.items():
            schema_editor.execute(f"ALTER TABLE {table} SET (fillfactor = {int(percent)})", None)


def fillfactor_reset(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for table in TABLES:
            schema_editor.execute(f"ALTER TABLE {table} RESET (fillfactor)", None)


class Migration(migrations.Migration):
    dependencies = [("offers", "0005_listing_vat_scheme")]

    operations = [migrations.RunPython(fillfactor, fillfactor_reset, elidable=False)]
