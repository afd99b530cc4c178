import itertools

import pytest

from remarket.core.errors import DomainError
from remarket.orders.states import (
    LINE_TRANSITIONS,
    LineState,
    OrderState,
    line_transition_check,
    order_state_from_lines,
)

ALLOWED = {(8, 1), (8, 7), (0, 1), (0, 7), (9, 1), (9, 7), (1, 2), (1, 4), (2, 3), (2, 5), (3, 6)}


@pytest.mark.parametrize("current, new", list(itertools.product(LineState.ALL, LineState.ALL)))
def test_only_the_contracts_line_transitions_are_allowed(current, new):
    if (current, new) in ALLOWED:
        line_transition_check(current, new)
    else:
        with pytest.raises(DomainError) as err:
            line_transition_check(current, new)
        assert err.value.code == "ORDER_LINE_TRANSITION_REFUSED" and err.value.status == 409


def test_the_table_is_the_allowed_set():
    assert {(a, b) for a, targets in LINE_TRANSITIONS.items() for b in targets} == ALLOWED


@pytest.mark.parametrize(
    "lines, state",
    [
        ([8, 8], OrderState.AWAITING_PAYMENT),
        ([7], OrderState.UNPAID),
        ([1, 2], OrderState.PAID),
        ([2, 3], OrderState.TO_SHIP),
        ([3, 4], OrderState.SHIPPED),
        ([0], OrderState.NEW),
        ([3, 6], OrderState.SHIPPED),
    ],
)
def test_order_state_is_derived_from_its_lines(lines, state):
    assert order_state_from_lines(lines) == state
