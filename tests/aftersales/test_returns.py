"""A return that refunds: every allowed move, every refused one, the money reversed to the cent."""

import datetime as dt
from collections import defaultdict

import pytest
from django.core import mail

from remarket.accounts.models import Role
from remarket.accounts.permissions import Actor
from remarket.aftersales import services
from remarket.aftersales.models import ReturnLine, ReturnRequest, ReturnState
from remarket.core import clock
from remarket.core.errors import DomainError
from remarket.events.outbox import drain
from remarket.invoices.models import Invoice
from remarket.ledger.models import Account, LedgerEntry, LedgerTransaction, Line
from remarket.ledger.services import merchant_balance
from remarket.payments.models import PaymentIntent, Refund, SandboxCharge

from ..factories import UserFactory
from ..money_checks import ledger_sums
from .conftest import PNG, SOLD_AT, fr_offer, merchant_of, open_return, sell_and_ship

pytestmark = pytest.mark.django_db(transaction=True)
LATER = SOLD_AT + dt.timedelta(days=10)
S = ReturnState


def _sums(sub, kinds):
    sums = defaultdict(int)
    for e in LedgerEntry.objects.filter(transaction__suborder=sub, transaction__kind__in=kinds):
        sums[(e.account, e.line, e.merchant_id)] += e.amount_minor
    return dict(sums)


def _snapshot():
    return (
        list(ReturnRequest.objects.values_list("pk", "state")),
        ReturnLine.objects.count(),
        LedgerTransaction.objects.count(),
        Refund.objects.count(),
    )


def test_a_parcel_return_refunds_the_line_exactly(marketplace, customer_actor, shipped):
    mail.outbox.clear()
    line = shipped.lines.get()
    request = open_return(customer_actor, shipped, at=LATER)
    assert request.state == S.LABEL_ISSUED and request.label_tracking == f"RET{request.pk:08d}"
    assert request.deadline_on == dt.date(2026, 11, 9)  # 8 October + 30 = Saturday 7 November → Monday 9
    merchant = merchant_of(shipped)
    sale_before = _sums(shipped, ["sale"])
    balance_before = merchant_balance(merchant_id=shipped.merchant_id, currency="EUR")
    with clock.frozen(LATER + dt.timedelta(days=1)):
        services.return_send(actor=customer_actor, public_id=request.public_id)
        services.return_receive(actor=merchant, return_id=request.pk)
        request = services.return_inspect(actor=merchant, return_id=request.pk)
        drain()
    assert request.state == S.REFUNDED and request.closed_at is not None
    line.refresh_from_db()
    assert line.state == 6  # refunded after shipping
    refund = Refund.objects.get()
    assert refund.amount_minor == request.refund_minor == line.total_minor == 49900
    assert refund.status == Refund.Status.DONE  # sent after commit through the sandbox
    assert PaymentIntent.objects.get().refunded_minor == 49900
    # the refund reverses the sale's line entries exactly; only the parcel's shipping stays sold
    refunded = _sums(shipped, ["refund"])
    for key, amount in sale_before.items():
        if key[1] != Line.SHIPPING:
            assert refunded.get(key, 0) == -amount, key
    shipping = sum(v for k, v in sale_before.items() if k[0] == Account.GATEWAY_CLEARING) - 49900
    assert sum(v for k, v in _sums(shipped, ["sale", "refund"]).items() if k[0] == Account.GATEWAY_CLEARING) == shipping
    line_payable = -sum(v for k, v in sale_before.items() if k[0] == Account.MERCHANT_PAYABLE and k[1] != Line.SHIPPING)
    assert merchant_balance(merchant_id=shipped.merchant_id, currency="EUR") == balance_before - line_payable
    assert ledger_sums() == {}
    assert SandboxCharge.objects.get().refunded_minor == 49900  # the gateway's own books
    credit = Invoice.objects.get(kind="credit_note")
    assert credit.total_minor == -49900 and credit.corrects.suborder_id == shipped.pk
    subjects = [m.subject for m in mail.outbox]
    assert subjects.count("Votre retour") == 3  # label, received, refunded — in French, the market's language


def test_a_second_refund_of_the_same_lines_is_refused(marketplace, customer_actor, shipped):
    request = open_return(customer_actor, shipped, at=LATER)
    merchant = merchant_of(shipped)
    with clock.frozen(LATER):
        services.return_receive(actor=merchant, return_id=request.pk)
        services.return_inspect(actor=merchant, return_id=request.pk)
    before = _snapshot()
    with clock.frozen(LATER), pytest.raises(DomainError) as err:
        services.return_inspect(actor=merchant, return_id=request.pk)
    assert err.value.code == "AFTERSALES_TRANSITION_REFUSED"
    with clock.frozen(LATER), pytest.raises(DomainError) as err:
        services.return_refund(request=ReturnRequest.objects.get(pk=request.pk))
    assert err.value.code == "AFTERSALES_TRANSITION_REFUSED"
    with pytest.raises(DomainError) as err:
        open_return(customer_actor, shipped, at=LATER)
    assert err.value.code == "AFTERSALES_ALREADY_REFUNDED"
    assert _snapshot() == before


