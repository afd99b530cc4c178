"""Buying: the order exists before money moves.

1. `checkout_start` reserves stock, creates the order and its payment intent in one transaction.
2. `checkout_pay` calls the gateway outside any transaction.
3. `checkout_settle` records each gateway answer (direct, webhook or reconciler) and moves the order."""

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from remarket.catalog.models import ProductModel, Variant
from remarket.catalog.selectors import category_commission_bp
from remarket.core import clock
from remarket.core.crash import crash_point
from remarket.core.db import assert_outside_transaction, update_rows
from remarket.core.errors import DomainError, NotFound
from remarket.core.money import fmt
from remarket.events.outbox import emit
from remarket.ledger.commission import commission_bp
from remarket.ledger.services import ledger_record_unhonoured_capture
from remarket.markets.models import Channel, Location, Market
from remarket.markets.tax import ShipTo, ship_to_of
from remarket.merchants.models import Merchant
from remarket.offers.models import Listing, ListingMarket, ShippingOption
from remarket.offers.selectors import offers_on_sale
from remarket.offers.stock import Units, stock_release, stock_reserve
from remarket.orders.models import Order, OrderLine
from remarket.orders.pickups import pickup_location_get, pickups_open
from remarket.orders.selectors import order_lock, order_lock_of_payment
from remarket.orders.services import PricedLine, order_create, order_paid, order_unpaid
from remarket.payments.gateway import GatewayResult, GatewayTimeout, gateway
from remarket.payments.models import PaymentIntent
from remarket.payments.services import (
    CAPTURE_UNHONOURED,
    capture_arrived_late,
    payment_intent_create,
    payment_intent_lock,
    payment_intent_record,
    payment_intent_submit,
    refund_request,
    refunds_execute,
)

from .limits import Holder, holds_limit_check, max_line_quantity
from .models import StockHold
from .pickup import pickup_address
from .shipping import Choice, shipping_pick, suborder_options
from .validation import address_validate, email_validate


@dataclass(frozen=True)
class Item:
    listing_id: int
    quantity: int = 1
    location_id: int | None = None  # set for over-the-counter sales from a location's stock


def hold_duration() -> dt.timedelta:
    return dt.timedelta(minutes=settings.REMARKET["HOLD_MINUTES"])


def checkout_start(
    *,
    market: Market,
    channel: Channel,
    items: list[Item],
    email: str,
    shipping_address: dict | None = None,
    customer_id: int | None = None,
    clerk_id: int | None = None,
    location_id: int | None = None,
    shipping_choice: dict[int, str] | None = None,
    holder: Holder | None = None,
    checkout_key: str = "",
    expected_total_minor: int | None = None,
    pickup_location_id: int | None = None,
    location: Location | None = None,
) -> Order:
    """Reserve, create the order (awaiting payment) with one sub-order per merchant, hold, and open the payment
    intent — one transaction. `shipping_choice` names a carrier per merchant id (default: the cheapest);
    counter sales ship nothing. `holder`: who checks out, for the limits on holds (checkout/limits.py).
    `checkout_key`: the cart version checked out, scoped to its owner — the same key again, at once or later,
    returns the order it made (with `replayed` set) instead of a second one. `expected_total_minor`: the total the
    customer was shown; any other total is refused (CHECKOUT_TOTAL_CHANGED, nothing held), so nobody is charged
    an amount they did not see. `pickup_location_id`: click & collect — the parcels ship free to that location,
    to the customer's name (`shipping_address` gives the name and phone), and its place decides the tax
    (orders/pickups.py). `location`: the store's row (`location_id`'s), when the caller has read it already."""
    if checkout_key:
        existing = _order_for_key(checkout_key)
        if existing is not None:
            return existing
    if channel.kind == Channel.Kind.WEB or email:
        email = email_validate(email)
    if channel.market_id != market.pk:
        raise DomainError("CHECKOUT_CHANNEL_MARKET", _("This channel does not sell in this market."))
    pickup_location = None
    if pickup_location_id is not None:
        pickup_location = pickup_location_get(market=market, location_id=pickup_location_id)
        shipping_address = pickup_address(market=market, location=pickup_location, contact=shipping_address or {})
    elif channel.kind == Channel.Kind.WEB:
        shipping_address = address_validate(market=market, address=shipping_address or {})
    elif location_id is None:
        raise DomainError("CHECKOUT_LOCATION_REQUIRED", _("A store sale needs the store it happens in."))
    if not items:
        raise DomainError("CHECKOUT_EMPTY", _("Your cart is empty."))
    if any(i.quantity < 1 or i.quantity > max_line_quantity() for i in items):
        raise DomainError(
            "CHECKOUT_QUANTITY_INVALID", _("A quantity is between 1 and %(max)s.") % {"max": max_line_quantity()}
        )
    arguments: dict[str, Any] = dict(
        market=market,
        channel=channel,
        items=items,
        email=email,
        shipping_address=shipping_address,
        customer_id=customer_id,
        clerk_id=clerk_id,
        location_id=location_id,
        shipping_choice=shipping_choice,
        holder=holder or Holder(),
        checkout_key=checkout_key,
        expected_total_minor=expected_total_minor,
        pickup_location=pickup_location,
        location=location if location is not None and location.pk == location_id else None,
    )
    try:
        return _checkout_start(**arguments)
    except DomainError as err:
        # lapsed holds may be keeping these units: reclaim them now rather than at the worker's next pass
        if err.code != "STOCK_UNAVAILABLE" or not holds_reclaim(listing_ids=[i.listing_id for i in items]):
            raise
    return _checkout_start(**arguments)


