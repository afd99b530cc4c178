import pytest

from remarket.core.errors import DomainError
from remarket.core.idempotency import idempotent
from remarket.core.models import IdempotencyKey
from remarket.merchants.models import Merchant
from remarket.merchants.services import merchant_create

pytestmark = pytest.mark.django_db


def create(name):
    return lambda: (201, {"id": merchant_create(name=name, country="FR").pk})


def test_a_replay_returns_the_first_answer_and_writes_nothing():
    first = idempotent(scope="user:1", route="r", key="k1", body={"n": "A"}, run=create("A"))
    again = idempotent(scope="user:1", route="r", key="k1", body={"n": "A"}, run=create("A"))
    assert (first.replayed, again.replayed) == (False, True)
    assert again.body == first.body and again.status_code == 201
    assert Merchant.objects.count() == 1


def test_the_same_key_with_another_body_is_422():
    idempotent(scope="user:1", route="r", key="k1", body={"n": "A"}, run=create("A"))
    with pytest.raises(DomainError) as err:
        idempotent(scope="user:1", route="r", key="k1", body={"n": "B"}, run=create("B"))
    assert (err.value.status, err.value.code) == (422, "IDEMPOTENCY_KEY_REUSED")
    assert Merchant.objects.count() == 1


def test_keys_are_scoped_to_caller_and_route():
    idempotent(scope="user:1", route="r", key="k1", body={}, run=create("A"))
    idempotent(scope="user:2", route="r", key="k1", body={}, run=create("B"))
    idempotent(scope="user:1", route="other", key="k1", body={}, run=create("C"))
    assert Merchant.objects.count() == 3


def test_a_refused_write_leaves_no_key_behind():
    def boom():
        merchant_create(name="A", country="FR")
        raise DomainError("X_FAILED", "no")

    with pytest.raises(DomainError):
        idempotent(scope="user:1", route="r", key="k1", body={}, run=boom)
    assert not IdempotencyKey.objects.exists() and not Merchant.objects.exists()
