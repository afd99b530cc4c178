"""The impact method (remarket/impact/calc.py) against its shipped sources: each category's figure is the
formula on ADEME's data, its range the spread of Boavizta's devices; a model in Boavizta's data gets its own
footprint; nothing is claimed without a source; each sale records its estimate and range, the rollups add them up,
and the pages show them."""

import csv
import json
import re
import statistics
from decimal import Decimal
from pathlib import Path

import pytest
from django.apps import apps as django_apps
from django.test import Client

from remarket.analytics.models import GmvRollup, SaleFact
from remarket.analytics.services import rollups_rebuild
from remarket.events.outbox import drain
from remarket.impact.calc import avoided, factors, model_factor

from ..factories import ListingFactory, ListingMarketFactory, ProductModelFactory, VariantFactory
from ..web.test_pages import buy

DATA = Path(__file__).resolve().parents[2] / "remarket" / "impact" / "data"


def _boavizta_new(subcategory: str, name_pattern: str | None = None, brand: str | None = None) -> list[float]:
    out = []
    with (DATA / "boavizta-data-us.csv").open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if row["subcategory"] != subcategory or not row["gwp_total"] or not row["gwp_use_ratio"]:
                continue
            if brand and row["manufacturer"] != brand:
                continue
            if name_pattern and not re.fullmatch(name_pattern, row["name"]):
                continue
            out.append(float(row["gwp_total"]) * (1 - float(row["gwp_use_ratio"])))
    return out


def test_each_category_is_the_formula_on_ademe_with_a_range_from_boavizta():
    ademe = {r["slug"]: r for r in json.loads((DATA / "ademe-impactco2-numerique.json").read_text())}
    phone = factors()["smartphone"]
    e_new = sum(Decimal(str(s["value"])) for s in ademe["smartphone"]["ecv"]) + Decimal(
        str(ademe["smartphone"].get("end", 0))
    )
    assert phone.e_new_kg == e_new == Decimal("85.3")
    assert phone.avoided_kg == Decimal("85.3") * 2 / 3 - Decimal("7.35")  # ≈ 49.5 kg, the method's example
    deciles = statistics.quantiles(_boavizta_new("Smartphone"), n=10)
    assert phone.e_new_low_kg == Decimal(str(round(deciles[0], 2)))  # makers declare less than ADEME counts
    assert phone.e_new_high_kg == Decimal("85.3")
    for f in factors().values():
        assert f.low_kg <= f.avoided_kg <= f.high_kg and f.low_kg < f.high_kg, f.key
    laptop = factors()["laptop"]
    assert laptop.e_new_high_kg == Decimal(str(round(statistics.quantiles(_boavizta_new("Laptop"), n=10)[-1], 2)))
    assert laptop.refurb_estimated and not phone.refurb_estimated


def test_a_model_in_boavizta_gets_its_own_footprint_and_a_lookalike_does_not():
    iphone13 = model_factor("smartphone", "Apple", "iPhone 13")
    rows = _boavizta_new("Smartphone", r"iPhone 13 (with )?\d+(GB|TB)", brand="Apple")
    assert rows and iphone13.e_new_kg == Decimal(str(round(statistics.median(rows), 2)))
    assert "iPhone 13" in iphone13.model and "Pro" not in iphone13.model and "mini" not in iphone13.model
    pro = model_factor("smartphone", "Apple", "iPhone 13 Pro")
    assert pro.e_new_kg != iphone13.e_new_kg and "Pro" in pro.model
    unknown = model_factor("smartphone", "Fairphone", "Fairphone 9")
    assert unknown == factors()["smartphone"]  # not in the data: the category's figure
    assert iphone13.low_kg <= iphone13.avoided_kg <= iphone13.high_kg


def test_nothing_is_claimed_for_a_category_without_a_source():
    assert model_factor("", "Sony", "WH-1000XM5") is None
    assert avoided("", 3) == avoided("console", 1) and avoided("", 3).co2e_g == 0


@pytest.mark.django_db
def test_a_sale_records_its_estimate_and_range_and_the_pages_show_them(marketplace, operator_user):
    model = ProductModelFactory(brand="Fairphone", name="Fairphone 9", slug="fairphone-9")  # the category's figure
    offer = ListingMarketFactory(market=marketplace.fr, listing=ListingFactory(variant=VariantFactory(model=model)))
    buy(Client(), offer)
    drain()
    fact = SaleFact.objects.get()
    phone = factors()["smartphone"]
    assert (fact.co2e_low_g, fact.co2e_avoided_g, fact.co2e_high_g) == (phone.low_g, phone.avoided_g, phone.high_g)
    rollup = GmvRollup.objects.values("co2e_low_g", "co2e_avoided_g", "co2e_high_g", "ewaste_avoided_g").get()
    rollups_rebuild()
    assert GmvRollup.objects.values("co2e_low_g", "co2e_avoided_g", "co2e_high_g", "ewaste_avoided_g").get() == rollup

    page = Client().get(f"/fr/p/{model.slug}/").content.decode()
    assert "≈ 50 kg CO₂e évités par rapport à un appareil neuf (estimation : 11 à 50 kg)" in page
    assert 'href="/fr/impact/"' in page
    public = Client().get("/fr/impact/").content.decode()
    assert "49,5 kg" in public and "10,9 et 49,5 kg" in public and "Boavizta" in public  # French numbers
    operator = Client()
    operator.force_login(operator_user)
    assert "range 10.9–49.5 kg" in operator.get("/ops/").content.decode()


@pytest.mark.django_db
def test_the_migration_fills_the_range_of_facts_recorded_before_it(marketplace):
    import importlib

    offer = ListingMarketFactory(market=marketplace.fr, listing=ListingFactory())
    buy(Client(), offer)
    drain()
    SaleFact.objects.update(co2e_low_g=0, co2e_high_g=0)
    GmvRollup.objects.update(co2e_low_g=0, co2e_high_g=0)
    migration = importlib.import_module("remarket.analytics.migrations.0002_impact_range")
    migration.ranges_fill(django_apps, None)
    fact = SaleFact.objects.select_related("order_line__listing__variant__model").get()
    model = fact.order_line.listing.variant.model
    factor = model_factor("smartphone", model.brand, model.name)
    assert (fact.co2e_low_g, fact.co2e_high_g) == (factor.low_g * fact.quantity, factor.high_g * fact.quantity)
    assert GmvRollup.objects.get().co2e_high_g == fact.co2e_high_g


@pytest.mark.django_db
def test_the_order_page_shows_what_the_order_avoids_and_grades_by_name(marketplace):
    model = ProductModelFactory(brand="Fairphone", name="Fairphone 9", slug="fairphone-9")
    offer = ListingMarketFactory(market=marketplace.fr, listing=ListingFactory(variant=VariantFactory(model=model)))
    shopper = Client()
    url = buy(shopper, offer)["Location"]
    page = shopper.get(url).content.decode()
    assert "vous évitez environ 49,5 kg CO₂e" in page and "(estimation : 10,9 à 49,5 kg)" in page
    assert ">Parfait état<" in page and ">EXCELLENT<" not in page  # the grade by its name, not its code