def _order_for_key(checkout_key: str) -> Order | None:
    order = Order.objects.select_related("payment", "market").filter(hold__checkout_key=checkout_key).first()
    if order is not None:
        order.replayed = True
    return order


def _checkout_start(
    *,
    market,
    channel,
    items,
    email,
    shipping_address,
    customer_id,
    clerk_id,
    location_id,
    shipping_choice,
    holder: Holder,
    checkout_key: str,
    expected_total_minor: int | None,
    pickup_location: Location | None = None,
    location: Location | None = None,
) -> Order:
    units = sum(i.quantity for i in items)
    try:
        with transaction.atomic():
            holds_limit_check(holder=holder, units=units)
            offers = _offers_on_sale(market, [i.listing_id for i in items])
            lines = []
            for item in items:
                offer = offers.get(item.listing_id)
                if offer is None or not Merchant.status_can_sell(offer.merchant_status):
                    raise NotFound("OFFER_NOT_FOUND", _("Offer %(id)s is not for sale here.") % {"id": item.listing_id})
                lines.append(_priced_line(offer, item))
            shipping = {} if pickup_location else _shipping(channel, offers, lines, shipping_choice or {})
            order = order_create(
                market=market,
                channel=channel,
                email=email,
                lines=lines,
                currency=market.currency,
                ship_to=_ship_to(market, shipping_address, location_id, location),
                location_id=location_id,
                customer_id=customer_id,
                clerk_id=clerk_id,
                shipping_address=shipping_address,
                shipping=shipping,
                pickup_location_id=pickup_location.pk if pickup_location else None,
            )
            if expected_total_minor is not None and order.total_minor != expected_total_minor:
                raise DomainError(
                    "CHECKOUT_TOTAL_CHANGED",
                    _("The total is %(total)s, which this page did not show yet: check it, then pay.")
                    % {"total": fmt(order.total_minor, order.currency, locale=market.language.replace("-", "_"))},
                    {"total_minor": order.total_minor, "shown_minor": expected_total_minor},
                    status=409,
                )
            if pickup_location:
                pickups_open(order=order, location=pickup_location)
            hold = dict(
                order_id=order.pk,
                expires_at=order.created_at + hold_duration(),
                units=units,
                created_at=order.created_at,
                checkout_key=checkout_key,
                **holder.columns(),
            )
            payment_intent_create(order=order, along=[(StockHold, [hold])])
            # last: a listing's row stays locked from this update to the commit, so every buyer of a popular
            # offer waits for one round trip, not for the whole order to be written; no units, no order
            stock_reserve(
                (Units(i.listing_id, i.quantity, i.location_id) for i in items), order_id=order.pk, actor_id=clerk_id
            )
    except IntegrityError:
        # the same cart version checked out at the same moment: the other request's order is the one
        existing = _order_for_key(checkout_key) if checkout_key else None
        if existing is None:
            raise
        return existing
    order.replayed = False
    return order