def test_the_same_units_cannot_be_returned_twice_while_a_return_is_open(marketplace, customer_actor, shipped):
    open_return(customer_actor, shipped, at=LATER)
    before = _snapshot()
    with pytest.raises(DomainError) as err:
        open_return(customer_actor, shipped, at=LATER)
    assert err.value.code == "AFTERSALES_ALREADY_RETURNED"
    assert _snapshot() == before


def test_a_cancelled_return_frees_its_units(marketplace, customer_actor, shipped):
    request = open_return(customer_actor, shipped, at=LATER)
    with clock.frozen(LATER):
        assert services.return_cancel(actor=customer_actor, public_id=request.public_id).state == S.CANCELLED
    assert open_return(customer_actor, shipped, at=LATER).state == S.LABEL_ISSUED


def test_the_merchant_refuses_with_a_reason_and_nothing_is_refunded(marketplace, customer_actor, shipped):
    request = open_return(customer_actor, shipped, at=LATER)
    merchant = merchant_of(shipped)
    with clock.frozen(LATER):
        services.return_receive(actor=merchant, return_id=request.pk)
        with pytest.raises(DomainError) as err:
            services.return_refuse(actor=merchant, return_id=request.pk, reason="  ")
        assert err.value.code == "AFTERSALES_REFUSAL_REASON_REQUIRED"
        request = services.return_refuse(actor=merchant, return_id=request.pk, reason="Another device's IMEI")
    assert request.state == S.REFUSED and request.refusal_reason == "Another device's IMEI"
    assert not Refund.objects.exists() and not LedgerTransaction.objects.filter(kind="refund").exists()
    assert shipped.lines.get().state == 3


REFUSED_MOVES = [
    # (how far the return got, the refused move)
    ("label_issued", "return_inspect"),
    ("label_issued", "return_refuse"),
    ("in_transit", "return_cancel"),
    ("in_transit", "return_send"),
    ("received", "return_receive"),
    ("received", "return_cancel"),
    ("refunded", "return_cancel"),
    ("refunded", "return_refuse"),
    ("refunded", "return_receive"),
]


@pytest.mark.parametrize("reached, move", REFUSED_MOVES)
def test_refused_moves_change_nothing(marketplace, customer_actor, shipped, reached, move):
    request = open_return(customer_actor, shipped, at=LATER)
    merchant = merchant_of(shipped)
    steps = {
        "in_transit": [lambda: services.return_send(actor=customer_actor, public_id=request.public_id)],
        "received": [lambda: services.return_receive(actor=merchant, return_id=request.pk)],
        "refunded": [
            lambda: services.return_receive(actor=merchant, return_id=request.pk),
            lambda: services.return_inspect(actor=merchant, return_id=request.pk),
        ],
    }
    moves = {
        "return_inspect": lambda: services.return_inspect(actor=merchant, return_id=request.pk),
        "return_refuse": lambda: services.return_refuse(actor=merchant, return_id=request.pk, reason="no"),
        "return_cancel": lambda: services.return_cancel(actor=customer_actor, public_id=request.public_id),
        "return_send": lambda: services.return_send(actor=customer_actor, public_id=request.public_id),
        "return_receive": lambda: services.return_receive(actor=merchant, return_id=request.pk),
    }
    with clock.frozen(LATER):
        for step in steps.get(reached, []):
            step()
        before = _snapshot()
        with pytest.raises(DomainError) as err:
            moves[move]()
    assert err.value.code == "AFTERSALES_TRANSITION_REFUSED" and err.value.status == 409
    assert _snapshot() == before


def test_every_transition_in_the_table_is_one_function(marketplace):
    allowed = {(a, b) for a, tos in services.TRANSITIONS.items() for b in tos}
    assert allowed == {
        (S.REQUESTED, S.LABEL_ISSUED),
        (S.REQUESTED, S.DROPOFF_ISSUED),
        (S.REQUESTED, S.CANCELLED),
        (S.LABEL_ISSUED, S.IN_TRANSIT),
        (S.LABEL_ISSUED, S.RECEIVED),
        (S.LABEL_ISSUED, S.CANCELLED),
        (S.DROPOFF_ISSUED, S.DROPPED_OFF),
        (S.DROPOFF_ISSUED, S.CANCELLED),
        (S.IN_TRANSIT, S.RECEIVED),
        (S.DROPPED_OFF, S.RECEIVED),
        (S.RECEIVED, S.INSPECTED),
        (S.RECEIVED, S.REFUSED),
        (S.INSPECTED, S.REFUNDED),
    }


# --- bad input: a stable code, nothing changed --------------------------------------------------------------


