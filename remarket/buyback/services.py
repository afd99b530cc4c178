"""Trade-in writes: the customer's quote, acceptance, identity check and sending; the merchant's inspection
(validate, counter-offer, suspend); the payout through the ledger; the deadlines. The state machine is
states.py's; every move goes through `_move`."""

import datetime as dt
import secrets

from django.db import transaction
from django.utils.translation import gettext as _

from remarket.accounts.models import User
from remarket.accounts.permissions import Actor, require
from remarket.catalog.models import Variant
from remarket.core import clock
from remarket.core.errors import DomainError, NotFound
from remarket.core.text import text_check
from remarket.events.outbox import emit
from remarket.markets.models import Market

from . import calc
from .files import files_check
from .models import BuybackListing, IdentityCheck, Status, TradeIn, TradeInFile, TradeInMessage
from .payout import ledger_record_tradein_payout, ledger_record_tradein_transfer
from .reasons import COUNTER_OFFER_REASONS, SUSPEND_REASONS
from .selectors import Quote, quote_best, tradein_locations
from .states import transition_check

S = Status
LABEL_CARRIER = "remarket trade-in"  # the free label's carrier
REFERENCE_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"


# --- the questionnaire and the quote ---------------------------------------------------------------------


def answers_parse(answers: dict) -> dict[str, str]:
    clean = calc.answers_check(answers)
    if not clean:
        raise DomainError(
            "BUYBACK_ANSWERS_INVALID",
            _("Answer every question of the questionnaire."),
            {"questions": {name: list(options) for name, (_label, options) in calc.QUESTIONS.items()}},
        )
    return clean


def tradein_quote(*, market: Market, variant_id, answers: dict) -> Quote:
    """The best quote for a device in the state its answers describe, or BUYBACK_NO_BUYER (nobody buys this
    model back in this grade here)."""
    variant = Variant.objects.select_related("model").filter(pk=_int(variant_id)).first()
    if variant is None:
        raise NotFound("BUYBACK_VARIANT_NOT_FOUND", _("There is no such device in the catalogue."))
    grade = calc.answers_grade(answers_parse(answers))
    quote = quote_best(market=market, variant=variant, grade=grade)
    if quote is None:
        raise DomainError(
            "BUYBACK_NO_BUYER",
            _("Nobody buys this model back in this condition here yet."),
            {"variant": variant.pk, "grade": grade},
            status=422,
        )
    return quote


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


# --- the moves ---------------------------------------------------------------------------------------------


def _emit(tradein: TradeIn) -> None:
    emit("tradein.changed", {"trade_in_id": tradein.pk, "status": tradein.status})


def _move(tradein: TradeIn, to: str, *, only_from: tuple[str, ...] = (), **values: object) -> TradeIn:
    """Move a locked trade-in along the state machine, with the other fields of the same step. `only_from`:
    the statuses this step starts from, when the table allows the same target from others (receiving a parcel
    and resuming a suspension both lead to RECEIVED)."""
    transition_check(tradein.status, to, only_from=only_from)
    now = clock.now()
    tradein.status, tradein.modified_at = to, now
    for field, value in values.items():
        setattr(tradein, field, value)
    if to in (S.MONEY_TRANSFERED, S.CANCELLED, S.RETURNED):
        tradein.closed_at = now
    tradein.save(update_fields=["status", "modified_at", "closed_at", *values])
    _emit(tradein)
    return tradein


def _reference(market: Market) -> str:
    while True:
        ref = f"{market.code}-{secrets.randbelow(90000) + 10000}-" + "".join(
            secrets.choice(REFERENCE_LETTERS) for _ in range(5)
        )
        if not TradeIn.objects.filter(reference=ref).exists():
            return ref


def _create(
    *, quote: Quote, answers: dict, customer_id, email: str, mode: str, location=None, clerk_id=None
) -> TradeIn:
    now = clock.now()
    listing = BuybackListing.objects.get(pk=quote.listing_id)
    tradein = TradeIn.objects.create(
        reference=_reference(quote.market),
        market=quote.market,
        merchant_id=quote.merchant_id,
        listing=listing,
        customer_id=customer_id,
        email=email,
        mode=mode,
        location=location,
        clerk_id=clerk_id,
        grade=quote.grade,
        answers=answers,
        status=S.NEW,
        quote_minor=quote.price_minor,
        currency=quote.currency,
        ship_by=now + calc.SHIP_WITHIN,
        created_at=now,
        modified_at=now,
    )
    _emit(tradein)
    return tradein


