"""The summarised history at a small scale reproduces the reference story's shares and growth, and a load that
crashed resumes after its last month done, giving the rows a straight load gives."""

import datetime as dt

import pytest
from django.db.models import Count, Q, Sum

from remarket.analytics.models import GmvRollup, LoadChunk, RefundFact, SaleFact
from remarket.catalog.models import Category
from remarket.core import clock
from remarket.demo.catalog_data import CATEGORIES
from remarket.demo.network import network_build
from remarket.demo.scale import MonthRows, plan
from remarket.demo.scale_load import _slugs, context_load, history_load, merchants_ensure

pytestmark = pytest.mark.django_db
FRACTION = 0.002  # ≈ 9,000 orders a year in 2025
# the stated tolerance: shares within 3 points, GMV growth within 5 points, new customers within 3 points
SHARE_POINTS, GROWTH_POINTS, NEW_POINTS = 3.0, 5.0, 3.0


@pytest.fixture
def world(db):
    with clock.frozen(dt.datetime(2026, 1, 15, tzinfo=dt.UTC)):
        network_build(partner_locations=20)
        Category.objects.bulk_create([Category(slug=s, name=n, impact_key=k) for s, n, k in CATEGORIES])
        merchants_ensure(count=40, now=clock.now())


def _gross(q: Q) -> int:
    return GmvRollup.objects.filter(q).aggregate(s=Sum("gross_eur_minor"))["s"] or 0


def _quarter(year: int, q: int) -> Q:
    return Q(month__gte=dt.date(year, 3 * q - 2, 1), month__lt=dt.date(year + (q == 4), (3 * q) % 12 + 1, 1))


def test_a_small_history_reproduces_the_reference_shares_and_growth(world):
    result = history_load(scale="test", fraction=FRACTION, since=dt.date(2024, 1, 1), until=dt.date(2026, 1, 1))
    assert result.months == 24 and result.lines == SaleFact.objects.count() > 15_000
    year = Q(month__year=2025)
    total = _gross(year)
    shares = {code: 100 * _gross(year & Q(market_code=code)) / total for code in ("FR", "US")}
    assert abs(shares["FR"] - 30) <= SHARE_POINTS and abs(shares["US"] - 20) <= SHARE_POINTS, shares
    growth = 100 * (_gross(_quarter(2025, 2)) / _gross(_quarter(2024, 2)) - 1)
    assert abs(growth - 30) <= GROWTH_POINTS, growth
    new = {y: GmvRollup.objects.filter(_quarter(y, 2)).aggregate(n=Sum("new_customers"))["n"] for y in (2024, 2025)}
    assert abs(100 * (new[2025] / new[2024] - 1) - 36) <= NEW_POINTS, new
    refunded = (
        -RefundFact.objects.aggregate(s=Sum("gmv_eur_minor"))["s"]
        / SaleFact.objects.aggregate(s=Sum("gmv_eur_minor"))["s"]
    )
    assert 0.02 <= refunded <= 0.04
    channels = dict(
        SaleFact.objects.exclude(channel_kind="web").values_list("channel_kind").annotate(first=Count("id"))
    )
    assert set(channels) == {"store", "partner"}
    assert not SaleFact.objects.filter(channel_kind="store", month__lt=dt.date(2025, 10, 1)).exists()
    assert not SaleFact.objects.filter(channel_kind="partner", month__lt=dt.date(2025, 11, 1)).exists()
    new_flags = SaleFact.objects.filter(new_customer=True).values("order_id").distinct().count()
    assert GmvRollup.objects.aggregate(n=Sum("new_customers"))["n"] == new_flags


def test_a_crashed_load_resumes_after_its_last_month_done(world):
    months = dict(scale="crash", fraction=0.0005, since=dt.date(2025, 1, 1), until=dt.date(2025, 7, 1))

    def crash(month):
        if month == dt.date(2025, 3, 1):
            raise RuntimeError("killed")

    with pytest.raises(RuntimeError):
        history_load(**months, after_month=crash)
    assert sorted(LoadChunk.objects.values_list("key", flat=True)) == ["2025-01", "2025-02", "2025-03"]
    again = history_load(**months)
    assert (again.months, again.months_skipped) == (6, 3)
    context = context_load(merchants=list(merchants_ensure(count=40, now=clock.now())))
    generator = MonthRows(context=context, seed=1)
    expected = [
        generator.rows(p)
        for p in plan(fraction=0.0005, categories=_slugs(context), until=dt.date(2025, 7, 1))
        if p.month >= dt.date(2025, 1, 1)
    ]
    assert SaleFact.objects.count() == sum(len(s) for s, _ in expected)
    assert RefundFact.objects.count() == sum(len(r) for _, r in expected)
    assert SaleFact.objects.aggregate(s=Sum("gmv_minor"))["s"] == sum(row[14] for s, _ in expected for row in s)
    assert LoadChunk.objects.filter(scale="crash").count() == 6


def test_another_history_or_a_bad_fraction_is_refused_and_changes_nothing(world):
    from remarket.core.errors import DomainError
    from remarket.demo.history_scale import demo_history

    LoadChunk.objects.create(scale="default", key="2024-01", rows=0, done_at=clock.now())
    for kwargs, code in (
        ({"scale": "backmarket", "fraction": 0.001}, "DEMO_HISTORY_EXISTS"),
        ({"scale": "backmarket", "fraction": 0}, "DEMO_FRACTION_INVALID"),
        ({"scale": "huge"}, "DEMO_SCALE_UNKNOWN"),
    ):
        with pytest.raises(DomainError) as err:
            demo_history(**kwargs)
        assert err.value.code == code
    assert not SaleFact.objects.exists() and LoadChunk.objects.count() == 1