@dataclass(frozen=True)
class _Offer:
    """What checkout reads of an offer on sale: its terms in the market, listing, merchant and shipping options."""

    listing_id: int
    price_minor: int
    currency: str
    merchant_id: int
    sku: str
    grade: str
    vat_scheme: str
    purchase_price_minor: int | None
    purchase_currency: str
    storage_gb: int | None
    colour: str
    brand: str
    model_name: str
    category_id: int | None
    merchant_status: str
    merchant_country: str
    merchant_commission_bp: int | None
    shipping: list[tuple[str, int, int]]  # (carrier, price, delay) of its terms

    @classmethod
    def of_terms(cls, term: ListingMarket, shipping: list[tuple[str, int, int]]) -> "_Offer":
        """The same, from market terms read with `select_related("listing__variant__model", "listing__merchant")`
        (checkout/quote.py)."""
        listing, merchant, variant = term.listing, term.listing.merchant, term.listing.variant
        return cls(
            listing.pk,
            term.price_minor,
            term.currency,
            listing.merchant_id,
            listing.sku,
            listing.grade,
            listing.vat_scheme,
            listing.purchase_price_minor,
            listing.purchase_currency,
            variant.storage_gb,
            variant.colour,
            variant.model.brand,
            variant.model.name,
            variant.model.category_id,
            merchant.status,
            str(merchant.country),
            merchant.commission_bp,
            shipping,
        )


def _offers_on_sale(market: Market, listing_ids: list[int]) -> dict[int, _Offer]:
    """The published offers of these listings in the market, by listing id (a listing not on sale is missing)."""
    return {
        listing_id: _Offer(*columns, shipping=shipping)
        for listing_id, (columns, shipping) in offers_on_sale(market_id=market.pk, listing_ids=listing_ids).items()
    }


@lru_cache(maxsize=4096)
def _title(brand: str, model_name: str, storage_gb: int | None, colour: str) -> str:
    """The line's title: the variant's name, as `str(variant)` gives it."""
    return str(Variant(model=ProductModel(brand=brand, name=model_name), storage_gb=storage_gb, colour=colour))


def _priced_line(offer: _Offer | ListingMarket, item: Item) -> PricedLine:
    if isinstance(offer, ListingMarket):
        offer = _Offer.of_terms(offer, [])
    return PricedLine(
        listing_id=offer.listing_id,
        merchant_id=offer.merchant_id,
        sku=offer.sku,
        title=_title(offer.brand, offer.model_name, offer.storage_gb, offer.colour),
        grade=offer.grade,
        quantity=item.quantity,
        unit_price_minor=offer.price_minor,
        location_id=item.location_id,
        merchant_country=offer.merchant_country,
        vat_scheme=offer.vat_scheme,
        purchase_price_minor=offer.purchase_price_minor,  # offers/vat.py decides whether it is the margin's basis
        purchase_currency=offer.purchase_currency,
        commission_bp=commission_bp(
            merchant_bp=offer.merchant_commission_bp,
            category_bp=category_commission_bp(category_id=offer.category_id),
        ),
    )


def _ship_to(market: Market, address: dict | None, location_id: int | None, location: Location | None = None) -> ShipTo:
    """Where the goods go, for their tax: the address, or the store or counter where they are handed over."""
    if address:
        return ship_to_of(market_code=market.code, address=address, location=None)
    if location is None:
        assert location_id is not None, "a sale without an address is made or collected at a location"
        location = Location.objects.get(pk=location_id)
    return ship_to_of(market_code=market.code, address=address, location=location)


def shipping_options_for(*, terms: list[ListingMarket]) -> dict[int, list[Choice]]:
    """Per merchant id, the shipping choices of a cart's market terms (for the checkout page and the API)."""
    options = _options_by_term([t.pk for t in terms])
    by_merchant: dict[int, list] = {}
    for term in terms:
        by_merchant.setdefault(term.listing.merchant_id, []).append(options.get(term.pk, []))
    return {merchant_id: suborder_options(lines) for merchant_id, lines in by_merchant.items()}


def _options_by_term(term_ids: list[int]) -> dict[int, list[tuple[str, int, int]]]:
    options: dict[int, list[tuple[str, int, int]]] = {}
    for o in ShippingOption.objects.filter(terms_id__in=term_ids):
        options.setdefault(o.terms_id, []).append((o.carrier, o.price_minor, o.delay_days))
    return options


