"""The customer's trade-in and the merchant's inspection through the services: each allowed move, each refusal
with its code and nothing changed, tenancy, deadlines on the injected clock, the payout in the ledger once."""

import datetime as dt

import pytest
from django.core import mail
from django.db.models import Sum

from remarket.buyback import services
from remarket.buyback.listings import buyback_listing_prices_update, buyback_listing_publish
from remarket.buyback.models import BuybackPrice, IdentityCheck, Status, TradeIn, TradeInFile
from remarket.core import clock
from remarket.core.errors import DomainError
from remarket.events.outbox import drain
from remarket.ledger.models import Account, LedgerEntry, LedgerTransaction
from remarket.ledger.services import ledger_balance

from .conftest import FLAWLESS, GOOD, IDENTITY, PNG

pytestmark = pytest.mark.django_db
S = Status


def _snapshot(tradein_id):
    t = TradeIn.objects.get(pk=tradein_id)
    return (t.status, t.counter_minor, t.paid_minor, t.payout_id, t.modified_at, LedgerTransaction.objects.count())


def _accepted(bb, marketplace, answers=FLAWLESS, identity=IDENTITY):
    return services.tradein_accept(
        actor=bb.customer_actor, market=marketplace.fr, variant_id=bb.variant.pk, answers=answers, identity=identity
    )


def _received(bb, marketplace, answers=FLAWLESS):
    t = _accepted(bb, marketplace, answers)
    services.tradein_ship(actor=bb.customer_actor, reference=t.reference, tracking_number="8R41352499203")
    return services.tradein_receive(actor=bb.merchant_actor, reference=t.reference)


# --- quote -------------------------------------------------------------------------------------------------


def test_the_quote_is_the_best_price_for_the_grade_the_answers_earn(bb, marketplace):
    quote = services.tradein_quote(market=marketplace.fr, variant_id=bb.variant.pk, answers=GOOD)
    assert (quote.grade, quote.price_minor, quote.currency, quote.merchant_id) == ("GOLD", 20000, "EUR", bb.merchant.pk)
    buyback_listing_publish(actor=bb.rival_actor, variant_id=bb.variant.pk, grade="GOLD", prices={"FR": (21000, "EUR")})
    quote = services.tradein_quote(market=marketplace.fr, variant_id=bb.variant.pk, answers=GOOD)
    assert (quote.price_minor, quote.merchant_id) == (21000, bb.rival.pk)


def test_a_listing_priced_zero_is_offline_and_a_suspended_merchant_buys_nothing(bb, marketplace):
    buyback_listing_prices_update(actor=bb.merchant_actor, public_id=bb.listing.public_id, prices={"FR": (0, "EUR")})
    with pytest.raises(DomainError) as err:
        services.tradein_quote(market=marketplace.fr, variant_id=bb.variant.pk, answers=FLAWLESS)
    assert (err.value.code, err.value.status) == ("BUYBACK_NO_BUYER", 422)
    bb.merchant.status = "suspended"
    bb.merchant.save()
    with pytest.raises(DomainError, match="Nobody"):
        services.tradein_quote(market=marketplace.fr, variant_id=bb.variant.pk, answers=GOOD)


def test_a_model_nobody_buys_back_is_refused_and_nothing_is_made(bb, marketplace):
    from ..factories import VariantFactory

    other = VariantFactory()
    with pytest.raises(DomainError) as err:
        services.tradein_accept(actor=bb.customer_actor, market=marketplace.fr, variant_id=other.pk, answers=FLAWLESS)
    assert err.value.code == "BUYBACK_NO_BUYER"
    assert not TradeIn.objects.exists()
    with pytest.raises(DomainError) as err:  # not in this market either
        services.tradein_quote(market=marketplace.us, variant_id=bb.variant.pk, answers=FLAWLESS)
    assert err.value.code == "BUYBACK_NO_BUYER"


def test_bad_answers_and_unknown_devices_are_refused(bb, marketplace):
    with pytest.raises(DomainError) as err:
        services.tradein_quote(market=marketplace.fr, variant_id=bb.variant.pk, answers={**FLAWLESS, "screen": "?"})
    assert err.value.code == "BUYBACK_ANSWERS_INVALID"
    assert set(err.value.details["questions"]) == {"turns_on", "functional", "screen", "body", "battery"}
    with pytest.raises(DomainError) as err:
        services.tradein_quote(market=marketplace.fr, variant_id="nope", answers=FLAWLESS)
    assert (err.value.code, err.value.status) == ("BUYBACK_VARIANT_NOT_FOUND", 404)


