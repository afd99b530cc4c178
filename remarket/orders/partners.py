"""A retail partner's commission on the sales at its locations.

A sale is at a partner's location when the order was made at one of its corners (a counter or endless-aisle
sale: `Order.location`) or is collected at one (click & collect: `Order.pickup_location`). The partner earns its
rate — `Partner.commission_bp`, or its rate for the line's category (the nearest category up the tree that has
one, `PartnerRate`) — on each line's price as the buyer sees it (the operator's commission base). The amount is
fixed on the line when it is paid and posted in the ledger with the sale (ledger/partners.py); a refund of the
line reverses exactly that amount."""

from collections.abc import Mapping

from remarket.catalog.models import Category
from remarket.core.money import share
from remarket.ledger.models import PartnerRate
from remarket.ledger.partners import ledger_record_partner_commission
from remarket.markets.models import Location

from .models import Order, OrderLine


def sale_partner_id(order) -> int | None:
    """The partner whose location the order sells at or is collected at; None for the web and own stores."""
    location_id = order.location_id or order.pickup_location_id
    if not location_id:
        return None
    if order.location_id and Order.location.is_cached(order) and Location.channel.is_cached(order.location):
        return order.location.channel.partner_id  # the counter's location, read with its channel
    return Location.objects.filter(pk=location_id).values_list("channel__partner_id", flat=True).first()


def partner_rate_bp(
    *, partner_bp: int, overrides: dict[int, int], category_id: int | None, parents: Mapping[int, int | None]
) -> int:
    """The partner's rate on a category: its own override up the tree (`parents`: each category's parent),
    else its general rate."""
    seen = set()
    while category_id is not None and category_id not in seen:
        seen.add(category_id)
        if category_id in overrides:
            return overrides[category_id]
        category_id = parents.get(category_id)
    return partner_bp


def partner_commission_on_paid(*, order, by_sub: dict) -> int:
    """Fix and post the partner's commission on an order's lines just paid (`by_sub`: each sub-order's money
    and lines, as `order_paid` read them). Returns the amount posted."""
    partner_id = sale_partner_id(order)
    if partner_id is None:
        return 0
    from remarket.markets.models import Partner

    partner_bp = Partner.objects.values_list("commission_bp", flat=True).get(pk=partner_id)
    overrides = dict(PartnerRate.objects.filter(partner_id=partner_id).values_list("category_id", "commission_bp"))
    line_ids = [l.pk for lines in by_sub.values() for l in lines]
    categories = dict(
        OrderLine.objects.filter(pk__in=line_ids).values_list("pk", "listing__variant__model__category_id")
    )
    parents = dict(Category.objects.values_list("pk", "parent_id")) if overrides else {}
    posted = 0
    changed = []
    for sub, lines in by_sub.items():
        amount = 0
        for line in lines:
            bp = partner_rate_bp(
                partner_bp=partner_bp, overrides=overrides, category_id=categories.get(line.pk), parents=parents
            )
            line_amount = share(line.total_minor, bp)
            if line_amount:
                changed.append(OrderLine(pk=line.pk, partner_commission_minor=line_amount))
            amount += line_amount
        if amount:
            ledger_record_partner_commission(
                order_id=order.pk,
                suborder_id=sub.pk,
                partner_id=partner_id,
                amount_minor=amount,
                currency=lines[0].currency,
            )
        posted += amount
    if changed:
        OrderLine.objects.bulk_update(changed, ["partner_commission_minor"])
    return posted


def partner_commission_on_refund(*, suborder, lines) -> int:
    """Reverse the partner's commission on lines given back (their fixed amounts). Returns the amount."""
    amount = sum(l.partner_commission_minor for l in lines)
    if not amount:
        return 0
    partner_id = sale_partner_id(suborder.order)
    if partner_id is None:
        return 0
    ledger_record_partner_commission(
        order_id=suborder.order_id,
        suborder_id=suborder.pk,
        partner_id=partner_id,
        amount_minor=amount,
        currency=suborder.order.currency,
        refund=True,
    )
    return amount
