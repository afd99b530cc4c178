"""Warranty claims through the real services: each allowed move and each refused one, deadlines on the injected
clock, the refund path, reopening by a message, the bad input of the issue, tenancy."""

import datetime as dt

import pytest
from django.core import mail

from remarket.accounts.models import Role
from remarket.accounts.permissions import Actor
from remarket.aftersales import claims
from remarket.aftersales.claims import TRANSITIONS, claims_escalate_due, transition_check
from remarket.aftersales.models import ClaimAttachment, ClaimMessage, ClaimState, ItemTransfer, WarrantyClaim
from remarket.aftersales.photos import PHOTO_MAX_BYTES
from remarket.core import clock
from remarket.core.errors import DomainError
from remarket.events.outbox import drain
from remarket.invoices.models import Invoice
from remarket.ledger.models import LedgerEntry
from remarket.orders.models import OrderLine
from remarket.payments.models import Refund

from ..factories import MerchantFactory, UserFactory
from ..money_checks import ledger_sums
from .conftest import CLAIM_AT, PNG, fr_offer, merchant_of, open_claim, open_return, sell_and_ship

pytestmark = pytest.mark.django_db
C = ClaimState
OPERATOR = Actor(user_id=None, role=Role.OPERATOR)
LATER = CLAIM_AT + dt.timedelta(hours=3)


def snapshot(claim: WarrantyClaim) -> tuple:
    claim.refresh_from_db()
    return (
        claim.state,
        claim.modified_at,
        claim.deadline_at,
        ClaimMessage.objects.filter(claim=claim).count(),
        ItemTransfer.objects.filter(claim=claim).count(),
        Refund.objects.count(),
        LedgerEntry.objects.count(),
    )


def reach(state: str, actor, sub) -> WarrantyClaim:
    """A claim of `sub` brought to `state` through the services."""
    claim = open_claim(actor, sub)
    merchant = merchant_of(sub)
    with clock.frozen(LATER):
        if state == C.REPAIRING:
            claims.claim_answer(actor=merchant, claim_id=claim.pk, resolution="repair")
        elif state == C.REPLACING:
            claims.claim_answer(actor=merchant, claim_id=claim.pk, resolution="replace")
        elif state == C.REFUNDED:
            claims.claim_answer(actor=merchant, claim_id=claim.pk, resolution="refund")
        elif state == C.REFUSED:
            claims.claim_answer(actor=merchant, claim_id=claim.pk, resolution="refuse", reason="Liquid inside.")
        elif state == C.REPAIRED:
            claims.claim_transfer(
                actor=merchant, claim_id=claim.pk, carrier="DHL", tracking_number="R1", action="REPAIR"
            )
        elif state == C.REPLACED:
            claims.claim_transfer(
                actor=merchant, claim_id=claim.pk, carrier="DHL", tracking_number="R2", action="REPLACE"
            )
    if state == C.ESCALATED:
        with clock.frozen(claim.deadline_at):
            assert claims_escalate_due() == 1
    claim.refresh_from_db()
    assert claim.state == state
    return claim


def move(to: str, claim: WarrantyClaim, customer_actor, sub):
    """The one function that moves a claim to `to` from where it is (the operator for an escalated one)."""
    merchant = merchant_of(sub)
    escalated = claim.state == C.ESCALATED
    answer = (
        (lambda r, reason="": claims.claim_decide(actor=OPERATOR, claim_id=claim.pk, resolution=r, reason=reason))
        if escalated
        else (lambda r, reason="": claims.claim_answer(actor=merchant, claim_id=claim.pk, resolution=r, reason=reason))
    )
    with clock.frozen(LATER + dt.timedelta(days=30)):
        if to == C.REPAIRING:
            return answer("repair")
        if to == C.REPLACING:
            return answer("replace")
        if to == C.REFUNDED:
            return answer("refund")
        if to == C.REFUSED:
            return answer("refuse", "No defect found.")
        if to in (C.REPAIRED, C.REPLACED):
            action = "REPAIR" if to == C.REPAIRED else "REPLACE"
            return claims.claim_transfer(
                actor=merchant, claim_id=claim.pk, carrier="UPS", tracking_number=f"T{to}", action=action
            )
        if to == C.ESCALATED:
            if claim.state == C.OPEN:
                return claims_escalate_due()
            return claims.claim_dispute(actor=customer_actor, public_id=claim.public_id, reason="Still broken.")
        if to == C.OPEN:
            return claims.claim_message_customer(
                actor=customer_actor, public_id=claim.public_id, body="It broke again."
            )
    raise AssertionError(to)


