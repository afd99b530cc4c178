"""The operator's dashboard in Chromium: the story charts draw from the rollups (GMV by year and country, the
channel mix, growth, new customers) under the Content-Security-Policy, and the report page exports CSV."""

import datetime as dt

import pytest

from remarket.accounts.models import Role
from remarket.analytics.services import sale_record

from ..analytics.conftest import Shop, paid_order
from ..conftest import build_marketplace
from ..factories import ListingFactory, UserFactory

pytestmark = pytest.mark.e2e


def test_the_dashboard_draws_the_story_and_the_report_exports(server, page):
    mp = build_marketplace()
    from remarket.markets.models import FxRate

    FxRate.objects.create(currency="EUR", month=dt.date(2024, 1, 1), per_usd="0.9000")
    shop = Shop(mp, [ListingFactory()], [UserFactory(role=Role.CUSTOMER)], None, None, None)
    for at, us in ((dt.datetime(2024, 5, 3, tzinfo=dt.UTC), False), (dt.datetime(2025, 5, 3, tzinfo=dt.UTC), True)):
        order = paid_order(shop, at=at, lines=[(0, 1)], us=us)
        sale_record(order_id=order.pk, sold_at=at)
    UserFactory(role=Role.OPERATOR, username="ops", is_staff=True, is_superuser=True)
    blocked, errors = [], []
    page.on("console", lambda m: blocked.append(m.text) if "Content Security Policy" in m.text else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{server}/ops/")
    page.fill('input[name="username"]', "ops")
    page.fill('input[name="password"]', "correct horse battery")
    page.click("button[type=submit]")
    page.wait_for_selector("#story-years")
    page.wait_for_function("() => window.Chart && Chart.getChart(document.getElementById('story-new'))")
    years = page.evaluate(
        "() => { const c = Chart.getChart(document.getElementById('story-years'));"
        " return [c.data.labels, c.data.datasets.map(d => [d.label, d.data])]; }"
    )
    assert years == [[2024, 2025], [["FR", [300.0, 0]], ["US", [0, 270.0]]]]
    mix = page.evaluate("() => Chart.getChart(document.getElementById('story-mix')).data.labels")
    assert mix == ["2024-Q2", "2025-Q2"]
    page.click("text=Reports: any period and split, as CSV")
    page.fill('input[name="period"]', "2025")
    page.fill('input[name="by"]', "country")
    page.click("button:has-text('Show')")
    page.wait_for_selector("#report-table")
    assert "270.00" in page.inner_text("#report-table")
    with page.expect_download() as download:
        page.click("#report-csv")
    assert download.value.suggested_filename == "gmv-2025.csv"
    assert blocked == [] and errors == []
