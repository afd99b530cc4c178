"""Trade-in at a location offering it: the clerk runs the questionnaire with the customer, inspects the device on
the spot and checks their identity; the device is bought at the best quote in one go (validated and paid by
the merchant through the ledger), and the quote becomes a credit, used once against a purchase at this
location's till (checkout/counter.py's `trade_in` tender)."""

import secrets
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from remarket.accounts.permissions import Actor, require
from remarket.core import clock
from remarket.core.errors import DomainError, NotFound
from remarket.markets.models import Location

from .models import IdentityCheck, Status, TradeIn, TradeInCredit
from .payout import ledger_record_tradein_credit
from .selectors import Quote, tradein_locations
from .services import _create, _identity_check, _move, answers_parse, tradein_pay, tradein_quote

S = Status
CODE_ALPHABET = "ACDEFGHJKLMNPQRTUVWXY34679"  # no look-alikes for a code typed at a till


@dataclass(frozen=True)
class CounterTradeIn:
    trade_in: TradeIn
    credit: TradeInCredit


def _location(actor: Actor) -> Location:
    require(actor, "buyback.counter")
    location = Location.objects.select_related("channel__market").filter(pk=actor.location_id or 0).first()
    if location is None or not tradein_locations(location.channel.market).filter(pk=location.pk).exists():
        raise DomainError("BUYBACK_LOCATION_NO_TRADE_IN", _("This location does not offer trade-in."), status=403)
    return location


def counter_tradein_quote(*, actor: Actor, variant_id, answers: dict) -> Quote:
    """The best quote in the location's market for the device as the clerk found it."""
    return tradein_quote(market=_location(actor).channel.market, variant_id=variant_id, answers=answers)


def _code() -> str:
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))
        if not TradeInCredit.objects.filter(code=code).exists():
            return code


@transaction.atomic
def counter_tradein_take(
    *, actor: Actor, variant_id, answers: dict, identity: dict, email: str = "", quote_minor: int | None = None
) -> CounterTradeIn:
    """Buy the device at the counter: the quote, the identity check (a failure refuses it, nothing kept), the
    device handed in, inspected and validated by the clerk, the merchant's payout posted, and a credit made."""
    location = _location(actor)
    market = location.channel.market
    clean = answers_parse(answers)
    quote = tradein_quote(market=market, variant_id=variant_id, answers=clean)
    if quote_minor is not None and quote_minor != quote.price_minor:
        raise DomainError(
            "BUYBACK_QUOTE_CHANGED",
            _("The best offer for this device changed: check the new one."),
            {"quote_minor": quote.price_minor},
            status=409,
        )
    tradein = _create(
        quote=quote,
        answers=clean,
        customer_id=None,
        email=str(email or "").strip()[:254],
        mode=TradeIn.Mode.LOCATION,
        location=location,
        clerk_id=actor.user_id,
    )
    check = _identity_check(tradein, identity)
    if check.outcome != IdentityCheck.Outcome.PASSED:
        raise DomainError(
            "BUYBACK_IDENTITY_FAILED",
            _("The identity check failed: check the name, birth date and address with the customer."),
            {"problems": check.problems},
        )
    now = clock.now()
    _move(tradein, S.SENT, shipped_at=now)
    _move(tradein, S.RECEIVED, received_at=now, reply_by=now)
    _move(tradein, S.VALIDATED, validated_at=now, paid_minor=tradein.quote_minor)
    tradein_pay(tradein=tradein)
    credit = TradeInCredit.objects.create(
        trade_in=tradein,
        code=_code(),
        location=location,
        amount_minor=tradein.quote_minor,
        currency=tradein.currency,
        created_at=now,
    )
    return CounterTradeIn(tradein, credit)


def tradein_credit_redeem(*, actor: Actor, code: str, order_id: int, total_minor: int, currency: str) -> TradeInCredit:
    """Use a trade-in credit against the order being paid at this location's till, in the sale's transaction:
    once (the row is locked and marked used; a second use is BUYBACK_CREDIT_USED), at the location that
    made it, in its currency, and no larger than the sale (the rest is paid in cash)."""
    require(actor, "pos.sell")
    code = str(code or "").strip().upper().replace(" ", "").replace("-", "")
    credit = (
        TradeInCredit.objects.select_for_update(of=("self",)).select_related("trade_in").filter(code=code).first()
        if code
        else None
    )
    if credit is None or credit.location_id != actor.location_id:
        raise NotFound("BUYBACK_CREDIT_UNKNOWN", _("No trade-in credit of this store has this code."))
    if credit.used_at is not None:
        raise DomainError("BUYBACK_CREDIT_USED", _("This trade-in credit was used already."), status=409)
    if credit.currency != currency:
        raise DomainError("BUYBACK_CREDIT_CURRENCY", _("This credit is in another currency."), status=409)
    if credit.amount_minor > total_minor:
        raise DomainError(
            "BUYBACK_CREDIT_EXCEEDS_SALE",
            _("The trade-in credit is larger than the basket: add to the basket."),
            {"credit_minor": credit.amount_minor, "total_minor": total_minor},
        )
    now = clock.now()
    txn = ledger_record_tradein_credit(
        order_id=order_id, amount_minor=credit.amount_minor, currency=currency, reference=credit.trade_in.reference
    )
    credit.used_at, credit.used_order_id, credit.ledger = now, order_id, txn
    credit.save(update_fields=["used_at", "used_order", "ledger"])
    tradein = TradeIn.objects.select_for_update().get(pk=credit.trade_in_id)
    _move(tradein, S.MONEY_TRANSFERED, transfer=txn, transferred_at=now)
    return credit


def tradein_credit_of(*, actor: Actor, code: str) -> TradeInCredit:
    """A credit of the clerk's location, to show at the till before paying."""
    require(actor, "pos.view_stock")
    code = str(code or "").strip().upper().replace(" ", "").replace("-", "")
    credit = (
        TradeInCredit.objects.select_related("trade_in").filter(code=code, location_id=actor.location_id or 0).first()
    )
    if not code or credit is None:
        raise NotFound("BUYBACK_CREDIT_UNKNOWN", _("No trade-in credit of this store has this code."))
    return credit