def test_the_table_is_the_documented_one():
    assert {s: set(t) for s, t in TRANSITIONS.items()} == {
        C.OPEN: {C.REPAIRING, C.REPLACING, C.REFUNDED, C.REFUSED, C.REPAIRED, C.REPLACED, C.ESCALATED},
        C.REPAIRING: {C.REPAIRED, C.REFUNDED, C.REFUSED, C.ESCALATED},
        C.REPLACING: {C.REPLACED, C.REFUNDED, C.REFUSED, C.ESCALATED},
        C.ESCALATED: {C.REFUNDED, C.REPAIRING, C.REPLACING, C.REFUSED},
        C.REFUNDED: {C.OPEN},
        C.REPAIRED: {C.OPEN},
        C.REPLACED: {C.OPEN},
        C.REFUSED: {C.OPEN, C.ESCALATED},
    }
    for current in C.values:
        for new in C.values:
            if new in TRANSITIONS[current]:
                transition_check(current, new)
            else:
                with pytest.raises(DomainError) as err:
                    transition_check(current, new)
                assert (err.value.code, err.value.status) == ("AFTERSALES_CLAIM_TRANSITION_REFUSED", 409)


ALLOWED = sorted((s, t) for s, targets in TRANSITIONS.items() for t in targets)
REFUSED = sorted((s, t) for s in C.values for t in C.values if t not in TRANSITIONS[s] and t != C.OPEN)


@pytest.mark.parametrize(("start", "to"), ALLOWED)
def test_every_allowed_move(marketplace, customer, customer_actor, start, to):
    sub = sell_and_ship(marketplace, customer, fr_offer(marketplace))
    claim = reach(start, customer_actor, sub)
    move(to, claim, customer_actor, sub)
    claim.refresh_from_db()
    assert claim.state == to
    assert (claim.deadline_at is None) == (to in claims.CLOSED_STATES)
    assert (claim.closed_at is None) == (to not in claims.CLOSED_STATES)


@pytest.mark.parametrize(("start", "to"), REFUSED)
def test_every_refused_move_changes_nothing(marketplace, customer, customer_actor, start, to):
    sub = sell_and_ship(marketplace, customer, fr_offer(marketplace))
    claim = reach(start, customer_actor, sub)
    before = snapshot(claim)
    try:
        moved = move(to, claim, customer_actor, sub)
    except DomainError as err:
        assert err.status == 409, err.code
        assert err.code in (
            "AFTERSALES_CLAIM_TRANSITION_REFUSED",
            "AFTERSALES_CLAIM_ESCALATED",
            "AFTERSALES_CLAIM_NOT_DISPUTABLE",
            "AFTERSALES_CLAIM_NOT_ESCALATED",
            "AFTERSALES_ALREADY_REFUNDED",
        )
    else:
        assert moved == 0  # the deadline job leaves a claim that is not due alone
    assert snapshot(claim) == before


@pytest.mark.parametrize("start", [C.OPEN, C.REPAIRING, C.REPLACING, C.ESCALATED])
def test_a_message_to_a_claim_under_way_leaves_its_state(marketplace, customer, customer_actor, start):
    sub = sell_and_ship(marketplace, customer, fr_offer(marketplace))
    claim = reach(start, customer_actor, sub)
    state, deadline = claim.state, claim.deadline_at
    move(C.OPEN, claim, customer_actor, sub)
    claim.refresh_from_db()
    assert (claim.state, claim.deadline_at) == (state, deadline)
    assert claim.messages.count() == 2


def test_a_claim_opens_with_its_problem_photos_and_deadline(marketplace, customer, customer_actor):
    sub = sell_and_ship(marketplace, customer, fr_offer(marketplace))
    claim = open_claim(customer_actor, sub, photos=[PNG], wanted="repair")
    assert claim.state == C.OPEN
    assert claim.warranty_until == dt.date(2027, 10, 8)  # 12 months from delivery on 8 October 2026
    # Monday 11:00 in Paris + 2 business days = Wednesday 11:00 in Paris
    assert claim.deadline_at == dt.datetime(2027, 2, 3, 10, 0, tzinfo=dt.UTC)
    (message,) = claim.messages.all()
    assert (message.author, message.body, message.sender_id) == (
        "customer",
        "The battery dies within an hour.",
        customer.pk,
    )
    assert [(a.content_type, a.size) for a in message.attachments.all()] == [("image/png", len(PNG))]