@transaction.atomic
def tradein_accept(
    *,
    actor: Actor,
    market: Market,
    variant_id,
    answers: dict,
    quote_minor: int | None = None,
    identity: dict | None = None,
) -> TradeIn:
    """The customer accepts the best quote for their device: a trade-in at that price, to send within 21 days
    once the identity check passed (done here when `identity` is given). `quote_minor`: the price the customer
    saw; if the best quote moved since, BUYBACK_QUOTE_CHANGED and nothing is made."""
    require(actor, "buyback.sell")
    if not actor.user_id:
        raise DomainError("BUYBACK_LOGIN_REQUIRED", _("Log in to sell your device."), status=401)
    clean = answers_parse(answers)
    quote = tradein_quote(market=market, variant_id=variant_id, answers=clean)
    if quote_minor is not None and quote_minor != quote.price_minor:
        raise DomainError(
            "BUYBACK_QUOTE_CHANGED",
            _("The best offer for this device changed: check the new one."),
            {"quote_minor": quote.price_minor},
            status=409,
        )
    email = User.objects.only("email").get(pk=actor.user_id).email
    tradein = _create(quote=quote, answers=clean, customer_id=actor.user_id, email=email, mode=TradeIn.Mode.PARCEL)
    if identity is not None:
        _identity_check(tradein, identity)
    return tradein


def _for_customer(*, actor: Actor, reference: str) -> TradeIn:
    require(actor, "buyback.sell")
    tradein = (
        TradeIn.objects.select_for_update(of=("self",))
        .select_related("market")
        .filter(reference=calc.reference_lookup(reference), customer_id=actor.user_id)
        .first()
        if actor.user_id
        else None
    )
    if tradein is None:
        raise NotFound("BUYBACK_ORDER_NOT_FOUND", _("There is no such trade-in."))
    return tradein


def _birth_date(value) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value or "").strip())
    except ValueError:
        return None


def _identity_check(tradein: TradeIn, identity: dict) -> IdentityCheck:
    """Check the seller's identity and store the check with its outcome; passed: the label is issued."""
    identity = identity or {}
    first, last = str(identity.get("first_name", "")).strip(), str(identity.get("last_name", "")).strip()
    address = {
        k: str((identity.get("address") or {}).get(k, "")).strip() for k in ("street", "postcode", "town", "country")
    }
    for field, value in (("first_name", first), ("last_name", last), *address.items()):
        text_check(value, code="BUYBACK_IDENTITY_INVALID", field=field)
    phone = str(identity.get("phone", "")).strip()[:30]
    text_check(phone, code="BUYBACK_IDENTITY_INVALID", field="phone")
    birth = _birth_date(identity.get("birth_date"))
    now = clock.now()
    problems = calc.identity_problems(
        first_name=first,
        last_name=last,
        birth_date=birth,
        address=address,
        market_code=tradein.market.code,
        today=tradein.market.local_date(now),
    )
    check = IdentityCheck.objects.create(
        trade_in=tradein,
        first_name=first[:100],
        last_name=last[:100],
        birth_date=birth,
        address=address,
        outcome=IdentityCheck.Outcome.FAILED if problems else IdentityCheck.Outcome.PASSED,
        problems=problems,
        checked_at=now,
    )
    if problems:
        if tradein.status == S.NEW:
            _move(tradein, S.PENDING)
        return check
    parcel = tradein.mode == TradeIn.Mode.PARCEL  # a parcel gets its free label
    _move(
        tradein,
        S.TO_SEND,
        first_name=first,
        last_name=last,
        birth_date=birth,
        address=address,
        phone=phone,
        label_reference=f"TI{tradein.pk:08d}" if parcel else tradein.label_reference,
        shipper=LABEL_CARRIER if parcel else tradein.shipper,
    )
    return check


@transaction.atomic
def tradein_identity(*, actor: Actor, reference: str, identity: dict) -> IdentityCheck:
    """The customer's identity (name, birth date, address in the market's country), checked and stored with
    its outcome. Passed: the free label is issued (TO_SEND); failed: PENDING until corrected."""
    tradein = _for_customer(actor=actor, reference=reference)
    if tradein.status not in (S.NEW, S.PENDING):
        transition_check(tradein.status, S.TO_SEND)
    return _identity_check(tradein, identity)


