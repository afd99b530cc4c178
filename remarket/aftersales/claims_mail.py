"""Mails at each step of a warranty claim (outbox handlers of `claim.changed` and `claim.message`), in the
market's language: to the customer always, to the seller's staff when the seller has something to do."""

from django.core.mail import send_mail
from django.utils import translation
from django.utils.translation import gettext as _

from remarket.accounts.models import Role, User
from remarket.core.i18n import site_language
from remarket.core.money import fmt
from remarket.events.outbox import handles

from .models import ClaimMessage, ClaimState, WarrantyClaim


def _number(claim: WarrantyClaim) -> str:
    return str(claim.public_id)[:8].upper()


def _customer_body(claim: WarrantyClaim, state: str, step: str) -> str | None:
    S = ClaimState
    values = {"number": _number(claim), "title": claim.order_line.title}
    if step == "opened":
        return (
            _("Your claim %(number)s about %(title)s is registered; the seller answers within two business days.")
            % values
        )
    if step == "deadline_passed":
        return _("The seller did not act in time on claim %(number)s: remarket's customer care takes it over.") % values
    if step == "disputed":
        return _("You disputed the seller's answer to claim %(number)s: remarket's customer care decides.") % values
    if state == S.REPAIRING:
        return _("The seller will repair your %(title)s (claim %(number)s).") % values
    if state == S.REPLACING:
        return _("The seller will replace your %(title)s (claim %(number)s).") % values
    if state == S.REPAIRED:
        return _("Your repaired %(title)s is on its way back (claim %(number)s).") % values
    if state == S.REPLACED:
        return _("Your replacement %(title)s is on its way (claim %(number)s).") % values
    if state == S.REFUNDED:
        return _("Claim %(number)s ends with a refund: %(amount)s is on its way back to your card.") % {
            **values,
            "amount": fmt(claim.refund_minor, claim.suborder.order.currency),
        }
    if state == S.REFUSED:
        return _("Claim %(number)s is refused: %(reason)s") % {**values, "reason": claim.refusal_reason}
    if state == S.OPEN:
        return _("Claim %(number)s is open again; the seller answers within two business days.") % values
    return None


def _merchant_body(claim: WarrantyClaim, state: str, step: str) -> str | None:
    values = {"number": claim.pk, "title": claim.order_line.title}
    if step in ("opened", "reopened_by_customer"):
        return (
            _("A customer opened warranty claim %(number)s about %(title)s; answer within two business days.") % values
        )
    if step in ("deadline_passed", "disputed"):
        return _("Warranty claim %(number)s went to remarket's customer care, which decides now.") % values
    if step.startswith("operator_"):
        return _("remarket's customer care decided warranty claim %(number)s: %(state)s.") % {
            **values,
            "state": ClaimState(state).label,
        }
    return None


def _staff_emails(merchant_id: int) -> list[str]:
    return [
        e
        for e in User.objects.filter(merchant_id=merchant_id, role=Role.MERCHANT, is_active=True).values_list(
            "email", flat=True
        )
        if e
    ]


def _language(claim: WarrantyClaim) -> str:
    return site_language(claim.suborder.order.market.language)


def _claim(claim_id: int) -> WarrantyClaim:
    return WarrantyClaim.objects.select_related("suborder__order__market", "order_line").get(pk=claim_id)


@handles("claim.changed")
def mail_claim_changed(payload: dict) -> None:
    claim = _claim(payload["claim_id"])
    state, step = payload["state"], payload.get("step", "")
    order = claim.suborder.order
    with translation.override(_language(claim)):
        body = _customer_body(claim, state, step)
        if body and order.email:
            send_mail(_("Your warranty claim"), body, None, [order.email])
        body = _merchant_body(claim, state, step)
        staff = _staff_emails(claim.merchant_id)
        if body and staff:
            send_mail(_("Warranty claim %(number)s") % {"number": claim.pk}, body, None, staff)


@handles("claim.message")
def mail_claim_message(payload: dict) -> None:
    claim = _claim(payload["claim_id"])
    message = ClaimMessage.objects.filter(pk=payload["message_id"]).first()
    if message is None:
        return
    order = claim.suborder.order
    with translation.override(_language(claim)):
        if message.author == ClaimMessage.Author.CUSTOMER:
            staff = _staff_emails(claim.merchant_id)
            if staff:
                send_mail(
                    _("Warranty claim %(number)s") % {"number": claim.pk},
                    _("The customer wrote on warranty claim %(number)s:\n\n%(body)s")
                    % {"number": claim.pk, "body": message.body},
                    None,
                    staff,
                )
        elif order.email:
            send_mail(
                _("Your warranty claim"),
                _("A new message on your claim %(number)s:\n\n%(body)s")
                % {"number": _number(claim), "body": message.body},
                None,
                [order.email],
            )
