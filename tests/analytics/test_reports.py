"""The reports (analytics/reports.py) and their interfaces: figures from the rollups, periods and splits, growth,
and each viewer's scope (a merchant its own sales, a partner manager its corners', a customer nothing)."""

import datetime as dt
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from remarket.accounts.models import Role
from remarket.accounts.permissions import Actor
from remarket.accounts.services import api_token_issue
from remarket.analytics.reports import dimensions_parse, gmv_report, impact_report, period_parse
from remarket.analytics.services import refund_record, sale_record
from remarket.core.errors import DomainError
from remarket.orders.models import OrderLine

from ..factories import UserFactory
from .conftest import paid_order

pytestmark = pytest.mark.django_db
OPERATOR = Actor(user_id=None, role=Role.OPERATOR)


def _sell(shop, at, lines, **kw):
    order = paid_order(shop, at=at, lines=lines, **kw)
    sale_record(order_id=order.pk, sold_at=at)
    return order


@pytest.fixture
def history(shop):
    """Q2 2024: one order of 300 €; Q1 2025: one of 300 €; Q2 2025: a returning customer's 2 × 300 € (one line of
    merchant 1, one of merchant 2) and a guest's first order at a partner corner (300 €), one line refunded."""
    _sell(shop, dt.datetime(2024, 5, 10, 10, tzinfo=dt.UTC), [(0, 1)])
    _sell(shop, dt.datetime(2025, 2, 10, 10, tzinfo=dt.UTC), [(0, 1)], customer=1)
    _sell(shop, dt.datetime(2025, 4, 10, 10, tzinfo=dt.UTC), [(0, 1), (2, 1)])
    corner = _sell(
        shop, dt.datetime(2025, 6, 10, 10, tzinfo=dt.UTC), [(1, 1)], customer=None, email="g@x.fr", counter=True
    )
    refund_record(
        order_line_ids=[OrderLine.objects.get(suborder__order=corner).pk],
        refunded_at=dt.datetime(2025, 6, 20, tzinfo=dt.UTC),
    )
    return shop


def test_periods_and_splits_parse_or_are_refused_with_a_code():
    assert (period_parse("2025-Q2").since, period_parse("2025-Q2").until) == (dt.date(2025, 4, 1), dt.date(2025, 7, 1))
    assert period_parse("2025").months == 12 and period_parse("2025-06").months == 1
    custom = period_parse("2024-11..2025-02")
    assert (custom.since, custom.until, custom.label, custom.previous().label) == (
        dt.date(2024, 11, 1),
        dt.date(2025, 3, 1),
        "2024-11..2025-02",
        "2024-07..2024-10",
    )
    for bad in ("", "2025-Q5", "2025-13", "2025-06..2025-01", "last year", "9999-12", "9999", "0001-Q1", "1800"):
        with pytest.raises(DomainError) as err:
            period_parse(bad)
        assert err.value.code == "ANALYTICS_PERIOD_INVALID"
    assert dimensions_parse("country, Channel") == ("country", "channel")
    for bad in ("colour", "country,country", "month,year"):
        with pytest.raises(DomainError) as err:
            dimensions_parse(bad)
        assert err.value.code == "ANALYTICS_DIMENSION_INVALID"


def test_the_gmv_report_of_a_quarter(history):
    with CaptureQueriesContext(connection) as queries:
        r = gmv_report(actor=OPERATOR, period=period_parse("2025-Q2"), by=("channel",))
    assert len(queries) == 3  # the quarter, a year before, the quarter before: rollups only
    t = r.total
    assert (t.gross_eur_minor, t.refunds_eur_minor, t.net_eur_minor, t.units, t.orders) == (90000, 30000, 60000, 2, 2)
    assert (t.new_customers, t.returning_orders, t.average_basket_eur_minor, t.take_rate_bp) == (1, 1, 45000, 1000)
    assert (t.yoy_bp, t.previous_bp) == (10000, 10000)  # 600 € against 300 € a year before and in Q1
    assert [(row.key, row.net_eur_minor, row.share_bp) for row in r.rows] == [
        (("Partner point of sale",), 0, 0),
        (("Web",), 60000, 10000),
    ]