def test_a_return_after_the_window_is_refused(marketplace, customer_actor, shipped):
    # the deadline is Monday 9 November (Paris); 10 November 00:30 in Paris is too late
    with pytest.raises(DomainError) as err:
        open_return(customer_actor, shipped, at=dt.datetime(2026, 11, 9, 23, 30, tzinfo=dt.UTC))
    assert err.value.code == "AFTERSALES_WINDOW_CLOSED" and err.value.details["deadline"] == "2026-11-09"
    assert not ReturnRequest.objects.exists()
    # 9 November 23:30 in Paris is still in time
    assert open_return(customer_actor, shipped, at=dt.datetime(2026, 11, 9, 22, 30, tzinfo=dt.UTC)).pk


def test_a_line_not_shipped_yet_cannot_be_returned(marketplace, customer):
    sub = sell_and_ship(marketplace, customer, fr_offer(marketplace), ship=False)
    with pytest.raises(DomainError) as err:
        open_return(Actor.of(customer), sub, at=LATER)
    assert err.value.code == "AFTERSALES_NOT_SHIPPED"
    assert not ReturnRequest.objects.exists()


def test_more_units_than_bought_and_no_unit_are_refused(marketplace, customer):
    sub = sell_and_ship(marketplace, customer, fr_offer(marketplace), units=2)
    line = sub.lines.get()
    for quantity, code in (
        (3, "AFTERSALES_QUANTITY_EXCEEDS"),
        (0, "AFTERSALES_QUANTITY_INVALID"),
        (-1, "AFTERSALES_QUANTITY_INVALID"),
    ):
        with pytest.raises(DomainError) as err:
            open_return(Actor.of(customer), sub, at=LATER, units={line.pk: quantity})
        assert err.value.code == code
    with pytest.raises(DomainError) as err:
        open_return(Actor.of(customer), sub, at=LATER, units={line.pk + 1000: 1})
    assert err.value.code == "AFTERSALES_LINE_NOT_FOUND"
    assert not ReturnRequest.objects.exists()


def test_an_unknown_reason_is_refused(marketplace, customer_actor, shipped):
    with pytest.raises(DomainError) as err:
        open_return(customer_actor, shipped, at=LATER, reason="because")
    assert err.value.code == "AFTERSALES_REASON_INVALID"
    assert not ReturnRequest.objects.exists()


def test_another_customers_order_or_return_is_not_found(marketplace, customer_actor, shipped):
    stranger = Actor.of(UserFactory(role=Role.CUSTOMER))
    with pytest.raises(DomainError) as err:
        open_return(stranger, shipped, at=LATER)
    assert err.value.code == "ORDER_NOT_FOUND" and err.value.status == 404
    request = open_return(customer_actor, shipped, at=LATER)
    with clock.frozen(LATER), pytest.raises(DomainError) as err:
        services.return_cancel(actor=stranger, public_id=request.public_id)
    assert err.value.code == "AFTERSALES_RETURN_NOT_FOUND"
    assert ReturnRequest.objects.get().state == S.LABEL_ISSUED


def test_another_merchants_return_is_not_found(marketplace, customer_actor, shipped):
    request = open_return(customer_actor, shipped, at=LATER)
    other = Actor(user_id=None, role=Role.MERCHANT, merchant_id=fr_offer(marketplace).merchant_id)
    with clock.frozen(LATER), pytest.raises(DomainError) as err:
        services.return_receive(actor=other, return_id=request.pk)
    assert err.value.code == "AFTERSALES_RETURN_NOT_FOUND" and err.value.status == 404
    assert ReturnRequest.objects.get().state == S.LABEL_ISSUED


# --- transit damage -----------------------------------------------------------------------------------------


def test_transit_damage_within_three_business_days_with_a_photo(marketplace, customer_actor, shipped):
    # delivered Thursday 8 October: Friday, Monday, Tuesday 13 October
    at = dt.datetime(2026, 10, 13, 20, 0, tzinfo=dt.UTC)
    request = open_return(customer_actor, shipped, at=at, reason="transit_damage", photos=[PNG])
    assert request.kind == "transit_damage" and request.deadline_on == dt.date(2026, 10, 13)
    assert request.photos.get().content_type == "image/png"


def test_transit_damage_after_three_business_days_is_refused(marketplace, customer_actor, shipped):
    with pytest.raises(DomainError) as err:
        open_return(
            customer_actor,
            shipped,
            at=dt.datetime(2026, 10, 14, 8, 0, tzinfo=dt.UTC),
            reason="transit_damage",
            photos=[PNG],
        )
    assert err.value.code == "AFTERSALES_WINDOW_CLOSED"
    assert not ReturnRequest.objects.exists()


@pytest.mark.parametrize(
    "photos, code",
    [
        ([], "AFTERSALES_PHOTO_REQUIRED"),
        ([b"%PDF-1.4 not a photo"], "AFTERSALES_PHOTO_NOT_IMAGE"),
        ([b"\xff\xd8\xff" + b"\x00" * (5 * 1024 * 1024)], "AFTERSALES_PHOTO_TOO_LARGE"),
    ],
)
def test_a_damage_report_needs_real_photos(marketplace, customer_actor, shipped, photos, code):
    with pytest.raises(DomainError) as err:
        open_return(customer_actor, shipped, at=LATER, reason="transit_damage", photos=photos)
    assert err.value.code == code
    assert not ReturnRequest.objects.exists()