@transaction.atomic
def tradein_ship(*, actor: Actor, reference: str, tracking_number: str = "") -> TradeIn:
    """The customer sent the parcel with the free label (TO_SEND → SENT), before the deadline."""
    tradein = _for_customer(actor=actor, reference=reference)
    tracking = str(tracking_number or "").strip()[:60]
    text_check(tracking, code="BUYBACK_TRACKING_INVALID", field="tracking_number")
    _deadline_check(tradein)
    return _move(tradein, S.SENT, shipped_at=clock.now(), tracking_number=tracking or tradein.label_reference)


def _deadline_check(tradein: TradeIn) -> None:
    if tradein.status == S.TO_SEND and tradein.ship_by and clock.now() > tradein.ship_by:
        raise DomainError(
            "BUYBACK_SHIP_DEADLINE_PASSED",
            _("The deadline to send this device passed on %(day)s.") % {"day": tradein.ship_by.date().isoformat()},
            status=409,
        )


@transaction.atomic
def tradein_cancel(*, actor: Actor, reference: str) -> TradeIn:
    """The customer keeps the device after all (before sending it)."""
    return _move(_for_customer(actor=actor, reference=reference), S.CANCELLED)


@transaction.atomic
def tradein_hand_in(*, actor: Actor, reference: str) -> TradeIn:
    """A clerk takes the device in at a location offering trade-in in the trade-in's market (TO_SEND → SENT):
    the location forwards it to the merchant."""
    require(actor, "buyback.counter")
    tradein = (
        TradeIn.objects.select_for_update(of=("self",))
        .select_related("market")
        .filter(reference=calc.reference_lookup(str(reference).strip().upper()))
        .first()
    )
    if tradein is None:
        raise NotFound("BUYBACK_ORDER_NOT_FOUND", _("There is no such trade-in."))
    location = tradein_locations(tradein.market).filter(pk=actor.location_id or 0).first()
    if location is None:
        raise DomainError(
            "BUYBACK_LOCATION_NO_TRADE_IN", _("This location does not take trade-ins of this country."), status=403
        )
    _deadline_check(tradein)
    return _move(tradein, S.SENT, shipped_at=clock.now(), location=location, mode=TradeIn.Mode.LOCATION)


@transaction.atomic
def tradein_counter_accept(*, actor: Actor, reference: str) -> TradeIn:
    """The customer accepts the counter-offer before its deadline: validated at its price, and paid."""
    tradein = _for_customer(actor=actor, reference=reference)
    _counter_offered(tradein)
    if tradein.answer_by and clock.now() > tradein.answer_by:
        raise DomainError(
            "BUYBACK_COUNTER_EXPIRED", _("This counter-offer expired: the device is on its way back."), status=409
        )
    _move(tradein, S.VALIDATED, validated_at=clock.now(), paid_minor=tradein.counter_minor)
    return tradein_pay(tradein=tradein)


@transaction.atomic
def tradein_counter_refuse(*, actor: Actor, reference: str) -> TradeIn:
    """The customer refuses the counter-offer: the device comes back, free."""
    tradein = _for_customer(actor=actor, reference=reference)
    _counter_offered(tradein)
    return _move(tradein, S.RETURNED)


def _counter_offered(tradein: TradeIn) -> None:
    """A customer answers only a counter-offer: the state machine's other ways to VALIDATED and RETURNED are the
    merchant's, never theirs (accepting one with none pending would validate their own device)."""
    if tradein.status != S.COUNTER_PROPOSAL:
        raise DomainError(
            "BUYBACK_NO_COUNTER_OFFER",
            _("There is no counter-offer to answer on this trade-in."),
            {"status": tradein.status},
            status=409,
        )


# --- the merchant ------------------------------------------------------------------------------------------


def _for_merchant(*, actor: Actor, reference: str) -> TradeIn:
    require(actor, "buyback.manage")
    tradein = (
        TradeIn.objects.select_for_update(of=("self",))
        .select_related("market")
        .filter(reference=calc.reference_lookup(reference), merchant_id=actor.merchant_id)
        .first()
        if actor.merchant_id
        else None
    )
    if tradein is None:
        raise NotFound("BUYBACK_ORDER_NOT_FOUND", _("There is no trade-in %(ref)s among yours.") % {"ref": reference})
    return tradein


@transaction.atomic
def tradein_receive(*, actor: Actor, reference: str) -> TradeIn:
    """The merchant has the device: it inspects it within 5 days."""
    tradein = _for_merchant(actor=actor, reference=reference)
    now = clock.now()
    return _move(tradein, S.RECEIVED, only_from=(S.TO_SEND, S.SENT), received_at=now, reply_by=now + calc.REPLY_WITHIN)