def test_splits_by_merchant_category_and_time(history):
    shop = history
    r = gmv_report(actor=OPERATOR, period=period_parse("2024-01..2025-12"), by=("merchant", "year"))
    m1, m2 = shop.listings[0].merchant, shop.listings[2].merchant
    assert [(row.key, row.net_eur_minor, row.yoy_bp) for row in r.rows] == [
        ((m1.name, "2024"), 30000, None),
        ((m1.name, "2025"), 60000, 10000),  # 600 € (one line refunded) on 300 €
        ((m2.name, "2025"), 30000, None),
    ]
    by_category = gmv_report(actor=OPERATOR, period=period_parse("2025"), by=("category",), growth=False)
    assert sorted((row.key, row.gross_eur_minor) for row in by_category.rows) == [
        (("Laptops",), 30000),
        (("Smartphones",), 90000),
    ]


def test_a_merchant_and_a_partner_manager_see_only_their_own_slice(history):
    shop = history
    m2 = shop.listings[2].merchant
    mine = gmv_report(actor=Actor(user_id=1, role=Role.MERCHANT, merchant_id=m2.pk), period=period_parse("2025"))
    assert (mine.scope, mine.total.gross_eur_minor, mine.total.orders) == (f"merchant {m2.pk}", 30000, 1)
    partner = gmv_report(
        actor=Actor(user_id=2, role=Role.PARTNER, partner_id=shop.partner.pk), period=period_parse("2025")
    )
    assert (partner.total.gross_eur_minor, partner.total.refunds_eur_minor, partner.total.net_eur_minor) == (
        30000,
        30000,
        0,
    )
    with pytest.raises(DomainError) as err:
        gmv_report(actor=Actor(user_id=3, role=Role.CUSTOMER), period=period_parse("2025"))
    assert err.value.status == 403


def test_the_api_scopes_a_merchant_token_and_refuses_bad_input(client, history):
    m1 = history.listings[0].merchant
    token = api_token_issue(user=UserFactory(role=Role.MERCHANT, merchant=m1), name="t")[1]
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    body = client.get("/api/v1/reports/gmv", {"period": "2025", "by": "merchant"}, **auth).json()
    assert [r["key"] for r in body["rows"]] == [[m1.name]]
    assert body["total"]["gross_eur_minor"] == 90000 and body["scope"] == f"merchant {m1.pk}"
    refused = client.get("/api/v1/reports/gmv", {"period": "2025-Q9"}, **auth)
    assert (refused.status_code, refused.json()["code"]) == (400, "ANALYTICS_PERIOD_INVALID")
    assert client.get("/api/v1/reports/impact", **auth).status_code == 403  # the marketplace's impact: operator only
    ops = api_token_issue(user=UserFactory(role=Role.OPERATOR), name="o")[1]
    impact = client.get("/api/v1/reports/impact", {"year": 2025}, HTTP_AUTHORIZATION=f"Bearer {ops}").json()
    assert impact["units"] == 3 and impact["co2e_avoided_g"] > 0


def test_the_cli_prints_the_report_and_the_impact(history):
    out = StringIO()
    call_command("report", "gmv", "--by", "country,channel", "--period", "2025-Q2", "--csv", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("country,channel,gross_eur,refunds_eur,net_eur")
    assert lines[-1].startswith("total,,900.00,300.00,600.00,2,2,1,1,450.00,10.00,100.00,100.00,100.00")
    out = StringIO()
    call_command("report", "impact", "--year", "2025", stdout=out)
    assert "Impact 2025: 3 devices sold" in out.getvalue()
    assert impact_report(actor=OPERATOR, year=2024).units == 1


def test_the_ops_pages_show_the_story_and_export_csv(client, history, operator_user):
    client.force_login(operator_user)
    page = client.get("/ops/")
    assert page.status_code == 200
    story = json.loads(page.content.decode().split('id="story-data" type="application/json">')[1].split("</script>")[0])
    assert story["years"] == [2024, 2025] and story["by_country"] == [{"label": "FR", "data": [300.0, 900.0]}]
    report = client.get("/ops/reports/", {"period": "2025-Q2", "by": "country"})
    assert report.status_code == 200 and b"600.00" in report.content
    csv = client.get("/ops/reports/gmv.csv", {"period": "2025-Q2", "by": "country"})
    assert csv["Content-Type"].startswith("text/csv") and b"FR,900.00,300.00,600.00" in csv.content
    bad = client.get("/ops/reports/", {"period": "nope"})
    assert bad.status_code == 400 and b"ANALYTICS_PERIOD_INVALID" in bad.content