def _shipping(
    channel: Channel, offers: Mapping[int, _Offer | ListingMarket], lines: list[PricedLine], wanted: dict[int, str]
) -> dict[int, Choice]:
    """Per merchant, the chosen shipping (`shipping_options_for`'s choices). Offers carry their options; market
    terms (checkout/quote.py) have theirs read."""
    if channel.kind != Channel.Kind.WEB:
        return {}
    terms = [t for t in offers.values() if isinstance(t, ListingMarket)]
    if terms:
        options = _options_by_term([t.pk for t in terms])
        offers = {t.listing_id: _Offer.of_terms(t, options.get(t.pk, [])) for t in terms}
    by_merchant: dict[int, list] = {}
    for line in lines:
        by_merchant.setdefault(line.merchant_id, []).append(offers[line.listing_id].shipping)
    return {
        merchant_id: shipping_pick(suborder_options(options), wanted.get(merchant_id))
        for merchant_id, options in by_merchant.items()
    }


def checkout_pay(*, order: Order, card_number: str) -> PaymentIntent:
    """Ask the gateway to authorize and capture. Safe to call again, and concurrently: the intent is marked
    submitted first (payments/services.py has the intent's life), and a settled intent is returned as is."""
    assert_outside_transaction("checkout_pay")
    crash_point("after_order_commit")
    intent = order.payment
    if intent.status in PaymentIntent.FINAL or intent.status == PaymentIntent.Status.REQUIRES_ACTION:
        return intent
    if intent.status != PaymentIntent.Status.AUTHORIZED:
        if not payment_intent_submit(intent=intent):
            return PaymentIntent.objects.select_related("order").get(pk=intent.pk)  # settled meanwhile
        crash_point("after_submit")
        try:
            # a sale: authorized and captured in one call unless a customer step comes first; the one answer is
            # settled in one transaction (a crash before that is the reconciler's, as after any gateway call)
            result = gateway().authorize(
                intent_id=intent.pk,
                amount_minor=intent.amount_minor,
                currency=intent.currency,
                card_number=card_number,
                capture=True,
            )
        except GatewayTimeout:
            return PaymentIntent.objects.select_related("order").get(pk=intent.pk)  # the reconciler will find out
        crash_point("after_authorize")
        if result.status == PaymentIntent.Status.CAPTURED:
            crash_point("after_capture")
        intent = checkout_settle(intent_id=intent.pk, result=result, intent=intent)
    if intent.status == PaymentIntent.Status.AUTHORIZED:  # a provider that captures separately
        captured = gateway().capture(ref=intent.gateway_ref)
        crash_point("after_capture")
        intent = checkout_settle(intent_id=intent.pk, result=captured, intent=intent)
    return intent


def checkout_confirm_action(*, order: Order, success: bool) -> PaymentIntent:
    """The customer finished (or abandoned) the 3-D Secure-style step."""
    assert_outside_transaction("checkout_confirm_action")
    intent = order.payment
    if intent.status != PaymentIntent.Status.REQUIRES_ACTION:
        return intent
    intent = checkout_settle(
        intent_id=intent.pk, result=gateway().confirm_action(ref=intent.gateway_ref, success=success)
    )
    if intent.status == PaymentIntent.Status.AUTHORIZED:
        intent = checkout_settle(intent_id=intent.pk, result=gateway().capture(ref=intent.gateway_ref))
    return intent


def _hold_units(order: Order) -> list[Units]:
    return [Units(l.listing_id, l.quantity, l.location_id) for l in OrderLine.objects.filter(suborder__order=order)]


def _hold_close(order: Order, outcome: str) -> None:
    """Close the hold once; units go back to availability unless they were sold."""
    closed = StockHold.objects.filter(order=order, released_at__isnull=True).update(
        released_at=clock.now(), outcome=outcome
    )
    if closed and outcome != "sold":
        units = _hold_units(order)
        stock_release(units, order_id=order.pk)
        # offers emptied by the hold are back on sale: the search index follows after commit
        emit(
            "search.changed",
            {
                "variant_ids": sorted(
                    set(
                        Listing.objects.filter(pk__in=[u.listing_id for u in units]).values_list(
                            "variant_id", flat=True
                        )
                    )
                )
            },
        )


def _payment_lock(*, intent_id: int, known: PaymentIntent | None = None) -> PaymentIntent:
    """Lock a payment intent and its order, the order first (as a refund takes them: its lines and order move
    before its intent does), reading again what can change of both. `known`: the caller's intent with its order
    attached, brought up to date rather than read again."""
    if known is not None and known.pk == intent_id and PaymentIntent.order.is_cached(known):
        order_lock(known=known.order)
        return payment_intent_lock(intent_id=intent_id, known=known)
    order = order_lock_of_payment(intent_id=intent_id)
    intent = payment_intent_lock(intent_id=intent_id)
    intent.order = order
    return intent