@transaction.atomic
def tradein_validate(*, actor: Actor, reference: str) -> TradeIn:
    """The device is as described: bought at the quote, and the customer is paid (the ledger, once)."""
    tradein = _for_merchant(actor=actor, reference=reference)
    _move(tradein, S.VALIDATED, validated_at=clock.now(), paid_minor=tradein.quote_minor)
    return tradein_pay(tradein=tradein)


def _reasons(identifiers, table: dict, code: str) -> list[str]:
    if isinstance(identifiers, str) or not isinstance(identifiers, list | tuple):
        identifiers = []
    chosen = list(dict.fromkeys(str(i).strip() for i in identifiers))
    unknown = [i for i in chosen if i not in table]
    if not chosen or unknown:
        raise DomainError(
            code,
            _("Choose at least one reason from the list."),
            {"unknown": unknown, "reasons": list(table)},
            status=422,
        )
    return chosen


@transaction.atomic
def tradein_counter_offer(
    *,
    actor: Actor,
    reference: str,
    price_minor: int,
    reasons: list[str],
    files: list[tuple[str, bytes]],
    comment: str = "",
) -> TradeIn:
    """The device is not as described: the merchant offers less than the quote, with reasons from the list and
    at least one photo; the customer answers within 7 days."""
    chosen = _reasons(reasons, COUNTER_OFFER_REASONS, "BUYBACK_COUNTER_REASON_INVALID")
    comment = str(comment or "").strip()
    if len(comment) > 200:
        raise DomainError("BUYBACK_COMMENT_TOO_LONG", _("A comment is up to 200 characters."), status=422)
    text_check(comment, code="BUYBACK_COMMENT_INVALID", field="comment", multiline=True)
    rows = files_check(list(files))
    if not rows:
        raise DomainError("BUYBACK_COUNTER_PROOF_REQUIRED", _("Show what differs with at least one photo."), status=422)
    tradein = _for_merchant(actor=actor, reference=reference)
    if not isinstance(price_minor, int) or isinstance(price_minor, bool) or price_minor <= 0:
        raise DomainError("BUYBACK_COUNTER_PRICE_INVALID", _("A counter-offer is a positive price."), status=422)
    if price_minor >= tradein.quote_minor:
        raise DomainError(
            "BUYBACK_COUNTER_ABOVE_QUOTE",
            _("A counter-offer is below the quote of the trade-in."),
            {"quote_minor": tradein.quote_minor, "price_minor": price_minor},
            status=422,
        )
    now = clock.now()
    _move(
        tradein,
        S.COUNTER_PROPOSAL,
        counter_minor=price_minor,
        counter_reasons=chosen,
        counter_comment=comment,
        counter_at=now,
        answer_by=now + calc.ANSWER_WITHIN,
    )
    message = TradeInMessage.objects.create(
        trade_in=tradein, author=TradeInMessage.Author.MERCHANT, body=comment or _("Counter-offer"), created_at=now
    )
    TradeInFile.objects.bulk_create([TradeInFile(trade_in=tradein, message=message, created_at=now, **r) for r in rows])
    return tradein


@transaction.atomic
def tradein_suspend(*, actor: Actor, reference: str, reasons: list[str]) -> TradeIn:
    """The merchant puts the trade-in on hold with reasons from the list (an account lock, a wrong device...)."""
    chosen = _reasons(reasons, SUSPEND_REASONS, "BUYBACK_SUSPEND_REASON_INVALID")
    tradein = _for_merchant(actor=actor, reference=reference)
    return _move(tradein, S.SUSPENDED, suspend_reasons=chosen, suspended_at=clock.now())


@transaction.atomic
def tradein_resume(*, actor: Actor, reference: str) -> TradeIn:
    """What held the trade-in is solved (the customer removed the account lock): back to inspection."""
    tradein = _for_merchant(actor=actor, reference=reference)
    return _move(tradein, S.RECEIVED, only_from=(S.SUSPENDED,), reply_by=clock.now() + calc.REPLY_WITHIN)


@transaction.atomic
def tradein_send_back(*, actor: Actor, reference: str) -> TradeIn:
    """A suspended trade-in that will not be bought: the device goes back to the customer, free."""
    return _move(_for_merchant(actor=actor, reference=reference), S.RETURNED)


