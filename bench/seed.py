"""A minimal marketplace for the benchmarks, used only when `manage.py demo` is not available.

Run by bench/run.py in a subprocess with DJANGO_SETTINGS_MODULE and DATABASE_URL set:

    python bench/seed.py --variants 50000 --listings 500000 --merchants 1800

It writes through the domain models (bulk_create in batches) into an empty, migrated database:
a few markets with their web channels, a small category tree, product models with storage × colour
variants, merchants (mostly active, some suspended or applied), listings spread over variants with a
skewed popularity (so the top models carry a few hundred to a couple of thousand offers, as on a real
marketplace) and their terms in one to three markets. Deterministic for a given seed."""

import argparse
import datetime as dt
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

MARKETS = [  # code, currency, language, time zone, VAT bp, prices include tax
    ("FR", "EUR", "fr-FR", "Europe/Paris", 2000, True),
    ("DE", "EUR", "de-DE", "Europe/Berlin", 1900, True),
    ("ES", "EUR", "es-ES", "Europe/Madrid", 2100, True),
    ("IT", "EUR", "it-IT", "Europe/Rome", 2200, True),
    ("GB", "GBP", "en-GB", "Europe/London", 2000, True),
    ("US", "USD", "en-US", "America/New_York", 0, False),
]
CATEGORIES = [  # slug, name, impact key, brands, storages, base price in euros
    (
        "smartphones",
        "Smartphones",
        "smartphone",
        ["Apple", "Samsung", "Google", "Xiaomi", "OnePlus"],
        [64, 128, 256, 512],
        420,
    ),
    ("tablets", "Tablets", "tablet", ["Apple", "Samsung", "Lenovo"], [64, 128, 256], 380),
    ("laptops", "Laptops", "laptop", ["Apple", "Lenovo", "Dell", "HP", "Asus"], [256, 512, 1024], 760),
    ("smartwatches", "Smartwatches", "smartwatch", ["Apple", "Samsung", "Garmin"], [None], 210),
    ("consoles", "Consoles", "console", ["Sony", "Nintendo", "Microsoft"], [512, 1024], 300),
]
COLOURS = ["Black", "White", "Blue", "Red", "Green", "Purple", "Silver", "Gold", "Graphite", "Pink"]
GRADES = ["PREMIUM", "EXCELLENT", "VERY_GOOD", "GOOD", "FAIR"]
GRADE_FACTOR = {"PREMIUM": 1.0, "EXCELLENT": 0.86, "VERY_GOOD": 0.78, "GOOD": 0.70, "FAIR": 0.62}
GRADE_WEIGHT = [0.05, 0.25, 0.30, 0.28, 0.12]
NOW = dt.datetime(2026, 11, 2, 10, 0, tzinfo=dt.UTC)
BATCH = 10_000