@transaction.atomic
def checkout_settle(
    *, intent_id: int, result: GatewayResult, intent: PaymentIntent | None = None, created_here: bool = False
) -> PaymentIntent:
    """Apply one gateway answer. Idempotent: the same answer twice changes nothing the second time. `intent`:
    the caller's instance of it (with its order), locked and brought up to date rather than read again. Money
    captured for an order that cannot be honoured (the intent was failed already, or the units are gone) is
    refunded: decided here, sent after commit. `created_here`: `intent` and its order were created in the
    caller's transaction (cash at a counter): no other transaction can see their rows yet, so they are neither
    locked nor read again."""
    if created_here:
        if intent is None or intent.pk != intent_id or not PaymentIntent.order.is_cached(intent):
            raise ValueError("created_here needs the intent made in this transaction, with its order")
    else:
        intent = _payment_lock(intent_id=intent_id, known=intent)
    late = capture_arrived_late(intent=intent, result=result)
    if not payment_intent_record(intent=intent, result=result):
        return intent
    order = intent.order
    if late:
        _capture_refund(intent, reason="the payment was reported failed before the capture arrived")
    elif intent.status == PaymentIntent.Status.CAPTURED:
        # the open hold's units are sold: one conditional update, no units move
        sold = update_rows(
            StockHold,
            where={"order_id": order.pk, "released_at": None},
            values={"released_at": intent.updated_at, "outcome": "sold"},
        )
        if not sold:
            # the hold lapsed before the money arrived: take the units again, or refund
            hold = StockHold.objects.select_for_update().get(order=order)
            try:
                with transaction.atomic():
                    stock_reserve(_hold_units(order), order_id=order.pk, actor_id=order.clerk_id)
            except DomainError:
                order_unpaid(order=order, reason="stock gone after the hold lapsed")
                _capture_refund(intent, reason="the devices sold out before the payment arrived")
                return intent
            hold.outcome = "sold"
            hold.save(update_fields=["outcome"])
        order_paid(order=order)
    elif intent.status in (PaymentIntent.Status.FAILED, PaymentIntent.Status.VOIDED):
        _hold_close(order, "released")
        order_unpaid(order=order, reason=intent.failure_code or intent.status)
    elif intent.status == PaymentIntent.Status.REQUIRES_ACTION:
        StockHold.objects.filter(order=order, released_at__isnull=True).update(expires_at=clock.now() + hold_duration())
    return intent


def _capture_refund(intent: PaymentIntent, *, reason: str) -> None:
    """Give back money captured for no order, inside the settling transaction: the refund (sent after commit,
    and by the worker's sweep should that fail), its ledger record, and the customer's mail (outbox)."""
    amount = intent.amount_minor - intent.refunded_minor
    refund = refund_request(intent_id=intent.pk, amount_minor=amount, reason=CAPTURE_UNHONOURED)
    ledger_record_unhonoured_capture(order_id=intent.order_id, amount_minor=amount, currency=intent.currency)
    emit(
        "payment.capture_refunded",
        {
            "order_id": intent.order_id,
            "refund_id": refund.pk,
            "amount_minor": amount,
            "currency": intent.currency,
            "reason": reason,
        },
    )
    transaction.on_commit(lambda: refunds_execute(refund_ids=[refund.pk]), robust=True)


def holds_reclaim(*, limit: int = 500, listing_ids: list[int] | None = None) -> int:
    """Expire lapsed holds whose payment has not completed; their units return to sale. The worker runs it
    periodically; checkout runs it for its own listings when units seem to be missing."""
    now = clock.now()
    lapsed = StockHold.objects.filter(released_at__isnull=True, expires_at__lt=now)
    if listing_ids is not None:
        lapsed = lapsed.filter(order__suborders__lines__listing_id__in=listing_ids).distinct()
    order_ids = list(lapsed.values_list("order_id", flat=True)[:limit])
    count = 0
    for order_id in order_ids:
        with transaction.atomic():
            hold = (
                StockHold.objects.select_for_update()
                .filter(order_id=order_id, released_at__isnull=True, expires_at__lt=now)
                .first()
            )
            if hold is None:
                continue
            _hold_close(hold.order, "expired")
            count += 1
    return count


