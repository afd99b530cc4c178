"""The partner manager's pages and exports: every location of its partner, per location and month, its
statement; nothing of another partner (tenancy through the pages)."""

import csv
import io

import pytest

from remarket.orders.models import OrderLine

from .conftest import pickup_order

pytestmark = pytest.mark.django_db


def test_the_report_shows_each_location_with_its_sales_and_commission(client, marketplace, offer, network):
    order = pickup_order(marketplace, offer, network.paris)
    line = OrderLine.objects.get(suborder__order=order)
    client.force_login(network.manager_user)
    month = f"{order.created_at:%Y-%m}"
    page = client.get("/partner/", {"month": month})
    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-location="telco-paris-11"' in html and 'data-location="telco-lyon-2"' in html
    assert "other-paris-4" not in html and "Other Paris Marais" not in html  # the other partner's
    assert f'data-total-commission="{line.partner_commission_minor}"' in html
    export = client.get("/partner/report.csv", {"month": month})
    rows = list(csv.DictReader(io.StringIO(export.content.decode())))
    assert [r["location_code"] for r in rows] == ["telco-lyon-2", "telco-paris-11"]
    paris = rows[1]
    assert (paris["orders"], paris["units"], paris["pickups_awaiting"]) == ("1", "1", "1")
    assert paris["commission"] == f"{line.partner_commission_minor / 100:.2f}"
    statement = client.get("/partner/statement/", {"month": month}).content.decode()
    assert f'data-commission="{line.partner_commission_minor}"' in statement
    assert client.get(f"/partner/locations/{network.paris.pk}/").status_code == 200


def test_another_partner_sees_nothing_of_it(client, marketplace, offer, network):
    order = pickup_order(marketplace, offer, network.paris)
    client.force_login(network.rival_manager_user)
    month = f"{order.created_at:%Y-%m}"
    html = client.get("/partner/", {"month": month}).content.decode()
    assert "telco-paris-11" not in html and 'data-total-commission="0"' in html
    assert client.get(f"/partner/locations/{network.paris.pk}/").status_code == 404
    rows = list(csv.DictReader(io.StringIO(client.get("/partner/report.csv", {"month": month}).content.decode())))
    assert [r["location_code"] for r in rows] == ["other-paris-4"] and rows[0]["orders"] == "0"
    assert 'data-commission="0"' in client.get("/partner/statement/", {"month": month}).content.decode()


def test_other_roles_and_bad_months_are_refused(client, marketplace, network, merchant_user):
    from remarket.accounts.models import User

    client.force_login(User.objects.get(pk=network.clerk.user_id))
    assert client.get("/partner/").status_code == 403
    client.force_login(merchant_user)
    assert client.get("/partner/statement/").status_code == 403
    client.force_login(network.manager_user)
    assert client.get("/partner/", {"month": "2026-13"}).status_code == 400
