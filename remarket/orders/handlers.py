from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse
from django.utils import translation
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from remarket.core.i18n import site_language
from remarket.core.money import fmt
from remarket.events.outbox import handles

from .access import guest_link_days, guest_link_key
from .models import Order, SubOrder


def _language(order: Order) -> str:
    """Customers read their mails in their market's language."""
    return site_language(order.market.language)


@handles("order.paid")
def mail_order_confirmation(payload: dict) -> None:
    order = Order.objects.select_related("market").get(pk=payload["order_id"])
    if not order.email:
        return  # a walk-in store customer who left no address
    with translation.override(_language(order)):
        _send_confirmation(order)


def order_url(order: Order) -> str:
    """The order page's address for a mail: a customer's opens with their login, a guest's carries a signed key
    that lasts GUEST_ORDER_LINK_DAYS from this mail (orders/access.py)."""
    path = reverse("store-order", kwargs={"market": order.market.code.lower(), "order_id": order.public_id})
    if order.customer_id is None:
        path += "?" + urlencode({"key": guest_link_key(order=order)})
    return settings.REMARKET.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/") + path


def _order_link_line(order: Order) -> str:
    if order.customer_id is not None:
        return _("Your order, once logged in: %(url)s") % {"url": order_url(order)}
    return _("Your order: %(url)s (this link works for %(days)s days; ask for a fresh one on the site at any time)") % {
        "url": order_url(order),
        "days": guest_link_days(),
    }


def _send_confirmation(order: Order) -> None:
    send_mail(
        _("Your remarket order is confirmed"),
        _("Thank you! We received %(amount)s for order %(id)s.")
        % {"amount": fmt(order.total_minor, order.currency), "id": order.public_id}
        + "\n\n"
        + _order_link_line(order),
        None,
        [order.email],
    )


@handles("order.link_requested")
def mail_order_link(payload: dict) -> None:
    """A guest asked for a fresh link (orders/access.py guest_link_resend)."""
    order = Order.objects.select_related("market").get(pk=payload["order_id"])
    with translation.override(_language(order)):
        send_mail(
            _("Your remarket order link"),
            _("Here is a fresh link to order %(id)s.") % {"id": order.public_id} + "\n\n" + _order_link_line(order),
            None,
            [order.email],
        )


@handles("suborder.shipped")
def mail_shipped(payload: dict) -> None:
    sub = SubOrder.objects.select_related("order__market", "shipment", "merchant").get(pk=payload["suborder_id"])
    if not sub.order.email:
        return
    with translation.override(_language(sub.order)):
        _send_shipped(sub)


def _send_shipped(sub: SubOrder) -> None:
    send_mail(
        _("Your device is on its way"),
        _("%(merchant)s shipped your order with %(carrier)s, tracking %(tracking)s.")
        % {"merchant": sub.merchant.name, "carrier": sub.shipment.carrier, "tracking": sub.shipment.tracking_number}
        + "\n\n"
        + _order_link_line(sub.order),
        None,
        [sub.order.email],
    )


@handles("suborder.accepted")
def mail_accepted(payload: dict) -> None:
    sub = SubOrder.objects.select_related("order__market", "merchant").get(pk=payload["suborder_id"])
    if sub.order.email:
        with translation.override(_language(sub.order)):
            send_mail(
                _("Your order is being prepared"),
                _("%(merchant)s accepted your order and is preparing it for shipping.")
                % {"merchant": sub.merchant.name},
                None,
                [sub.order.email],
            )


@handles("suborder.refunded")
def mail_refunded(payload: dict) -> None:
    sub = SubOrder.objects.select_related("order__market", "merchant").get(pk=payload["suborder_id"])
    if sub.order.email:
        with translation.override(_language(sub.order)):
            send_mail(
                _("You are being refunded"),
                _("%(merchant)s refunds %(amount)s of your order; it reaches your card within a few days.")
                % {"merchant": sub.merchant.name, "amount": fmt(payload["amount_minor"], sub.order.currency)},
                None,
                [sub.order.email],
            )
