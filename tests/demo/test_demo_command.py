"""`remarket demo` at a small scale (5 merchants, 300 listings, 400 orders), built once for the module."""

import csv
import datetime as dt
import re
import stat
from collections import Counter, defaultdict
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Count, F, Sum

from remarket.accounts.models import ApiToken, Role, User
from remarket.accounts.services import api_token_user
from remarket.analytics.models import GmvRollup, RefundFact, SaleFact
from remarket.catalog.grades import Grade
from remarket.catalog.models import Category, ProductModel, Variant
from remarket.ledger.calc import sale_entries
from remarket.ledger.models import Account, LedgerEntry, LedgerTransaction
from remarket.ledger.services import line_money, shipping_money
from remarket.markets.models import Channel, FxRate, Location, Market, Partner, TaxRate
from remarket.merchants.models import Merchant
from remarket.offers.models import Listing, ListingMarket, LocationStock
from remarket.orders.models import Order, OrderLine, Shipment, SubOrder
from remarket.orders.states import order_state_from_lines
from remarket.payments.models import PaymentIntent, SandboxCharge

from .conftest import NOW, SMALL

PICKUPS = 12  # remarket/demo/pickups.py FATES
TRADE_IN_SALES = 1  # remarket/demo/buyback.py: a refurbished phone paid with a trade-in credit at a corner
pytestmark = pytest.mark.django_db
COMMUNES = "remarket/markets/data/fr-communes.csv"


def test_six_markets_with_their_currency_language_zone_and_tax(demo):
    assert list(
        Market.objects.order_by("code").values_list("code", "currency", "language", "time_zone", "prices_include_tax")
    ) == [
        ("DE", "EUR", "de-DE", "Europe/Berlin", True),
        ("ES", "EUR", "es-ES", "Europe/Madrid", True),
        ("FR", "EUR", "fr-FR", "Europe/Paris", True),
        ("GB", "GBP", "en-GB", "Europe/London", True),
        ("IT", "EUR", "it-IT", "Europe/Rome", True),
        ("US", "USD", "en-US", "America/New_York", False),
    ]
    assert set(Channel.objects.values_list("code", "kind", "market__code")) == {
        ("web-fr", "web", "FR"),
        ("web-us", "web", "US"),
        ("web-de", "web", "DE"),
        ("web-es", "web", "ES"),
        ("web-it", "web", "IT"),
        ("web-gb", "web", "GB"),
        ("store-us", "store", "US"),
        ("partner-fr", "partner", "FR"),
    }
    assert Channel.objects.get(code="partner-fr").partner == Partner.objects.get()
    store = Location.objects.get(channel__code="store-us")
    assert (store.code, store.name, store.town, store.postcode) == (
        "nyc-soho",
        "remarket New York — SoHo",
        "New York",
        "10012",
    )
    assert FxRate.objects.filter(currency="EUR").count() > 300
    assert FxRate.objects.filter(currency="GBP").exists()


