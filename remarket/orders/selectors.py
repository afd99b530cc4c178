from django.db.models import QuerySet
from django.utils.translation import gettext as _

from remarket.accounts.models import Role
from remarket.accounts.permissions import Actor, require
from remarket.core.errors import NotFound

from .models import Order, SubOrder


def suborders_visible(actor: Actor) -> QuerySet[SubOrder]:
    """Sub-orders the actor may see: a merchant's own, a clerk's location's, all for the operator."""
    qs = SubOrder.objects.select_related("order", "merchant", "order__market", "order__channel")
    if actor.role == Role.OPERATOR:
        return qs
    if actor.role == Role.MERCHANT and actor.merchant_id:
        return qs.filter(merchant_id=actor.merchant_id)
    if actor.role == Role.CLERK and actor.location_id:
        return qs.filter(order__location_id=actor.location_id)
    return qs.none()


def suborders_for_merchant(*, actor: Actor, state: int | None = None) -> QuerySet[SubOrder]:
    require(actor, "order.view_merchant")
    qs = suborders_visible(actor).order_by("-created_at", "-id")
    return qs if state is None else qs.filter(state=state)


def suborder_for_actor(*, actor: Actor, suborder_id: int, for_update: bool = False) -> SubOrder:
    """One sub-order, or 404 — also when it exists but belongs to someone else."""
    qs = suborders_visible(actor)
    if for_update:
        qs = qs.select_for_update(of=("self",))
    sub = qs.filter(pk=suborder_id).first()
    if sub is None:
        raise NotFound("ORDER_NOT_FOUND", _("There is no order %(id)s.") % {"id": suborder_id})
    return sub


def order_for_customer(*, public_id, user=None, email: str | None = None) -> Order:
    """A customer's order by its public id; guests see it through the unguessable id alone."""
    order = (Order.objects.select_related("market", "payment").prefetch_related("suborders__lines", "history")
             .filter(public_id=public_id).first())
    if order is None or (order.customer_id and user is not None and user.is_authenticated
                         and order.customer_id != user.pk and user.role != "operator"):
        raise NotFound("ORDER_NOT_FOUND", _("There is no such order."))
    return order