def test_a_holiday_moves_the_deadline(marketplace, customer, customer_actor):
    sub = sell_and_ship(marketplace, customer, fr_offer(marketplace))
    # Thursday 24 December, 10:00 in Paris: Friday 25 is Christmas, so Monday 28 and Tuesday 29 are the two days
    claim = open_claim(customer_actor, sub, at=dt.datetime(2026, 12, 24, 9, 0, tzinfo=dt.UTC))
    assert claim.deadline_at == dt.datetime(2026, 12, 29, 9, 0, tzinfo=dt.UTC)


def test_escalation_happens_exactly_when_due(marketplace, customer, customer_actor):
    from remarket.events.periodic import run_due

    sub = sell_and_ship(marketplace, customer, fr_offer(marketplace))
    claim = open_claim(customer_actor, sub)
    with clock.frozen(claim.deadline_at - dt.timedelta(seconds=1)):
        assert "claims_escalate_due" in run_due()
    claim.refresh_from_db()
    assert claim.state == C.OPEN
    with clock.frozen(claim.deadline_at + dt.timedelta(minutes=5)):
        assert "claims_escalate_due" in run_due()
    claim.refresh_from_db()
    assert (claim.state, claim.escalation_reason) == (C.ESCALATED, "deadline")
    # the operator decides within 3 business days: Wednesday 11:05 in Paris → Monday 11:05
    assert claim.deadline_at == dt.datetime(2027, 2, 8, 10, 5, tzinfo=dt.UTC)
    with clock.frozen(claim.deadline_at + dt.timedelta(days=30)):
        assert claims_escalate_due() == 0  # an escalated claim is the operator's: it waits for its decision


@pytest.mark.django_db(transaction=True)  # the gateway refund is sent after commit
def test_a_refund_goes_through_the_returns_refund_path(marketplace, customer, customer_actor):
    sub = sell_and_ship(marketplace, customer, fr_offer(marketplace, price_minor=49900))
    claim = open_claim(customer_actor, sub)
    with clock.frozen(LATER):
        claim = claims.claim_answer(actor=merchant_of(sub), claim_id=claim.pk, resolution="refund")
        drain()
    line = OrderLine.objects.get(pk=claim.order_line_id)
    assert (claim.state, claim.refund_minor, claim.decided_by, line.state) == (C.REFUNDED, 49900, "merchant", 6)
    refund = Refund.objects.get()
    assert (refund.pk, refund.amount_minor, refund.status) == (claim.refund_id, 49900, "done")
    refunded = LedgerEntry.objects.filter(transaction__suborder=sub, transaction__kind="refund")
    assert sum(e.amount_minor for e in refunded) == 0 and refunded.exists()
    assert ledger_sums() == {}
    assert Invoice.objects.get(kind="credit_note").total_minor == -49900


def test_a_second_refund_is_refused(marketplace, customer, customer_actor):
    sub = sell_and_ship(marketplace, customer, fr_offer(marketplace))
    claim = reach(C.REFUNDED, customer_actor, sub)
    with clock.frozen(LATER + dt.timedelta(days=1)):
        claims.claim_message_customer(actor=customer_actor, public_id=claim.public_id, body="Still?")
    before = snapshot(claim)
    assert before[0] == C.OPEN  # reopened by the message
    with clock.frozen(LATER + dt.timedelta(days=2)), pytest.raises(DomainError) as err:
        claims.claim_answer(actor=merchant_of(sub), claim_id=claim.pk, resolution="refund")
    assert (err.value.code, err.value.status) == ("AFTERSALES_ALREADY_REFUNDED", 409)
    assert snapshot(claim) == before