def payments_reconcile(*, ask_after: dt.timedelta = dt.timedelta(minutes=2), limit: int = 500) -> int:
    """Bring every open intent to agree with the gateway (the worker runs it every minute):
    - one submitted, waiting for a customer step or authorized: ask the gateway by our reference, once no answer
      came for `ask_after`; settle what it knows, capture what it authorized. A created one is asked once its hold
      has expired (a provider's own page may have charged it without our call);
    - abandon an intent (failed) only once its hold has expired and the gateway does not know it; void a customer
      step still pending then. A capture that arrives after that is refunded by `checkout_settle`.
    Then refund money captured for orders that could not be honoured."""
    assert_outside_transaction("payments_reconcile")
    now = clock.now()
    S = PaymentIntent.Status
    open_intents = list(
        PaymentIntent.objects.exclude(status__in=PaymentIntent.FINAL)
        .filter(updated_at__lt=now - ask_after)
        .exclude(status=S.CREATED, order__hold__expires_at__gte=now)
        .order_by("pk")
        .values_list("pk", "status", "gateway_ref", "order__hold__expires_at")[:limit]
    )
    settled = 0
    for intent_id, status, ref, hold_expires_at in open_intents:
        expired = hold_expires_at is None or hold_expires_at < now
        if status == S.CREATED and not expired:
            continue  # the customer may still pay
        answer = gateway().lookup(intent_id=intent_id, ref=ref)
        if answer.status == "unknown":
            if not expired:
                continue  # a call in flight, or a provider slow to show it: ask again next time
            answer = GatewayResult(
                S.FAILED, failure_code="abandoned" if status == S.CREATED else "never_reached_gateway"
            )
        elif answer.status == S.AUTHORIZED:
            answer = gateway().capture(ref=answer.ref)
        elif answer.status == S.REQUIRES_ACTION and expired:
            answer = gateway().void(ref=answer.ref)
        intent = _settle_if(intent_id, answer, expected=status)
        settled += intent.status in PaymentIntent.FINAL
    settled += _refund_captured_unpaid(limit=limit)
    return settled


def _settle_if(intent_id: int, answer: GatewayResult, *, expected: str) -> PaymentIntent:
    """Settle the reconciler's own verdict (abandoned, never reached) only if the intent is still as it was read:
    a payer who submitted it meanwhile owns the call to the gateway. Gateway answers are settled as they are."""
    if answer.failure_code not in ("abandoned", "never_reached_gateway"):
        return checkout_settle(intent_id=intent_id, result=answer)
    with transaction.atomic():
        intent = _payment_lock(intent_id=intent_id)
        if intent.status != expected or (
            expected == PaymentIntent.Status.SUBMITTED and intent.updated_at >= clock.now() - dt.timedelta(seconds=30)
        ):
            return intent  # moved on, or submitted again a moment ago
        return checkout_settle(intent_id=intent_id, result=answer, intent=intent)


def _refund_captured_unpaid(*, limit: int) -> int:
    """Money captured for an order that could not be honoured goes back to the customer (the sweep behind
    `checkout_settle`'s own refunds: it finds what a crash between the two left undecided)."""
    from remarket.orders.states import OrderState

    stranded = list(
        PaymentIntent.objects.filter(
            status=PaymentIntent.Status.CAPTURED, order__state=OrderState.UNPAID, refunded_minor__lt=F("amount_minor")
        ).values_list("pk", flat=True)[:limit]
    )
    for intent_id in stranded:
        with transaction.atomic():
            intent = _payment_lock(intent_id=intent_id)
            if intent.status == PaymentIntent.Status.CAPTURED and intent.refunded_minor < intent.amount_minor:
                _capture_refund(intent, reason="the order could not be honoured")
    return refunds_execute(limit=limit)


def payment_webhook(*, body: bytes, signature: str) -> PaymentIntent | None:
    """A signed gateway webhook, possibly late or duplicated: verified, then settled like any answer."""
    from remarket.payments.models import WebhookReceipt

    event = gateway().verify_webhook(body=body, signature=signature)
    crash_point("before_webhook_recorded")
    with transaction.atomic():
        _, new = WebhookReceipt.objects.get_or_create(
            event_id=str(event["id"])[:64], defaults={"received_at": clock.now()}
        )
        if not new or not PaymentIntent.objects.filter(pk=event["intent_id"]).exists():
            return None  # seen already, or about a payment that is not ours (another installation's)
        return checkout_settle(
            intent_id=int(event["intent_id"]), result=GatewayResult(str(event["status"]), str(event.get("ref", "")))
        )