@transaction.atomic
def tradein_message_post(
    *, actor: Actor, reference: str, body: str, files: list[tuple[str, bytes]] | None = None
) -> TradeInMessage:
    """A message on a trade-in, from its merchant or its customer, with photos if any."""
    if actor.merchant_id:
        tradein, author = _for_merchant(actor=actor, reference=reference), TradeInMessage.Author.MERCHANT
    else:
        tradein, author = _for_customer(actor=actor, reference=reference), TradeInMessage.Author.CLIENT
    body = str(body or "").strip()
    if not body or len(body) > 2000:
        raise DomainError(
            "BUYBACK_MESSAGE_INVALID", _("A message is 1 to 2000 characters."), {"field": "message"}, status=422
        )
    text_check(body, code="BUYBACK_MESSAGE_INVALID", field="message", multiline=True)
    rows = files_check(list(files or []))
    now = clock.now()
    message = TradeInMessage.objects.create(trade_in=tradein, author=author, body=body, created_at=now)
    TradeInFile.objects.bulk_create([TradeInFile(trade_in=tradein, message=message, created_at=now, **r) for r in rows])
    tradein.modified_at = now
    tradein.save(update_fields=["modified_at"])
    emit("tradein.message", {"trade_in_id": tradein.pk, "message_id": message.pk})
    return message


# --- the money ---------------------------------------------------------------------------------------------


def tradein_pay(*, tradein: TradeIn) -> TradeIn:
    """Post the merchant's payout of a validated trade-in (VALIDATED → PAID), inside the caller's transaction
    on the locked row: the state machine lets it happen once, and the payout's one-to-one link refuses a
    second posting even if a caller forgot the lock."""
    transition_check(tradein.status, S.PAID)
    if tradein.payout_id is not None:
        raise DomainError("BUYBACK_ALREADY_PAID", _("This trade-in was paid already."), status=409)
    assert tradein.paid_minor is not None, "a validated trade-in has its price"
    txn = ledger_record_tradein_payout(
        merchant_id=tradein.merchant_id,
        amount_minor=tradein.paid_minor,
        currency=tradein.currency,
        reference=tradein.reference,
    )
    _move(tradein, S.PAID, payout=txn, paid_at=clock.now())
    emit("tradein.paid", {"trade_in_id": tradein.pk})
    return tradein


@transaction.atomic
def tradein_pay_again(*, actor: Actor, reference: str) -> TradeIn:
    """A merchant's explicit payout call (the API's): refused once paid (BUYBACK_ALREADY_PAID)."""
    tradein = _for_merchant(actor=actor, reference=reference)
    if tradein.payout_id is not None:
        raise DomainError("BUYBACK_ALREADY_PAID", _("This trade-in was paid already."), status=409)
    return tradein_pay(tradein=tradein)


@transaction.atomic
def tradein_transfer(*, trade_in_id: int) -> TradeIn | None:
    """The money of a paid parcel trade-in leaves for the customer's bank (PAID → MONEY_TRANSFERED); a paid
    counter trade-in leaves as a till credit instead (counter.py). Nothing when done already."""
    tradein = TradeIn.objects.select_for_update().filter(pk=trade_in_id).first()
    if tradein is None or tradein.status != S.PAID or tradein.paid_minor is None or hasattr(tradein, "credit"):
        return None
    txn = ledger_record_tradein_transfer(
        amount_minor=tradein.paid_minor, currency=tradein.currency, reference=tradein.reference
    )
    return _move(tradein, S.MONEY_TRANSFERED, transfer=txn, transferred_at=clock.now())


# --- the deadlines -----------------------------------------------------------------------------------------


def tradeins_expire(*, now: dt.datetime | None = None) -> int:
    """Trade-ins not sent by their deadline are cancelled; counter-offers unanswered by theirs send the device
    back. Each in its own transaction, on the locked row, re-checked (a customer's answer may win the race)."""
    now = now or clock.now()
    done = 0
    due = list(
        TradeIn.objects.filter(status__in=(S.NEW, S.PENDING, S.TO_SEND), ship_by__lt=now).values_list("pk", flat=True)
    ) + list(TradeIn.objects.filter(status=S.COUNTER_PROPOSAL, answer_by__lt=now).values_list("pk", flat=True))
    for pk in sorted(due):
        with transaction.atomic():
            tradein = TradeIn.objects.select_for_update().get(pk=pk)
            if tradein.status in (S.NEW, S.PENDING, S.TO_SEND) and tradein.ship_by and tradein.ship_by < now:
                _move(tradein, S.CANCELLED)
                done += 1
            elif tradein.status == S.COUNTER_PROPOSAL and tradein.answer_by and tradein.answer_by < now:
                _move(tradein, S.RETURNED)
                done += 1
    return done
