"""The state machine: every (from, to) pair of the contract's statuses is allowed or refused as states.py says,
and the services make exactly the allowed moves (test_services.py walks each through them)."""

import itertools

import pytest

from remarket.buyback.models import Status
from remarket.buyback.states import TRANSITIONS, transition_check
from remarket.core.errors import DomainError

S = Status
ALLOWED = {
    (S.NEW, S.PENDING),
    (S.NEW, S.TO_SEND),
    (S.NEW, S.CANCELLED),
    (S.PENDING, S.TO_SEND),
    (S.PENDING, S.CANCELLED),
    (S.TO_SEND, S.SENT),
    (S.TO_SEND, S.RECEIVED),
    (S.TO_SEND, S.CANCELLED),
    (S.SENT, S.RECEIVED),
    (S.RECEIVED, S.VALIDATED),
    (S.RECEIVED, S.COUNTER_PROPOSAL),
    (S.RECEIVED, S.SUSPENDED),
    (S.COUNTER_PROPOSAL, S.VALIDATED),
    (S.COUNTER_PROPOSAL, S.RETURNED),
    (S.SUSPENDED, S.RECEIVED),
    (S.SUSPENDED, S.RETURNED),
    (S.VALIDATED, S.PAID),
    (S.PAID, S.MONEY_TRANSFERED),
}
PAIRS = list(itertools.product(S.values, S.values))


def test_the_table_is_the_documented_one():
    assert {(a, b) for a, targets in TRANSITIONS.items() for b in targets} == ALLOWED
    assert set(TRANSITIONS) == set(S.values)


@pytest.mark.parametrize("current, new", sorted(p for p in PAIRS if p in ALLOWED))
def test_an_allowed_move_passes(current, new):
    transition_check(current, new)


@pytest.mark.parametrize("current, new", sorted(p for p in PAIRS if p not in ALLOWED))
def test_a_refused_move_is_409(current, new):
    with pytest.raises(DomainError) as err:
        transition_check(current, new)
    assert (err.value.code, err.value.status) == ("BUYBACK_TRANSITION_REFUSED", 409)
    assert err.value.details == {"from": current, "to": new}
