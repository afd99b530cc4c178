"""Who may open a customer's order, and the guest's order link.

A registered customer's order (and everything hanging off it: invoices, credit notes, the seller's uploaded
invoice, the payment confirmation step) opens for that customer's login or an operator; anyone else is told it
does not exist. A guest's order opens for:

- a signed link (`guest_link_key`), good for `REMARKET["GUEST_ORDER_LINK_DAYS"]` days from the day we sent it;
  the mails carry it, and the guest gets a fresh one by mail with `guest_link_resend`;
- the web session that checked it out, and the API client that holds its id, for the same number of days from
  the checkout (the storefront's post-checkout redirect, a headless checkout's pay call).

An expired link is told apart from a forged one (its signature is still ours) so the storefront can offer a
fresh one instead of a bare 404."""

import datetime as dt
import hashlib
import uuid

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.utils.translation import gettext as _

from remarket.accounts.models import Role
from remarket.accounts.permissions import Actor
from remarket.core import clock
from remarket.core.counters import counter_window_hit
from remarket.core.errors import DomainError, NotFound, TooManyRequests
from remarket.events.outbox import emit

from .models import Order

_LINK_SALT = "remarket.orders.guest-link"  # a signature made for another purpose never opens an order
# re-send requests a client address may make, and a given e-mail may receive, per window
RESEND_LIMITS = {"per_ip": 5, "per_email": 3, "window_seconds": 3600}


def guest_link_days() -> int:
    return settings.REMARKET.get("GUEST_ORDER_LINK_DAYS", 90)


def _not_found() -> NotFound:
    return NotFound("ORDER_NOT_FOUND", _("There is no such order."))


def guest_link_key(*, order: Order) -> str:
    """The `key` of a guest's order link: when it was issued, signed with the order's id (the id itself is the
    link's path, so it is not repeated here)."""
    issued = signing.b62_encode(int(clock.now().timestamp()))
    return signing.Signer(salt=_LINK_SALT).sign(f"{order.public_id}:{issued}").split(":", 1)[1]


def guest_link_state(*, public_id, key: str) -> str:
    """ "valid", "expired" (ours, but older than the setting) or "invalid" (not ours, or for another order)."""
    if not key or len(key) > 100:
        return "invalid"
    try:
        value = signing.Signer(salt=_LINK_SALT).unsign(f"{public_id}:{key}")
        issued = dt.datetime.fromtimestamp(signing.b62_decode(value.rsplit(":", 1)[1]), dt.UTC)
    except (signing.BadSignature, ValueError):
        return "invalid"
    return "valid" if clock.now() - issued <= dt.timedelta(days=guest_link_days()) else "expired"


def _guest_period_open(order: Order) -> bool:
    return clock.now() - order.created_at <= dt.timedelta(days=guest_link_days())


def _owner_or_operator(order: Order, actor: Actor) -> bool:
    return actor.role == Role.OPERATOR or (actor.user_id is not None and actor.user_id == order.customer_id)


def order_access_check(*, order: Order, actor: Actor, link_key: str = "", checked_out_here: bool = False) -> None:
    """Raise unless `actor` may open `order`. `link_key`: the key of a guest link; `checked_out_here`: the
    caller is the session or the API client that made the order. Codes: ORDER_NOT_FOUND (404, also for an order
    that exists but is not the caller's), ORDER_LOGIN_REQUIRED (401, a registered customer's order opened without
    a login), ORDER_LINK_EXPIRED (410, a guest link of ours that is too old)."""
    if order.customer_id is not None:
        if _owner_or_operator(order, actor):
            return
        if actor.user_id is None and actor.role == Role.CUSTOMER:
            raise DomainError("ORDER_LOGIN_REQUIRED", _("Log in to see this order."), status=401)
        raise _not_found()
    if actor.role == Role.OPERATOR:
        return
    state = guest_link_state(public_id=order.public_id, key=link_key) if link_key else "invalid"
    if state == "valid" or (checked_out_here and _guest_period_open(order)):
        return
    if state == "expired":
        raise DomainError(
            "ORDER_LINK_EXPIRED",
            _("This order link has expired: ask for a fresh one below."),
            {"order": str(order.public_id)},
            status=410,
        )
    raise _not_found()


def order_for_viewer(*, public_id, actor: Actor, link_key: str = "", checked_out_here: bool = False) -> Order:
    """The order page's order, with what it shows, if `actor` may open it (see `order_access_check`)."""
    order = (
        Order.objects.select_related("market", "payment")
        .prefetch_related("suborders__lines", "history")
        .filter(public_id=public_id)
        .first()
    )
    if order is None:
        raise _not_found()
    order_access_check(order=order, actor=actor, link_key=link_key, checked_out_here=checked_out_here)
    return order


def _count(key: str, limit: int, window: int) -> tuple[bool, int]:
    """One more request under `key` (counted where every worker process sees it); whether it is within `limit`
    for the window, and the seconds until the window ends."""
    count, retry_after = counter_window_hit(key=key, window_seconds=window)
    return count <= limit, retry_after


def guest_link_resend(*, email: str, order_number: str, client_ip: str) -> None:
    """Mail a fresh link to a guest order's address when `email` and `order_number` (the public id the mails show)
    name one. The caller answers the same whether or not they do, so nothing tells an order exists; the counts
    are taken before the lookup for the same reason."""
    email = email.strip().lower()
    window = RESEND_LIMITS["window_seconds"]
    digest = hashlib.sha256(email.encode()).hexdigest()[:32]
    by_ip, ip_retry = _count(f"order-link:ip:{client_ip}", RESEND_LIMITS["per_ip"], window)
    by_email, email_retry = _count(f"order-link:email:{digest}", RESEND_LIMITS["per_email"], window)
    if not (by_ip and by_email):
        raise TooManyRequests(
            "ORDER_LINK_THROTTLED",
            _("Too many requests for an order link: try again later."),
            retry_after=max(ip_retry if not by_ip else 0, email_retry if not by_email else 0),
        )
    try:
        public_id = uuid.UUID(order_number.strip())
    except ValueError:  # not an order number: the same silent answer as an unknown order
        return
    order = (
        Order.objects.filter(public_id=public_id, customer__isnull=True, email__iexact=email).exclude(email="").first()
    )
    if order is not None:
        with transaction.atomic():
            emit("order.link_requested", {"order_id": order.pk})