# --- accept, identity, send --------------------------------------------------------------------------------


def test_accepting_with_a_passing_identity_issues_the_label_and_the_21_day_deadline(bb, marketplace):
    t = _accepted(bb, marketplace)
    assert (t.status, t.quote_minor, t.grade, t.merchant_id, t.listing_id) == (
        S.TO_SEND,
        30000,
        "DIAMOND",
        bb.merchant.pk,
        bb.listing.pk,
    )
    assert t.ship_by == clock.now() + dt.timedelta(days=21)
    assert t.label_reference == f"TI{t.pk:08d}" and t.shipper == "remarket trade-in"
    assert (t.first_name, t.last_name, t.birth_date) == ("Camille", "Durand", dt.date(1988, 4, 12))
    check = IdentityCheck.objects.get(trade_in=t)
    assert (check.outcome, check.problems) == ("passed", [])
    assert t.reference.startswith("FR-") and len(t.reference) == 14


def test_a_failed_identity_is_stored_and_the_trade_in_waits_for_a_correction(bb, marketplace):
    t = _accepted(bb, marketplace, identity={**IDENTITY, "birth_date": "2012-01-01"})
    assert t.status == S.PENDING
    check = IdentityCheck.objects.get(trade_in=t)
    assert (check.outcome, check.problems) == ("failed", ["under_age"])
    again = services.tradein_identity(
        actor=bb.customer_actor,
        reference=t.reference,
        identity={**IDENTITY, "address": {**IDENTITY["address"], "postcode": "x"}},
    )
    assert again.outcome == "failed" and TradeIn.objects.get(pk=t.pk).status == S.PENDING
    services.tradein_identity(actor=bb.customer_actor, reference=t.reference, identity=IDENTITY)
    assert TradeIn.objects.get(pk=t.pk).status == S.TO_SEND
    assert list(IdentityCheck.objects.filter(trade_in=t).order_by("pk").values_list("outcome", flat=True)) == [
        "failed",
        "failed",
        "passed",
    ]


def test_accept_then_identity_from_new(bb, marketplace):
    t = services.tradein_accept(
        actor=bb.customer_actor, market=marketplace.fr, variant_id=bb.variant.pk, answers=FLAWLESS
    )
    assert t.status == S.NEW
    services.tradein_identity(actor=bb.customer_actor, reference=t.reference, identity=IDENTITY)
    assert TradeIn.objects.get(pk=t.pk).status == S.TO_SEND
    with pytest.raises(DomainError) as err:  # once TO_SEND, the identity is done
        services.tradein_identity(actor=bb.customer_actor, reference=t.reference, identity=IDENTITY)
    assert err.value.code == "BUYBACK_TRANSITION_REFUSED"


def test_a_quote_that_moved_since_the_customer_saw_it_is_refused(bb, marketplace):
    with pytest.raises(DomainError) as err:
        services.tradein_accept(
            actor=bb.customer_actor,
            market=marketplace.fr,
            variant_id=bb.variant.pk,
            answers=FLAWLESS,
            quote_minor=29000,
        )
    assert (err.value.code, err.value.details) == ("BUYBACK_QUOTE_CHANGED", {"quote_minor": 30000})
    assert not TradeIn.objects.exists()


def test_a_guest_must_log_in_to_sell(bb, marketplace):
    from remarket.accounts.permissions import Actor

    with pytest.raises(DomainError) as err:
        services.tradein_accept(
            actor=Actor(None, "customer"), market=marketplace.fr, variant_id=bb.variant.pk, answers=FLAWLESS
        )
    assert (err.value.code, err.value.status) == ("BUYBACK_LOGIN_REQUIRED", 401)


def test_shipping_after_the_deadline_is_refused_and_the_job_cancels_it(bb, marketplace):
    t = _accepted(bb, marketplace)
    clock.advance(dt.timedelta(days=21, seconds=1))
    before = _snapshot(t.pk)
    with pytest.raises(DomainError) as err:
        services.tradein_ship(actor=bb.customer_actor, reference=t.reference)
    assert err.value.code == "BUYBACK_SHIP_DEADLINE_PASSED"
    assert _snapshot(t.pk) == before
    assert services.tradeins_expire() == 1
    assert TradeIn.objects.get(pk=t.pk).status == S.CANCELLED
    assert services.tradeins_expire() == 0