def test_a_returned_and_refunded_line_cannot_be_claimed(marketplace, customer, customer_actor):
    from remarket.aftersales import services

    sub = sell_and_ship(marketplace, customer, fr_offer(marketplace))
    request = open_return(customer_actor, sub, at=dt.datetime(2026, 10, 10, 9, 0, tzinfo=dt.UTC))
    with clock.frozen(dt.datetime(2026, 10, 12, 9, 0, tzinfo=dt.UTC)):
        services.return_receive(actor=merchant_of(sub), return_id=request.pk)
        services.return_inspect(actor=merchant_of(sub), return_id=request.pk)
    with pytest.raises(DomainError) as err:
        open_claim(customer_actor, sub)
    assert err.value.code == "AFTERSALES_ALREADY_REFUNDED"
    assert not WarrantyClaim.objects.exists()


def test_a_message_to_a_closed_claim_reopens_it_with_a_new_deadline(marketplace, customer, customer_actor):
    sub = sell_and_ship(marketplace, customer, fr_offer(marketplace))
    claim = reach(C.REFUSED, customer_actor, sub)
    at = dt.datetime(2027, 3, 1, 8, 0, tzinfo=dt.UTC)  # a Monday, 9:00 in Paris
    with clock.frozen(at):
        claims.claim_message_merchant(actor=merchant_of(sub), claim_id=claim.pk, body="Send it again, we look.")
    claim.refresh_from_db()
    assert (claim.state, claim.refusal_reason, claim.closed_at) == (C.OPEN, "", None)
    assert claim.deadline_at == dt.datetime(2027, 3, 3, 8, 0, tzinfo=dt.UTC)


def test_the_operator_decides_an_escalated_claim(marketplace, customer, customer_actor):
    sub = sell_and_ship(marketplace, customer, fr_offer(marketplace, price_minor=30000))
    claim = reach(C.ESCALATED, customer_actor, sub)
    with pytest.raises(DomainError) as err:
        claims.claim_answer(actor=merchant_of(sub), claim_id=claim.pk, resolution="refuse", reason="No.")
    assert err.value.code == "AFTERSALES_CLAIM_ESCALATED"
    with pytest.raises(DomainError) as err:
        claims.claim_decide(actor=Actor.of(customer), claim_id=claim.pk, resolution="refund")
    assert err.value.code == "AUTH_FORBIDDEN"
    claim = claims.claim_decide(actor=OPERATOR, claim_id=claim.pk, resolution="refund")
    assert (claim.state, claim.decided_by, claim.refund_minor) == (C.REFUNDED, "operator", 30000)


def test_a_claim_after_the_warranty_is_refused(marketplace, customer, customer_actor):
    sub = sell_and_ship(marketplace, customer, fr_offer(marketplace))
    with pytest.raises(DomainError) as err:
        open_claim(customer_actor, sub, at=dt.datetime(2027, 10, 9, 8, 0, tzinfo=dt.UTC))
    assert (err.value.code, err.value.status) == ("AFTERSALES_WARRANTY_EXPIRED", 409)
    assert err.value.details == {"warranty_until": "2027-10-08"}
    assert open_claim(customer_actor, sub, at=dt.datetime(2027, 10, 8, 20, 0, tzinfo=dt.UTC)).state == C.OPEN


def test_a_longer_warranty_counts(marketplace, customer, customer_actor):
    listing = fr_offer(marketplace)
    listing.warranty_months = 24
    listing.save(update_fields=["warranty_months"])
    sub = sell_and_ship(marketplace, customer, listing)
    claim = open_claim(customer_actor, sub, at=dt.datetime(2028, 5, 2, 8, 0, tzinfo=dt.UTC))
    assert claim.warranty_until == dt.date(2028, 10, 8)


@pytest.mark.parametrize(
    ("photos", "code"),
    [
        ([b"GIF89a" + b"\x00" * 20], "AFTERSALES_PHOTO_NOT_IMAGE"),
        ([b"\x89PNG\r\n\x1a\n" + b"\x00" * PHOTO_MAX_BYTES], "AFTERSALES_PHOTO_TOO_LARGE"),
        ([PNG] * 6, "AFTERSALES_PHOTOS_TOO_MANY"),
    ],
)
def test_bad_photos_are_refused_and_nothing_is_made(marketplace, customer, customer_actor, photos, code):
    sub = sell_and_ship(marketplace, customer, fr_offer(marketplace))
    with pytest.raises(DomainError) as err:
        open_claim(customer_actor, sub, photos=photos)
    assert err.value.code == code
    assert not WarrantyClaim.objects.exists() and not ClaimAttachment.objects.exists()
    claim = open_claim(customer_actor, sub)
    before = snapshot(claim)
    with clock.frozen(LATER), pytest.raises(DomainError) as err:
        claims.claim_message_merchant(actor=merchant_of(sub), claim_id=claim.pk, body="Photo?", photos=photos)
    assert err.value.code == code
    assert snapshot(claim) == before