def log(message: str) -> None:
    print(f"  seed: {message}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--variants", type=int, default=50_000)
    parser.add_argument("--listings", type=int, default=500_000)
    parser.add_argument("--merchants", type=int, default=1_800)
    parser.add_argument("--seed", type=int, default=20261102)
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "remarket.settings.local")
    import django

    django.setup()
    from django.db import transaction

    from remarket.catalog.models import Category, ProductModel, Variant
    from remarket.markets.models import Channel, Market
    from remarket.merchants.models import Merchant
    from remarket.offers.models import Listing, ListingMarket

    if ProductModel.objects.exists():
        sys.exit("seed: the database already has a catalog; bench/run.py seeds only a fresh database")
    rng = random.Random(args.seed)
    started = time.perf_counter()

    with transaction.atomic():
        markets = {}
        for code, currency, language, tz, _vat, incl in MARKETS:
            markets[code] = Market.objects.create(
                code=code, country=code, currency=currency, language=language, time_zone=tz, prices_include_tax=incl
            )
            Channel.objects.create(code=f"web-{code.lower()}", kind="web", market=markets[code])

        # Product models: each has storages × colours variants; ~10 variants a model on average.
        categories = []
        for slug, name, impact, brands, storages, eur in CATEGORIES:
            categories.append((Category.objects.create(slug=slug, name=name, impact_key=impact), brands, storages, eur))
        models, specs = [], []
        made_variants = 0
        n = 0
        while made_variants < args.variants:
            category, brands, storages, eur = categories[n % len(categories)]
            brand = brands[(n // len(categories)) % len(brands)]
            year = 2016 + n % 10
            colours = rng.sample(COLOURS, rng.randint(2, 4))
            count = len(storages) * len(colours)
            slug = f"{brand.lower()}-{category.slug[:-1]}-{n + 1}"
            models.append(
                ProductModel(
                    category=category,
                    brand=brand,
                    name=f"{category.name[:-1]} {n + 1}",
                    slug=slug,
                    release_year=year,
                    specs={"year": year},
                )
            )
            specs.append((storages, colours, eur * (0.6 + 0.08 * (year - 2016))))
            made_variants += count
            n += 1
        ProductModel.objects.bulk_create(models, batch_size=BATCH)
        variants, variant_price = [], []
        for model, (storages, colours, eur) in zip(models, specs):
            for s_rank, storage in enumerate(storages):
                for colour in colours:
                    variants.append(
                        Variant(model=model, storage_gb=storage, colour=colour, ean=f"{rng.randrange(10**12, 10**13)}")
                    )
                    variant_price.append(eur * (1 + 0.18 * s_rank))
        Variant.objects.bulk_create(variants, batch_size=BATCH)
        log(f"{len(models)} models, {len(variants)} variants ({time.perf_counter() - started:.0f} s)")

        # Merchants: 92 % active or warned or limited, the rest suspended or applied (their offers are hidden).
        statuses = ["active"] * 84 + ["warned"] * 5 + ["limited"] * 3 + ["suspended"] * 5 + ["applied"] * 3
        countries = ["FR"] * 40 + ["DE"] * 15 + ["ES"] * 10 + ["IT"] * 10 + ["GB"] * 10 + ["US"] * 15
        merchants = [
            Merchant(
                name=f"Refurb Works {i:04d}",
                slug=f"refurb-works-{i:04d}",
                country=rng.choice(countries),
                status=rng.choice(statuses),
                is_first_party=(i == 0),
                created_at=NOW,
            )
            for i in range(args.merchants)
        ]
        Merchant.objects.bulk_create(merchants, batch_size=BATCH)
        merchant_weight = [1 / (i + 5) ** 0.9 for i in range(len(merchants))]  # a few big sellers, a long tail

        # Popularity: models in a Zipf-like order (rank among models), spread evenly over their variants.
        model_order = list(range(len(models)))
        rng.shuffle(model_order)
        model_weight = [0.0] * len(models)
        for rank, index in enumerate(model_order):
            model_weight[index] = 1 / (rank + 40) ** 1.0
        index_of_model = {m.pk: i for i, m in enumerate(models)}
        variant_weight = [model_weight[index_of_model[v.model_id]] for v in variants]

        chosen_variants = rng.choices(range(len(variants)), weights=variant_weight, k=args.listings)
        chosen_merchants = rng.choices(range(len(merchants)), weights=merchant_weight, k=args.listings)
        chosen_grades = rng.choices(GRADES, weights=GRADE_WEIGHT, k=args.listings)
        other_markets = [c for c, *_ in MARKETS if c != "FR"]
        for start in range(0, args.listings, BATCH):
            listings, prices = [], []
            for i in range(start, min(start + BATCH, args.listings)):
                variant, merchant = variants[chosen_variants[i]], merchants[chosen_merchants[i]]
                grade = chosen_grades[i]
                listings.append(
                    Listing(
                        merchant_id=merchant.pk,
                        variant_id=variant.pk,
                        grade=grade,
                        sku=f"BX-{i:07d}",
                        quantity=rng.choice((0, 1, 1, 2, 3, 5, 8, 12)),
                        warranty_months=rng.choice((12, 12, 12, 24)),
                        updated_at=NOW,
                    )
                )
                prices.append(variant_price[chosen_variants[i]] * GRADE_FACTOR[grade] * rng.uniform(0.92, 1.12))
            Listing.objects.bulk_create(listings)
            terms = []
            for listing, eur in zip(listings, prices):
                codes = (
                    ["FR"] + rng.sample(other_markets, rng.randint(0, 2))
                    if rng.random() < 0.8
                    else rng.sample(other_markets, rng.randint(1, 2))
                )
                for code in codes:
                    market = markets[code]
                    factor = {"GBP": 0.86, "USD": 1.08}.get(market.currency, 1.0)
                    price = max(100, round(eur * factor * 100))
                    terms.append(
                        ListingMarket(
                            listing_id=listing.pk,
                            market_id=market.pk,
                            currency=market.currency,
                            price_minor=price,
                            min_price_minor=round(price * 0.9),
                            max_price_minor=round(price * 1.2),
                            published=rng.random() < 0.97,
                        )
                    )
            ListingMarket.objects.bulk_create(terms)
            if (start // BATCH) % 10 == 9:
                log(f"{start + len(listings)} listings ({time.perf_counter() - started:.0f} s)")
    from django.db import connection

    from remarket.offers.summaries import summaries_rebuild

    log(f"{summaries_rebuild()} grade summaries (the product page's) built")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    log(f"done in {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