def test_the_deadline_is_exact(bb, marketplace):
    t = _accepted(bb, marketplace)
    clock.advance(dt.timedelta(days=21))
    assert services.tradeins_expire() == 0  # due at the deadline, not before
    services.tradein_ship(actor=bb.customer_actor, reference=t.reference)
    assert TradeIn.objects.get(pk=t.pk).status == S.SENT


def test_the_customer_cancels_before_sending(bb, marketplace):
    t = _accepted(bb, marketplace)
    services.tradein_cancel(actor=bb.customer_actor, reference=t.reference)
    assert TradeIn.objects.get(pk=t.pk).status == S.CANCELLED


def test_handed_in_at_a_location_offering_trade_in(bb, marketplace, corner):
    location, clerk = corner
    t = _accepted(bb, marketplace)
    services.tradein_hand_in(actor=clerk, reference=t.reference.lower())
    t.refresh_from_db()
    assert (t.status, t.mode, t.location_id) == (S.SENT, "location", location.pk)


def test_a_location_without_trade_in_refuses_the_hand_in(bb, marketplace, corner):
    location, clerk = corner
    location.service_trade_in = False
    location.save()
    t = _accepted(bb, marketplace)
    with pytest.raises(DomainError) as err:
        services.tradein_hand_in(actor=clerk, reference=t.reference)
    assert (err.value.code, err.value.status) == ("BUYBACK_LOCATION_NO_TRADE_IN", 403)
    assert TradeIn.objects.get(pk=t.pk).status == S.TO_SEND


# --- the merchant ------------------------------------------------------------------------------------------


def test_validate_pays_the_customer_through_the_ledger_once(bb, marketplace):
    t = _received(bb, marketplace)
    assert t.reply_by == clock.now() + dt.timedelta(days=5)
    services.tradein_validate(actor=bb.merchant_actor, reference=t.reference)
    t.refresh_from_db()
    assert (t.status, t.paid_minor) == (S.PAID, 30000)
    entries = list(
        LedgerEntry.objects.filter(transaction=t.payout).values_list("account", "merchant_id", "amount_minor")
    )
    assert sorted(entries) == sorted(
        [(Account.MERCHANT_PAYABLE, bb.merchant.pk, 30000), (Account.TRADEIN_PAYABLE, None, -30000)]
    )
    drain()  # the transfer to the customer's bank
    t.refresh_from_db()
    assert t.status == S.MONEY_TRANSFERED
    assert ledger_balance(account=Account.TRADEIN_PAYABLE, currency="EUR") == 0
    assert ledger_balance(account=Account.BANK, currency="EUR") == -30000
    assert LedgerEntry.objects.aggregate(s=Sum("amount_minor"))["s"] == 0
    before = _snapshot(t.pk)
    for again in (services.tradein_validate, services.tradein_pay_again):
        with pytest.raises(DomainError) as err:
            again(actor=bb.merchant_actor, reference=t.reference)
        assert err.value.code in ("BUYBACK_TRANSITION_REFUSED", "BUYBACK_ALREADY_PAID")
    assert _snapshot(t.pk) == before
    drain()
    assert LedgerTransaction.objects.filter(kind="tradein_transfer").count() == 1


def test_a_second_payout_is_refused(bb, marketplace):
    t = _received(bb, marketplace)
    services.tradein_validate(actor=bb.merchant_actor, reference=t.reference)
    with pytest.raises(DomainError) as err:
        services.tradein_pay_again(actor=bb.merchant_actor, reference=t.reference)
    assert (err.value.code, err.value.status) == ("BUYBACK_ALREADY_PAID", 409)
    assert LedgerTransaction.objects.filter(kind="tradein_payout").count() == 1


def test_counter_offer_then_accepted_pays_the_lower_price(bb, marketplace):
    t = _received(bb, marketplace)
    services.tradein_counter_offer(
        actor=bb.merchant_actor,
        reference=t.reference,
        price_minor=24000,
        reasons=["scratched_screen"],
        files=[("screen.png", PNG)],
        comment="The screen is scratched.",
    )
    t.refresh_from_db()
    assert (t.status, t.counter_minor, t.counter_reasons) == (S.COUNTER_PROPOSAL, 24000, ["scratched_screen"])
    assert t.answer_by == clock.now() + dt.timedelta(days=7)
    assert TradeInFile.objects.get(trade_in=t).content_type == "image/png"
    services.tradein_counter_accept(actor=bb.customer_actor, reference=t.reference)
    t.refresh_from_db()
    assert (t.status, t.paid_minor) == (S.PAID, 24000)
    assert LedgerEntry.objects.get(transaction=t.payout, account=Account.MERCHANT_PAYABLE).amount_minor == 24000