@pytest.mark.parametrize(
    ("kw", "code"),
    [
        ({"issue": "cracked"}, "AFTERSALES_CLAIM_ISSUE_INVALID"),
        ({"problem": "   "}, "AFTERSALES_CLAIM_PROBLEM_INVALID"),
        ({"problem": "x" * 2001}, "AFTERSALES_CLAIM_PROBLEM_INVALID"),
        ({"problem": "bad\x00byte"}, "AFTERSALES_CLAIM_PROBLEM_INVALID"),
        ({"wanted": "refuse"}, "AFTERSALES_CLAIM_WISH_INVALID"),
    ],
)
def test_bad_claims_are_refused(marketplace, customer, customer_actor, kw, code):
    sub = sell_and_ship(marketplace, customer, fr_offer(marketplace))
    with pytest.raises(DomainError) as err:
        open_claim(customer_actor, sub, **kw)
    assert err.value.code == code
    assert not WarrantyClaim.objects.exists()


def test_one_claim_under_way_per_line_and_not_before_shipping(marketplace, customer, customer_actor):
    sub = sell_and_ship(marketplace, customer, fr_offer(marketplace))
    open_claim(customer_actor, sub)
    with pytest.raises(DomainError) as err:
        open_claim(customer_actor, sub)
    assert err.value.code == "AFTERSALES_CLAIM_ALREADY_OPEN"
    unshipped = sell_and_ship(marketplace, customer, fr_offer(marketplace), ship=False)
    with pytest.raises(DomainError) as err:
        open_claim(customer_actor, unshipped)
    assert err.value.code == "AFTERSALES_NOT_SHIPPED"
    assert WarrantyClaim.objects.count() == 1


def test_a_refusal_needs_a_reason(marketplace, customer, customer_actor):
    sub = sell_and_ship(marketplace, customer, fr_offer(marketplace))
    claim = open_claim(customer_actor, sub)
    before = snapshot(claim)
    for bad in ("", "x" * 501):
        with pytest.raises(DomainError) as err:
            claims.claim_answer(actor=merchant_of(sub), claim_id=claim.pk, resolution="refuse", reason=bad)
        assert err.value.code == "AFTERSALES_REFUSAL_REASON_REQUIRED"
    with pytest.raises(DomainError) as err:
        claims.claim_answer(actor=merchant_of(sub), claim_id=claim.pk, resolution="ignore")
    assert err.value.code == "AFTERSALES_RESOLUTION_INVALID"
    assert snapshot(claim) == before


def test_another_merchant_or_customer_finds_nothing(marketplace, customer, customer_actor):
    sub = sell_and_ship(marketplace, customer, fr_offer(marketplace))
    claim = open_claim(customer_actor, sub)
    before = snapshot(claim)
    other = Actor(user_id=None, role=Role.MERCHANT, merchant_id=MerchantFactory().pk)
    for call in (
        lambda: claims.claim_answer(actor=other, claim_id=claim.pk, resolution="refund"),
        lambda: claims.claim_message_merchant(actor=other, claim_id=claim.pk, body="Hi"),
        lambda: claims.claim_transfer(
            actor=other, claim_id=claim.pk, carrier="UPS", tracking_number="1", action="REPAIR"
        ),
        lambda: claims.orderline_refund_by_seller(actor=other, orderline_id=claim.order_line_id, refund_type=6),
    ):
        with pytest.raises(DomainError) as err:
            call()
        assert err.value.status == 404
    stranger = Actor.of(UserFactory(role=Role.CUSTOMER))
    with pytest.raises(DomainError) as err:
        claims.claim_message_customer(actor=stranger, public_id=claim.public_id, body="Hi")
    assert (err.value.code, err.value.status) == ("AFTERSALES_CLAIM_NOT_FOUND", 404)
    with pytest.raises(DomainError) as err:
        open_claim(stranger, sub)
    assert (err.value.code, err.value.status) == ("AFTERSALES_LINE_NOT_FOUND", 404)
    assert snapshot(claim) == before


