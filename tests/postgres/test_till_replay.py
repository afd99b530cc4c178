"""A till's offline queue replayed over HTTP against a live gunicorn on PostgreSQL: the same batch of three sales
sent three times at once makes each sale once; a sale sent again with a changed body is refused and changes
nothing."""

import json
import threading
import urllib.error
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from remarket.accounts.services import api_token_issue
from remarket.core.models import IdempotencyKey
from remarket.ledger.models import LedgerTransaction
from remarket.offers.models import LocationStock
from remarket.orders.models import Order
from remarket.payments.models import CashTender

from ..conftest import build_marketplace
from ..pos.conftest import build_till

pytestmark = [pytest.mark.postgres]


@pytest.fixture(autouse=True)
def _postgres_only():
    assert connection.vendor == "postgresql", "run these with DATABASE_URL=postgres://... (make test-postgres)"


def _post(url: str, body: dict, key: str, token: str) -> tuple[int, dict]:
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode(),
        method="POST",
        headers={"Content-Type": "application/json", "Idempotency-Key": key, "Authorization": f"Bearer {token}"},
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read())


def _sale(till, units: int = 1) -> dict:
    return {
        "lines": [{"listing_id": till.shelf.pk, "quantity": 1, "shelf": True}] * units,
        "tender": "cash",
        "cash_given_minor": 70000 * units,
    }


def test_the_same_queued_batch_sent_three_times_at_once_makes_each_sale_once(server):
    till = build_till(build_marketplace(), shelf_units=5)
    token = api_token_issue(user=till.clerk, name="till")[1]
    batch = [(str(uuid.uuid4()), _sale(till)) for _ in range(3)]
    start = threading.Barrier(9)

    def send(copy_and_sale):
        key, body = copy_and_sale[1]
        start.wait()
        return key, _post(f"{server}/api/v1/pos/sales", body, key, token)

    # three tills' worth of replays: every copy of the batch at the same moment
    with ThreadPoolExecutor(9) as pool:
        answers = list(pool.map(send, [(copy, sale) for copy in range(3) for sale in batch]))
    # a copy arriving while the first is being made is told to retry (409); then the queue sends it again
    for _key, (status, body) in answers:
        assert status in (200, 201) or (status, body["code"]) == (409, "IDEMPOTENCY_IN_PROGRESS"), body
    retried = [_post(f"{server}/api/v1/pos/sales", body, key, token) for key, body in batch]
    assert [status for status, _ in retried] == [200, 200, 200]
    made = {key: {b["id"] for k, (s, b) in answers if k == key and s in (200, 201)} for key, _ in batch}
    for (key, _), (_, body) in zip(batch, retried, strict=True):
        assert made[key] <= {body["id"]}
    assert sum(1 for _, (s, _) in answers if s == 201) == 3
    assert Order.objects.count() == 3 and CashTender.objects.count() == 3
    assert LedgerTransaction.objects.filter(kind="sale").count() == 3
    assert LocationStock.objects.get(listing=till.shelf).available == 2
    assert IdempotencyKey.objects.filter(route="pos.sale").count() == 3


def test_a_sale_sent_again_with_a_changed_body_is_refused_and_changes_nothing(server):
    till = build_till(build_marketplace(), shelf_units=5)
    token = api_token_issue(user=till.clerk, name="till")[1]
    key = str(uuid.uuid4())
    status, first = _post(f"{server}/api/v1/pos/sales", _sale(till), key, token)
    assert status == 201
    before = (
        Order.objects.count(),
        LocationStock.objects.get(listing=till.shelf).available,
        CashTender.objects.count(),
    )

    def changed(_):
        return _post(f"{server}/api/v1/pos/sales", _sale(till, units=2), key, token)

    with ThreadPoolExecutor(4) as pool:
        refused = list(pool.map(changed, range(4)))
    assert {(s, b["code"]) for s, b in refused} <= {(422, "IDEMPOTENCY_KEY_REUSED"), (409, "IDEMPOTENCY_IN_PROGRESS")}
    assert (422, "IDEMPOTENCY_KEY_REUSED") in {(s, b["code"]) for s, b in refused}
    after = (Order.objects.count(), LocationStock.objects.get(listing=till.shelf).available, CashTender.objects.count())
    assert after == before == (1, 4, 1)
    assert Order.objects.get().total_minor == first["total_minor"] == 65216
