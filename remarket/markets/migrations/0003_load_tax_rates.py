"""Loads markets/data/tax-rates.json; later rate changes arrive as new rows with their validity dates."""

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data" / "tax-rates.json"


def load(apps, schema_editor):
    TaxRate = apps.get_model("markets", "TaxRate")
    rows = json.loads(DATA.read_text())["rates"]
    known = set(TaxRate.objects.values_list("country", "region", "valid_from"))
    TaxRate.objects.bulk_create(
        [
            TaxRate(
                country=r["country"],
                region=r["region"],
                kind=r["kind"],
                rate=Decimal(r["rate"]),
                valid_from=dt.date.fromisoformat(r["valid_from"]),
                valid_to=dt.date.fromisoformat(r["valid_to"]) if r["valid_to"] else None,
                shipping_taxable=r["shipping_taxable"],
                postcode_prefixes=r.get("postcode_prefixes", []),
                note=r.get("note", ""),
            )
            for r in rows
            if (r["country"], r["region"], dt.date.fromisoformat(r["valid_from"])) not in known
        ]
    )


class Migration(migrations.Migration):
    dependencies = [("markets", "0002_tax_rates")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