def test_problems_and_transfers(marketplace, customer, customer_actor):
    sub = sell_and_ship(marketplace, customer, fr_offer(marketplace))
    claim = open_claim(customer_actor, sub)
    merchant = merchant_of(sub)
    with pytest.raises(DomainError) as err:
        claims.claim_message_merchant(actor=merchant, claim_id=claim.pk, body="", problem_type="OOW_ITEM")
    assert (err.value.code, err.value.status) == ("AFTERSALES_PROBLEM_PROOF_REQUIRED", 422)
    with pytest.raises(DomainError) as err:
        claims.claim_message_merchant(actor=merchant, claim_id=claim.pk, body="", problem_type="BROKEN")
    assert err.value.code == "AFTERSALES_PROBLEM_TYPE_INVALID"
    with clock.frozen(LATER):
        message = claims.claim_message_merchant(
            actor=merchant, claim_id=claim.pk, body="Water marks inside.", problem_type="OOW_ITEM", photos=[PNG]
        )
    claim.refresh_from_db()
    assert (message.problem_type, claim.state, claim.answered_at) == ("OOW_ITEM", C.OPEN, LATER)
    with clock.frozen(LATER):
        claims.claim_transfer(actor=merchant, claim_id=claim.pk, carrier="DHL", tracking_number="X1", action="REPAIR")
    second = open_claim(
        customer_actor, sell_and_ship(marketplace, customer, fr_offer(marketplace, merchant=sub.merchant))
    )
    with pytest.raises(DomainError) as err:
        claims.claim_transfer(actor=merchant, claim_id=second.pk, carrier="DHL", tracking_number="X1", action="REPAIR")
    assert err.value.code == "AFTERSALES_TRANSFER_DUPLICATE"
    with pytest.raises(DomainError) as err:
        claims.claim_transfer(actor=merchant, claim_id=second.pk, carrier="DHL", tracking_number="X2", action="FIX")
    assert err.value.code == "AFTERSALES_TRANSFER_ACTION_INVALID"
    with clock.frozen(LATER):
        claims.claim_transfer(actor=merchant, claim_id=second.pk, carrier="DHL", tracking_number="X2", action="NOTHING")
    second.refresh_from_db()
    assert second.state == C.REFUSED and second.refusal_reason


def test_mails_at_each_step_in_the_markets_language(marketplace, customer, customer_actor):
    sub = sell_and_ship(marketplace, customer, fr_offer(marketplace))
    staff = UserFactory(role=Role.MERCHANT, merchant=sub.merchant, email="sav@seller.example")
    mail.outbox.clear()
    claim = open_claim(customer_actor, sub)
    with clock.frozen(CLAIM_AT):
        drain()
    to_customer = [m for m in mail.outbox if m.to == ["buyer@example.com"]]
    to_staff = [m for m in mail.outbox if m.to == [staff.email]]
    assert [m.subject for m in to_customer] == ["Votre demande de garantie"]
    assert "deux jours ouvrés" in to_customer[0].body
    assert len(to_staff) == 1 and str(claim.pk) in to_staff[0].body
    mail.outbox.clear()
    with clock.frozen(LATER):
        claims.claim_answer(actor=merchant_of(sub), claim_id=claim.pk, resolution="repair")
        drain()
    assert [m.to for m in mail.outbox] == [["buyer@example.com"]]
    assert "réparer" in mail.outbox[0].body


def test_the_database_keeps_every_claim_under_way_with_a_deadline(marketplace, customer, customer_actor):
    from django.db import IntegrityError, transaction

    sub = sell_and_ship(marketplace, customer, fr_offer(marketplace))
    claim = open_claim(customer_actor, sub)
    for values in ({"deadline_at": None}, {"state": "refunded"}, {"state": "refused"}):
        with pytest.raises(IntegrityError), transaction.atomic():
            WarrantyClaim.objects.filter(pk=claim.pk).update(**values)
    WarrantyClaim.objects.filter(pk=claim.pk).update(state="repaired", deadline_at=None)  # closed: no deadline
