"""After a trade-in moves (outbox handlers): a mail to the customer at each step, in the market's language;
a paid parcel trade-in's transfer to the customer."""

from django.core.mail import send_mail
from django.utils import translation
from django.utils.translation import gettext as _

from remarket.core.i18n import site_language
from remarket.core.money import fmt
from remarket.events.outbox import handles

from .models import Status, TradeIn
from .reasons import COUNTER_OFFER_REASONS, SUSPEND_REASONS
from .services import tradein_transfer


def _body(t: TradeIn) -> str | None:
    values = {
        "ref": t.reference,
        "device": str(t.listing.variant),
        "quote": fmt(t.quote_minor, t.currency),
    }
    counter = t.clerk_id is not None  # bought at a counter in one go: its receipt says it all
    if counter and t.status != Status.PAID:
        return None
    if t.status == Status.NEW:
        return _("You accepted %(quote)s for your %(device)s (trade-in %(ref)s). Next: check your identity.") % values
    if t.status == Status.PENDING:
        return _("The identity check of trade-in %(ref)s failed: correct your name, birth date or address.") % values
    if t.status == Status.TO_SEND:
        return _(
            "Trade-in %(ref)s: send your %(device)s with the free label %(label)s before %(day)s, or hand it in at "
            "a store offering trade-in."
        ) % {**values, "label": t.label_reference, "day": t.ship_by.date().isoformat() if t.ship_by else ""}
    if t.status == Status.SENT:
        return _("Trade-in %(ref)s is on its way to the buyer.") % values
    if t.status == Status.RECEIVED:
        return _("The buyer received your %(device)s (trade-in %(ref)s) and inspects it.") % values
    if t.status == Status.COUNTER_PROPOSAL:
        reasons = ", ".join(str(COUNTER_OFFER_REASONS[r][0]) for r in t.counter_reasons if r in COUNTER_OFFER_REASONS)
        return _(
            "The buyer offers %(price)s instead of %(quote)s for trade-in %(ref)s (%(reasons)s). Accept it or get "
            "your device back for free before %(day)s."
        ) % {
            **values,
            "price": fmt(t.counter_minor or 0, t.currency),
            "reasons": reasons,
            "day": t.answer_by.date().isoformat() if t.answer_by else "",
        }
    if t.status == Status.SUSPENDED:
        reasons = ", ".join(str(SUSPEND_REASONS[r][0]) for r in t.suspend_reasons if r in SUSPEND_REASONS)
        return _("Trade-in %(ref)s is on hold: %(reasons)s.") % {**values, "reasons": reasons}
    if t.status == Status.PAID:
        return _("Trade-in %(ref)s is validated: %(amount)s are yours.") % {
            **values,
            "amount": fmt(t.paid_minor or 0, t.currency),
        }
    if t.status == Status.MONEY_TRANSFERED:
        return _("%(amount)s for trade-in %(ref)s were transferred to your bank account.") % {
            **values,
            "amount": fmt(t.paid_minor or 0, t.currency),
        }
    if t.status == Status.CANCELLED:
        return _("Trade-in %(ref)s is cancelled: you keep your device.") % values
    if t.status == Status.RETURNED:
        return _("Your %(device)s (trade-in %(ref)s) is on its way back to you, free of charge.") % values
    return None


@handles("tradein.changed")
def mail_tradein_changed(payload: dict) -> None:
    tradein = TradeIn.objects.select_related("market", "listing__variant__model").get(pk=payload["trade_in_id"])
    tradein.status = payload["status"]  # the step this event announces, even when a later one followed
    if not tradein.email:
        return
    with translation.override(site_language(tradein.market.language)):
        body = _body(tradein)
        if body:
            send_mail(_("Your trade-in %(ref)s") % {"ref": tradein.reference}, body, None, [tradein.email])


@handles("tradein.paid")
def transfer_tradein_paid(payload: dict) -> None:
    tradein_transfer(trade_in_id=payload["trade_in_id"])
