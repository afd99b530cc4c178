"""The till's pages: the till, a sale's receipt and its counter return, the service worker; another store's
clerk sees none of them."""

import uuid

import pytest

from remarket.orders.models import OrderLine

from .conftest import cash_sale


@pytest.fixture
def clerk_client(client, till):
    client.force_login(till.clerk)
    return client


def test_the_till_page_shows_the_shelf_and_the_keys(clerk_client, till):
    page = clerk_client.get("/pos/").content.decode()
    assert 'id="till-shelf"' in page and "NYC-IP13-128" in page and "$599.00" in page
    assert "data-till-search" in page and "<kbd>Ctrl+Enter</kbd>" in page
    assert "<script>" not in page  # nothing inline: the CSP allows our files only


def test_the_receipt_page_prints_and_takes_a_return(clerk_client, till):
    order = cash_sale(till).order
    page = clerk_client.get(f"/pos/sales/{order.public_id}/").content.decode()
    assert f'data-receipt="{order.public_id.hex[:12].upper()}"' in page
    assert "$652.16" in page and "$47.84" in page and "Warranty: 12 months" in page and "@page" not in page
    assert "US-NY-NYC 8.875%" in page and "0.08875" not in page  # the rate as people read it
    line = OrderLine.objects.get()
    answer = clerk_client.post(f"/pos/sales/{order.public_id}/return/", {"line_id": [line.pk]})
    assert answer.status_code == 302
    line.refresh_from_db()
    assert line.state == 6


def test_another_stores_clerk_gets_none_of_its_pages(client, till):
    order = cash_sale(till).order
    client.force_login(till.other_clerk)
    assert client.get(f"/pos/sales/{order.public_id}/").status_code == 404
    assert client.post(
        f"/pos/sales/{order.public_id}/return/", {"line_id": [OrderLine.objects.get().pk]}
    ).status_code in (
        302,
        404,
    )
    assert OrderLine.objects.get().state == 3
    assert "NYC-IP13-128" not in client.get("/pos/").content.decode()
    assert client.get(f"/pos/sales/{uuid.uuid4()}/").status_code == 404


def test_the_service_worker_is_served_for_the_till_scope(clerk_client):
    answer = clerk_client.get("/pos/sw.js")
    assert answer["Content-Type"].startswith("application/javascript")
    assert answer["Service-Worker-Allowed"] == "/pos/" and "caches.open" in answer.content.decode()
