import pytest
from django.core.management import CommandError, call_command

from remarket.offers.models import Listing, ListingMarket

from ..factories import MerchantFactory, VariantFactory

pytestmark = pytest.mark.django_db


def test_the_bulk_import_applies_a_file_beyond_the_ws_limit(tmp_path, marketplace, settings):
    settings.FEED_MAX_ROWS = 10  # the /ws/ limit does not apply to the command line
    merchant, variant = MerchantFactory(slug="acme"), VariantFactory()
    lines = ["sku;quantity;price;min_price;grade;product_id"]
    lines += [f"ACME-{i};{i % 5};{100 + i},50;90;GOOD;{variant.public_id}" for i in range(25)]
    lines.append("ACME-BAD;2;-3;;GOOD;" + str(variant.public_id))
    path = tmp_path / "feed.csv"
    path.write_text("\n".join(lines), encoding="latin-1")
    with pytest.raises(CommandError, match="1 rows refused"):
        call_command("listings_import", str(path), merchant="acme", market="FR")
    assert Listing.objects.filter(merchant=merchant).count() == 25
    assert ListingMarket.objects.get(listing__sku="ACME-7").price_minor == 10750


def test_unknown_merchant_or_file_is_a_clear_error(tmp_path, marketplace):
    with pytest.raises(CommandError, match="No file"):
        call_command("listings_import", str(tmp_path / "none.csv"), merchant="x")
    (tmp_path / "f.csv").write_text("sku;quantity\nA;1\n")
    with pytest.raises(CommandError, match="No merchant"):
        call_command("listings_import", str(tmp_path / "f.csv"), merchant="nobody")