def _mainland_populations() -> dict[str, int]:
    """Population per commune, arrondissements counted in their city, from the shipped file."""
    population: dict[str, int] = defaultdict(int)
    with open(COMMUNES, encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if row["insee_dep"].startswith("97"):
                continue
            if row["commune_type"] == "ARM":
                population[row["insee_parente"]] += int(row["population_2021"])
            else:  # one row per postcode, each with the commune's population
                population[row["insee_com"]] = int(row["population_2021"])
    return population


def test_500_partner_points_of_sale_in_distinct_towns_largest_first(demo):
    locations = list(Location.objects.filter(channel__code="partner-fr").order_by("pk"))
    assert len(locations) == 500
    assert len({l.town for l in locations}) == 500
    assert len({l.insee_code for l in locations}) == 500
    assert [l.town for l in locations[:5]] == ["Paris", "Marseille", "Lyon", "Toulouse", "Nice"]
    assert (locations[0].insee_code, locations[0].postcode, locations[0].name) == ("75056", "75001", "Ondaline Paris")
    population = _mainland_populations()
    chosen = [population[l.insee_code] for l in locations]
    assert chosen == sorted(chosen, reverse=True)
    bigger = {code for code, n in population.items() if n > chosen[-1]}
    assert bigger <= {l.insee_code for l in locations}
    assert all(re.fullmatch(r"\d{5}", l.postcode) and l.latitude and l.longitude for l in locations)
    assert all(41 < l.latitude < 52 and -5.5 < l.longitude < 10 for l in locations)


def test_catalog_of_real_models_with_impact_keys(demo):
    assert dict(Category.objects.values_list("slug", "impact_key")) == {
        "smartphones": "smartphone",
        "tablets": "tablet",
        "laptops": "laptop",
        "desktops": "desktop",
        "consoles": "",
        "smartwatches": "",
        "audio": "",
    }
    assert ProductModel.objects.count() >= 60
    assert 300 <= Variant.objects.count() <= 1500
    pro = ProductModel.objects.get(slug="iphone-15-pro")
    assert (pro.brand, pro.name, pro.release_year, pro.category.slug) == ("Apple", "iPhone 15 Pro", 2023, "smartphones")
    variants = pro.variants.all()
    assert {v.storage_gb for v in variants} == {128, 256, 512, 1024}
    assert {v.colour for v in variants} == {"Black Titanium", "White Titanium", "Blue Titanium", "Natural Titanium"}
    for slug in (
        "galaxy-s24",
        "pixel-8",
        "macbook-air-13-inch-m2-2022",
        "sony-playstation-5",
        "nintendo-switch-oled-model",
        "ipad-air-5th-generation",
        "airpods-pro-2nd-generation",
        "microsoft-xbox-series-x",
    ):
        assert ProductModel.objects.filter(slug=slug).exists(), slug


def test_merchants_each_with_one_staff_login_and_one_token(demo):
    assert Merchant.objects.count() == SMALL["merchants"] + 1
    first = Merchant.objects.get(is_first_party=True)
    assert (first.name, first.status) == ("remarket", "active")
    # statuses are the quality review's verdict on the year of orders (a limit is never lifted automatically)
    for merchant in Merchant.objects.all():
        review = merchant.metrics.latest("computed_at")
        assert (merchant.status, merchant.quality_score) == (review.status_after, review.quality_score)
    assert Merchant.objects.filter(status="limited").exists()
    assert all(m.created_at < NOW - dt.timedelta(days=365) for m in Merchant.objects.all())
    staff = Counter(User.objects.filter(role=Role.MERCHANT).values_list("merchant_id", flat=True))
    assert staff == {m.pk: 1 for m in Merchant.objects.all()}
    tokens = Counter(ApiToken.objects.values_list("user__merchant_id", flat=True))
    assert tokens == {m.pk: 1 for m in Merchant.objects.all()}


def test_credentials_file_has_the_logins_and_they_work(demo):
    creds = demo.credentials
    assert list(creds) == ["operator", "merchants", "clerks", "customers", "partner_managers"]
    assert set(creds["operator"]) == {"username", "password"}
    assert all(set(m) == {"name", "username", "password", "api_token"} for m in creds["merchants"])
    assert all(set(c) == {"location", "username", "password"} for c in creds["clerks"])
    assert all(set(c) == {"email", "password"} for c in creds["customers"])
    assert stat.S_IMODE(demo.credentials_path.stat().st_mode) == 0o600

    operator = User.objects.get(username=creds["operator"]["username"])
    assert (operator.role, operator.is_superuser, operator.is_staff) == (Role.OPERATOR, True, True)
    assert operator.check_password(creds["operator"]["password"])
    assert sorted(m["name"] for m in creds["merchants"]) == sorted(Merchant.objects.values_list("name", flat=True))
    for entry in creds["merchants"]:
        user = api_token_user(secret=entry["api_token"])
        assert (user.username, user.merchant.name) == (entry["username"], entry["name"])
        assert user.check_password(entry["password"])
    clerks = {c["username"]: c for c in creds["clerks"]}
    assert len(clerks) == 4
    nyc = User.objects.get(username="clerk-nyc-soho")
    assert (nyc.role, nyc.location.code, clerks["clerk-nyc-soho"]["location"]) == (
        Role.CLERK,
        "nyc-soho",
        "remarket New York — SoHo",
    )
    for username, entry in clerks.items():
        user = User.objects.get(username=username)
        assert user.check_password(entry["password"]) and user.location.name == entry["location"]
    assert User.objects.filter(role=Role.CLERK, location__channel__code="partner-fr").count() == 3
    assert len(creds["customers"]) == 6
    for entry in creds["customers"]:
        user = User.objects.get(email=entry["email"])
        assert user.role == Role.CUSTOMER and user.check_password(entry["password"])
        assert entry["email"].endswith("@example.com")


def test_listings_are_valid_and_priced_in_each_market_currency(demo):
    assert Listing.objects.count() == SMALL["listings"]
    assert not Listing.objects.annotate(n=Count("terms")).filter(n=0).exists()
    assert set(Listing.objects.values_list("grade", flat=True)) <= set(Grade.values)
    assert not Listing.objects.filter(warranty_months__lt=12).exists()
    assert not Listing.objects.filter(quantity__lt=0).exists() and not Listing.objects.filter(quantity__gt=20).exists()
    assert Listing.objects.filter(quantity__gt=0).count() > 0.7 * SMALL["listings"]
    assert not ListingMarket.objects.exclude(currency=F("market__currency")).exists()
    assert not ListingMarket.objects.filter(price_minor__lte=0).exists()
    assert not ListingMarket.objects.filter(min_price_minor__gt=F("price_minor")).exists()
    assert not ListingMarket.objects.filter(max_price_minor__lt=F("price_minor")).exists()
    assert ListingMarket.objects.filter(min_price_minor__lt=F("price_minor")).count() == ListingMarket.objects.count()
    assert all(t.price_minor % 100 == 0 for t in ListingMarket.objects.exclude(market__code="US"))
    assert all(t.price_minor % 100 == 99 for t in ListingMarket.objects.filter(market__code="US"))


def test_first_party_sells_phones_with_units_on_store_and_partner_counters(demo):
    first = Merchant.objects.get(is_first_party=True)
    assert set(Listing.objects.filter(merchant=first).values_list("variant__model__category__slug", flat=True)) == {
        "smartphones"
    }
    stock = LocationStock.objects.select_related("location__channel", "listing")
    assert {s.listing.merchant_id for s in stock} == {first.pk}
    assert stock.filter(location__code="nyc-soho", available__gt=0).exists()
    assert stock.filter(location__channel__code="partner-fr", available__gt=0).exists()


def test_every_merchant_has_suborders_in_each_state_it_handles(demo):
    states = defaultdict(set)
    for merchant_id, state in SubOrder.objects.values_list("merchant_id", "state"):
        states[merchant_id].add(state)
    assert set(states) == set(Merchant.objects.values_list("pk", flat=True))
    assert all(s >= {10, 8, 1, 3, 9} for s in states.values()), states


def test_states_derive_from_lines_and_totals_add_up(demo):
    orders = list(Order.objects.select_related("market").prefetch_related("suborders__lines"))
    assert len(orders) == SMALL["orders"] + PICKUPS + TRADE_IN_SALES
    for order in orders:
        all_states = []
        for sub in order.suborders.all():
            lines = list(sub.lines.all())
            assert sub.state == order_state_from_lines(l.state for l in lines)
            sales_tax = sum(l.tax_minor for l in lines if l.tax_scheme == "sales_tax")  # on top of US prices
            assert sub.total_minor == sum(l.total_minor for l in lines) + sales_tax
            assert all(l.total_minor == l.unit_price_minor * l.quantity and l.currency == order.currency for l in lines)
            all_states += [l.state for l in lines]
        assert order.state == order_state_from_lines(all_states)
        assert order.total_minor == sum(s.total_minor for s in order.suborders.all())
        assert order.currency == order.market.currency


def test_a_year_of_orders_across_markets_and_channels(demo):
    created = list(Order.objects.values_list("created_at", flat=True))
    assert NOW - dt.timedelta(days=365) <= min(created) and max(created) <= NOW
    by_market = Counter(Order.objects.values_list("market__code", flat=True))
    assert set(by_market) == {"FR", "US", "DE", "ES", "IT", "GB"}
    assert by_market.most_common(1)[0][0] == "FR"
    kinds = Counter(Order.objects.values_list("channel__kind", flat=True))
    assert set(kinds) == {"web", "store", "partner"}
    assert not Order.objects.filter(channel__kind="web", location__isnull=False).exists()
    assert not Order.objects.exclude(channel__kind="web").filter(location__isnull=True).exists()
    assert not Order.objects.exclude(channel__market=F("market")).exists()
    half = NOW - dt.timedelta(days=182)
    assert Order.objects.filter(created_at__gte=half).count() > Order.objects.filter(created_at__lt=half).count()


def test_payments_holds_and_shipments_match_the_states(demo):
    for order in Order.objects.select_related("payment", "hold"):
        intent, hold = order.payment, order.hold
        assert intent.amount_minor == order.total_minor and intent.currency == order.currency
        if order.state == 10:
            assert intent.status in ("created", "requires_action")
            assert hold.released_at is None and hold.expires_at > NOW
        elif order.state == 8:
            assert (intent.status, hold.outcome) == ("failed", "released")
        else:
            assert (intent.status, hold.outcome) == ("captured", "sold")
    assert set(SandboxCharge.objects.values_list("ref", "status")) == set(
        PaymentIntent.objects.exclude(gateway_ref="")
        .exclude(gateway_ref__startswith="cash-")  # the till's sale paid by a trade-in credit and cash
        .values_list("gateway_ref", "status")
    )
    shipped = set(SubOrder.objects.filter(state=9).values_list("pk", flat=True))
    assert set(Shipment.objects.values_list("suborder_id", flat=True)) == shipped
    # shipped, or (a parcel not collected) refunded after shipping
    assert not OrderLine.objects.filter(suborder__state=9).exclude(state__in=(3, 6)).exists()


def test_ledger_has_one_balanced_sale_per_paid_suborder(demo):
    # the history's (the pickups, made through checkout, are refunded or bear a partner's commission too)
    paid = SubOrder.objects.filter(state__in=(1, 3, 9), order__pickup_location__isnull=True)
    sales = LedgerTransaction.objects.filter(kind="sale", order__pickup_location__isnull=True)
    assert sorted(sales.values_list("suborder_id", flat=True)) == sorted(paid.values_list("pk", flat=True))
    assert not sales.annotate(total=Sum("entries__amount_minor")).exclude(total=0).exists()
    for sub in paid.select_related("merchant", "order").prefetch_related("lines"):
        lines = list(sub.lines.all())
        expected = sale_entries(
            merchant_id=sub.merchant_id,
            currency=sub.order.currency,
            lines=[line_money(l) for l in lines],
            shipping=shipping_money(sub),
        )
        assert sorted(
            LedgerEntry.objects.filter(transaction__suborder=sub)
            .exclude(transaction__kind__startswith="partner_")
            .values_list("account", "line", "merchant_id", "amount_minor", "currency")
        ) == sorted((e.account, e.line, e.merchant_id, e.amount_minor, e.currency) for e in expected)
        assert sub.total_minor == sum(e.amount_minor for e in expected if e.account == Account.GATEWAY_CLEARING)


def test_demo_lines_carry_their_tax_and_commission(demo):
    lines = OrderLine.objects.filter(suborder__state__in=(1, 3, 9))
    assert set(lines.values_list("tax_scheme", flat=True)) == {"vat", "margin", "sales_tax"}
    assert not lines.exclude(tax_scheme="margin").filter(tax_minor=0, tax_rate__gt=0).exists()
    assert not lines.filter(commission_minor=0).exclude(commission_bp=0).exists()
    store = lines.filter(suborder__order__location__code="nyc-soho")
    assert set(store.values_list("tax_rate", flat=True)) == {Decimal("0.08875")}


def test_sale_facts_for_every_paid_line_and_rollups_that_sum_them(demo):
    paid_lines = OrderLine.objects.filter(suborder__state__in=(1, 3, 9))
    real = SaleFact.objects.filter(order_line__isnull=False)
    assert sorted(real.values_list("order_line_id", flat=True)) == sorted(paid_lines.values_list("pk", flat=True))
    assert real.aggregate(s=Sum("gmv_minor"))["s"] == paid_lines.aggregate(s=Sum("total_minor"))["s"]
    facts = SaleFact.objects.aggregate(gmv=Sum("gmv_eur_minor"), units=Sum("quantity"), co2e=Sum("co2e_avoided_g"))
    refunds = RefundFact.objects.aggregate(gmv=Sum("gmv_eur_minor"), units=Sum("quantity"), co2e=Sum("co2e_avoided_g"))
    rollups = GmvRollup.objects.aggregate(gmv=Sum("gmv_eur_minor"), units=Sum("units"), co2e=Sum("co2e_avoided_g"))
    assert {k: facts[k] + (refunds[k] or 0) for k in facts} == rollups and facts["co2e"] > 0
    summarised = SaleFact.objects.filter(order_line__isnull=True).values("order_id").distinct().count()
    assert GmvRollup.objects.aggregate(n=Sum("orders"))["n"] == (
        Order.objects.filter(state__in=(1, 3, 9)).count() + summarised
    )


def test_the_standard_demo_has_three_years_of_sales(demo):
    """Its year of orders, and the two summarised years before it on the same curve: year-on-year shows."""
    months = sorted(GmvRollup.objects.values_list("month", flat=True).distinct())
    assert months[0] <= dt.date(2023, 12, 1) and months[-1] == dt.date(2026, 11, 1)
    assert len(months) >= 36
    assert not SaleFact.objects.filter(order_line__isnull=True, month__gte=dt.date(2025, 11, 1)).exists()


def test_running_again_changes_nothing(demo, tmp_path):
    models = (Market, Location, Merchant, User, Listing, ListingMarket, Order, LedgerTransaction, SaleFact)
    before = {m.__name__: m.objects.count() for m in models}
    out = StringIO()
    call_command("demo", credentials=tmp_path / "again.json", stdout=out, **SMALL)
    assert "exists already" in out.getvalue()
    assert {m.__name__: m.objects.count() for m in models} == before
    assert not (tmp_path / "again.json").exists()


def _listing_signature() -> set[tuple]:
    return set(
        ListingMarket.objects.values_list(
            "listing__merchant__name",
            "listing__variant__model__slug",
            "listing__variant__storage_gb",
            "listing__variant__colour",
            "listing__grade",
            "listing__quantity",
            "market__code",
            "price_minor",
        )
    )


def test_force_rebuilds_the_same_demo_from_the_same_seed(demo, tmp_path):
    before = _listing_signature()
    if connection.vendor == "postgresql":  # the module's demo is uncommitted: run its deferred checks, or
        with connection.cursor() as cursor:  # flush's TRUNCATE refuses the tables they are pending on
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")  # and back: the rebuild's checks wait for the end
    rates = TaxRate.objects.count()
    call_command("demo", force=True, credentials=tmp_path / "force.json", verbosity=0, **SMALL)
    assert TaxRate.objects.count() == rates  # the flush emptied them: the demo loads the shipped rates again
    assert _listing_signature() == before
    assert Order.objects.count() == SMALL["orders"] + PICKUPS + TRADE_IN_SALES and Market.objects.count() == 6


def test_every_closed_month_is_paid_out_and_each_payout_reconciles_with_its_statement(demo):
    from remarket.ledger.models import Payout
    from remarket.ledger.payouts import statement_build

    payouts = list(Payout.objects.select_related("merchant").order_by("period"))
    assert len({p.period for p in payouts}) >= 11 and LedgerTransaction.objects.filter(kind="fee").exists()
    for payout in payouts[:: max(1, len(payouts) // 40)]:
        statement = statement_build(merchant=payout.merchant, currency=payout.currency, period=payout.period)
        assert (payout.opening_minor, payout.movements_minor) == (statement.opening_minor, statement.movements_minor)
        assert payout.amount_minor == max(0, statement.closing_minor)


def test_recent_parcels_have_invoices_that_agree_with_the_ledger_to_the_cent(demo):
    from remarket.invoices.models import Invoice

    invoices = list(Invoice.objects.filter(kind="invoice").select_related("suborder").prefetch_related("lines"))
    assert invoices and {i.margin_scheme for i in invoices} == {True, False}  # standard and margin-scheme ones
    for invoice in invoices:
        sub = invoice.suborder
        sale = dict(
            LedgerEntry.objects.filter(transaction__suborder=sub, transaction__kind="sale")
            .values("account", "line")
            .annotate(s=Sum("amount_minor"))
            .values_list("line", "s")
            .filter(account__in=["merchant_payable", "tax_payable"], line="tax")
        )
        paid = LedgerEntry.objects.get(transaction__suborder=sub, transaction__kind="sale", account="gateway_clearing")
        margin_vat = sum(l.tax_minor for l in sub.lines.all() if l.tax_scheme == "margin")
        assert invoice.total_minor == sub.total_minor == paid.amount_minor
        assert invoice.tax_minor + margin_vat == -sum(sale.values())
    numbers = defaultdict(list)
    for invoice in sorted(invoices, key=lambda i: i.sequence):
        numbers[(invoice.merchant_id, invoice.year)].append(invoice.sequence)
    assert all(seq == list(range(1, len(seq) + 1)) for seq in numbers.values())  # no gap
    # each names its seller's legal identity, as the demo set it for every merchant
    from remarket.invoices.models import SellerIdentity

    assert SellerIdentity.objects.count() == Merchant.objects.count()
    for invoice in invoices:
        identity = SellerIdentity.objects.get(merchant_id=invoice.merchant_id)
        assert (invoice.seller["legal_name"], invoice.seller["company_id"]) == (
            identity.legal_name,
            identity.company_id,
        )
        assert invoice.seller["vat_number"] or invoice.seller["country"] in ("US", "GB")


def test_pickups_in_every_state_a_partner_manager_and_partner_commissions(demo):
    from django.db.models import Sum

    from remarket.ledger.models import Account, LedgerEntry
    from remarket.markets.models import Partner
    from remarket.orders.models import Pickup
    from remarket.orders.pickups import pickup_status

    statuses = Counter(pickup_status(p) for p in Pickup.objects.select_related("suborder__shipment"))
    assert statuses == {"awaiting": 2, "in_transit": 2, "ready": 3, "collected": 3, "returned": 2}
    (manager,) = demo.credentials["partner_managers"]
    user = User.objects.get(username=manager["username"])
    assert user.role == Role.PARTNER and user.check_password(manager["password"])
    assert user.partner == Partner.objects.get(name=manager["partner"])
    owed = LedgerEntry.objects.filter(account=Account.PARTNER_PAYABLE, partner=user.partner).aggregate(
        s=Sum("amount_minor")
    )["s"]
    assert owed < 0  # the partner is owed its commissions
    # every transaction still balances
    sums = Counter()
    for txn, currency, amount in LedgerEntry.objects.values_list("transaction_id", "currency", "amount_minor"):
        sums[(txn, currency)] += amount
    assert set(sums.values()) == {0}


def test_warranty_claims_in_each_state_one_escalated_to_the_operator(demo):
    from remarket.aftersales.models import WarrantyClaim

    states = sorted(WarrantyClaim.objects.values_list("state", flat=True))
    assert states == ["escalated", "open", "refused", "repaired", "repairing"]
    escalated = WarrantyClaim.objects.get(state="escalated")
    assert escalated.escalation_reason == "deadline" and escalated.deadline_at > escalated.escalated_at
    assert all(c.deadline_at is not None for c in WarrantyClaim.objects.exclude(state__in=("refused", "repaired")))
