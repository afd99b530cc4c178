"""List pages and APIs of trade-in read in a constant number of queries, whatever the number of trade-ins."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from remarket.accounts.models import User
from remarket.accounts.services import api_token_issue
from remarket.buyback import services

from .conftest import FLAWLESS, IDENTITY

pytestmark = pytest.mark.django_db


def _tradeins(bb, marketplace, n):
    for _ in range(n):
        t = services.tradein_accept(
            actor=bb.customer_actor,
            market=marketplace.fr,
            variant_id=bb.variant.pk,
            answers=FLAWLESS,
            identity=IDENTITY,
        )
        services.tradein_receive(actor=bb.merchant_actor, reference=t.reference)


def _count(fn) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = fn()
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    "url", ["/ws/buyback/v1/orders", "/ws/buyback/v1/orders/pending-reply", "/ws/buyback/v1/listings"]
)
def test_ws_lists_read_in_constant_queries(bb, marketplace, url):
    staff = User.objects.get(pk=bb.merchant_actor.user_id)
    headers = {
        "HTTP_AUTHORIZATION": f"Basic {api_token_issue(user=staff, name='ws')[1]}",
        "HTTP_ACCEPT_LANGUAGE": "fr-fr",
    }
    client = Client()
    _tradeins(bb, marketplace, 2)
    few = _count(lambda: client.get(url, **headers))
    _tradeins(bb, marketplace, 4)
    assert _count(lambda: client.get(url, **headers)) == few


def test_the_merchant_queue_reads_in_constant_queries(bb, marketplace):
    client = Client()
    client.force_login(User.objects.get(pk=bb.merchant_actor.user_id))
    _tradeins(bb, marketplace, 2)
    client.get("/merchant/trade-ins/")  # the first page fills the user's language in the session and the kept markets
    few = _count(lambda: client.get("/merchant/trade-ins/"))
    _tradeins(bb, marketplace, 4)
    assert _count(lambda: client.get("/merchant/trade-ins/")) == few


def test_the_rest_lists_read_in_constant_queries(bb, marketplace):
    client = Client()
    staff = User.objects.get(pk=bb.merchant_actor.user_id)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {api_token_issue(user=staff, name='t')[1]}"}
    _tradeins(bb, marketplace, 2)
    few = _count(lambda: client.get("/api/v1/merchant/trade-ins", **headers))
    _tradeins(bb, marketplace, 4)
    assert _count(lambda: client.get("/api/v1/merchant/trade-ins", **headers)) == few