def test_counter_offer_refused_or_unanswered_sends_the_device_back(bb, marketplace):
    first = _received(bb, marketplace)
    second = _received(bb, marketplace)
    for t in (first, second):
        services.tradein_counter_offer(
            actor=bb.merchant_actor,
            reference=t.reference,
            price_minor=100,
            reasons=["body_dented"],
            files=[("a.jpg", b"\xff\xd8\xff\xe0")],
        )
    services.tradein_counter_refuse(actor=bb.customer_actor, reference=first.reference)
    assert TradeIn.objects.get(pk=first.pk).status == S.RETURNED
    clock.advance(dt.timedelta(days=7))
    assert services.tradeins_expire() == 0
    clock.advance(dt.timedelta(seconds=1))
    assert services.tradeins_expire() == 1
    assert TradeIn.objects.get(pk=second.pk).status == S.RETURNED
    assert not LedgerTransaction.objects.filter(kind="tradein_payout").exists()


def test_a_customer_cannot_answer_a_counter_offer_nobody_made(bb, marketplace):
    """Accepting or refusing with no counter-offer pending would validate (and pay) or send back the customer's
    own device: both are the merchant's moves."""
    t = _received(bb, marketplace)
    before = _snapshot(t.pk)
    for answer in (services.tradein_counter_accept, services.tradein_counter_refuse):
        with pytest.raises(DomainError) as err:
            answer(actor=bb.customer_actor, reference=t.reference)
        assert (err.value.code, err.value.status) == ("BUYBACK_NO_COUNTER_OFFER", 409)
    assert _snapshot(t.pk) == before
    assert not LedgerTransaction.objects.filter(kind="tradein_payout").exists()


@pytest.mark.parametrize(
    "over, code",
    [
        ({"price_minor": 30000}, "BUYBACK_COUNTER_ABOVE_QUOTE"),
        ({"price_minor": 45000}, "BUYBACK_COUNTER_ABOVE_QUOTE"),
        ({"price_minor": 0}, "BUYBACK_COUNTER_PRICE_INVALID"),
        ({"reasons": []}, "BUYBACK_COUNTER_REASON_INVALID"),
        ({"reasons": ["ugly"]}, "BUYBACK_COUNTER_REASON_INVALID"),
        ({"files": []}, "BUYBACK_COUNTER_PROOF_REQUIRED"),
        ({"files": [("x.gif", b"GIF89a")]}, "BUYBACK_FILE_TYPE"),
        ({"files": [("x.png", PNG + b"\x00" * (5 * 1024 * 1024))]}, "BUYBACK_FILE_TOO_LARGE"),
        ({"comment": "x" * 201}, "BUYBACK_COMMENT_TOO_LONG"),
    ],
)
def test_a_bad_counter_offer_is_refused_and_nothing_changes(bb, marketplace, over, code):
    t = _received(bb, marketplace)
    before = _snapshot(t.pk)
    values = dict(price_minor=20000, reasons=["scratched_screen"], files=[("a.png", PNG)], comment="")
    values.update(over)
    with pytest.raises(DomainError) as err:
        services.tradein_counter_offer(actor=bb.merchant_actor, reference=t.reference, **values)
    assert err.value.code == code
    assert _snapshot(t.pk) == before
    assert not TradeInFile.objects.exists()


def test_suspend_resume_and_send_back(bb, marketplace):
    t = _received(bb, marketplace)
    with pytest.raises(DomainError) as err:
        services.tradein_suspend(actor=bb.merchant_actor, reference=t.reference, reasons=["moon_phase"])
    assert err.value.code == "BUYBACK_SUSPEND_REASON_INVALID"
    services.tradein_suspend(actor=bb.merchant_actor, reference=t.reference, reasons=["icloud_locked"])
    t.refresh_from_db()
    assert (t.status, t.suspend_reasons) == (S.SUSPENDED, ["icloud_locked"])
    services.tradein_resume(actor=bb.merchant_actor, reference=t.reference)
    assert TradeIn.objects.get(pk=t.pk).status == S.RECEIVED
    services.tradein_suspend(actor=bb.merchant_actor, reference=t.reference, reasons=["blacklisted"])
    services.tradein_send_back(actor=bb.merchant_actor, reference=t.reference)
    assert TradeIn.objects.get(pk=t.pk).status == S.RETURNED


def test_a_parcel_arriving_unannounced_is_received_from_to_send(bb, marketplace):
    t = _accepted(bb, marketplace)
    services.tradein_receive(actor=bb.merchant_actor, reference=t.reference)
    assert TradeIn.objects.get(pk=t.pk).status == S.RECEIVED


def test_moves_out_of_order_are_refused(bb, marketplace):
    t = _accepted(bb, marketplace)
    before = _snapshot(t.pk)
    for move in (services.tradein_validate, services.tradein_resume, services.tradein_send_back):
        with pytest.raises(DomainError) as err:
            move(actor=bb.merchant_actor, reference=t.reference)
        assert err.value.code == "BUYBACK_TRANSITION_REFUSED"
    with pytest.raises(DomainError):
        services.tradein_counter_accept(actor=bb.customer_actor, reference=t.reference)
    assert _snapshot(t.pk) == before


# --- tenancy -----------------------------------------------------------------------------------------------


def test_another_merchant_cannot_act_on_the_trade_in(bb, marketplace):
    t = _received(bb, marketplace)
    before = _snapshot(t.pk)
    moves = [
        lambda: services.tradein_validate(actor=bb.rival_actor, reference=t.reference),
        lambda: services.tradein_suspend(actor=bb.rival_actor, reference=t.reference, reasons=["parcel_empty"]),
        lambda: services.tradein_counter_offer(
            actor=bb.rival_actor,
            reference=t.reference,
            price_minor=100,
            reasons=["body_dented"],
            files=[("a.png", PNG)],
        ),
        lambda: services.tradein_message_post(actor=bb.rival_actor, reference=t.reference, body="hi"),
    ]
    for move in moves:
        with pytest.raises(DomainError) as err:
            move()
        assert (err.value.code, err.value.status) == ("BUYBACK_ORDER_NOT_FOUND", 404)
    assert _snapshot(t.pk) == before


def test_another_customer_cannot_see_or_act_on_the_trade_in(bb, marketplace):
    from remarket.buyback.selectors import tradein_for_customer

    t = _accepted(bb, marketplace)
    for move in (services.tradein_ship, services.tradein_cancel):
        with pytest.raises(DomainError) as err:
            move(actor=bb.other_customer_actor, reference=t.reference)
        assert err.value.code == "BUYBACK_ORDER_NOT_FOUND"
    with pytest.raises(DomainError):
        tradein_for_customer(actor=bb.other_customer_actor, reference=t.reference)
    assert TradeIn.objects.get(pk=t.pk).status == S.TO_SEND


def test_a_merchant_updates_only_its_own_listings(bb, marketplace):
    with pytest.raises(DomainError) as err:
        buyback_listing_prices_update(actor=bb.rival_actor, public_id=bb.listing.public_id, prices={"FR": (1, "EUR")})
    assert err.value.code == "BUYBACK_LISTING_NOT_FOUND"
    assert BuybackPrice.objects.get(listing=bb.listing).price_minor == 30000


@pytest.mark.parametrize(
    "prices, code",
    [
        ({}, "BUYBACK_PRICES_REQUIRED"),
        ({"XX": (100, "EUR")}, "BUYBACK_MARKET_UNKNOWN"),
        ({"FR": (100, "USD")}, "BUYBACK_CURRENCY_MISMATCH"),
        ({"FR": (-1, "EUR")}, "BUYBACK_PRICE_INVALID"),
    ],
)
def test_bad_prices_are_refused(bb, marketplace, prices, code):
    with pytest.raises(DomainError) as err:
        buyback_listing_prices_update(actor=bb.merchant_actor, public_id=bb.listing.public_id, prices=prices)
    assert err.value.code == code
    assert BuybackPrice.objects.get(listing=bb.listing).price_minor == 30000


# --- mail ----------------------------------------------------------------------------------------------------


def test_each_step_mails_the_customer_in_the_market_language(bb, marketplace):
    mail.outbox.clear()
    t = _received(bb, marketplace)
    services.tradein_validate(actor=bb.merchant_actor, reference=t.reference)
    drain()
    drain()
    assert all(m.to == [bb.customer.email] for m in mail.outbox)
    assert all(m.subject == f"Votre reprise {t.reference}" for m in mail.outbox)
    bodies = "\n".join(m.body for m in mail.outbox)
    assert "étiquette gratuite" in bodies and "virés sur votre compte bancaire" in bodies
    assert len(mail.outbox) == 6  # new, to send, sent, received, paid, transferred
