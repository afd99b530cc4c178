"""Selling over the counter at a store or partner point of sale: the same checkout, from the location's stock."""

from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils.translation import gettext as _

from remarket.accounts.permissions import Actor, require
from remarket.core.errors import DomainError
from remarket.markets.models import Location
from remarket.offers.models import ListingMarket, LocationStock
from remarket.orders.models import Order, Shipment
from remarket.orders.services import suborder_hand_over
from remarket.payments.models import PaymentIntent

from .services import Item, checkout_pay, checkout_start


def pos_location(*, actor: Actor) -> Location:
    require(actor, "pos.view_stock")
    assert actor.location_id is not None, "only a clerk may, and a clerk has a location (clerk_has_location)"
    return Location.objects.select_related("channel__market").get(pk=actor.location_id)


def pos_stock(*, actor: Actor):
    """Units on the shelf at the clerk's location, with their price in the location's market."""
    location = pos_location(actor=actor)
    price = (
        ListingMarket.objects.sellable()
        .filter(listing=OuterRef("listing"), market=location.channel.market_id)
        .values("price_minor")[:1]
    )
    return (
        LocationStock.objects.filter(location=location, available__gt=0)
        .annotate(price_minor=Subquery(price))
        .filter(price_minor__isnull=False)
        .select_related("listing__variant__model", "listing__merchant")
        .order_by("listing__variant__model__name")
    )


def pos_sell(
    *, actor: Actor, listing_id: int, quantity: int, card_number: str, email: str = "", sale_token: str = ""
) -> Order:
    """Reserve from the clerk's location, take the card, and hand the device over once paid. `sale_token` is the
    till form's own: the same form sent twice makes one sale, paid once."""
    require(actor, "pos.sell")
    location = pos_location(actor=actor)
    order = checkout_start(
        market=location.channel.market,
        channel=location.channel,
        items=[Item(listing_id, quantity, location.pk)],
        email=email,
        location_id=location.pk,
        clerk_id=actor.user_id,
        checkout_key=f"pos:{location.pk}:{actor.user_id}:{sale_token}" if sale_token else "",
    )
    if order.replayed:
        intent = order.payment
        if intent.status not in PaymentIntent.FINAL:
            raise DomainError(
                "POS_SALE_IN_PROGRESS",
                _("This sale is already being paid: see its payment under Recent sales."),
                {"order": str(order.public_id)},
                status=409,
            )
    else:
        intent = checkout_pay(order=order, card_number=card_number)
    if intent.status != PaymentIntent.Status.CAPTURED:
        raise DomainError(
            "POS_PAYMENT_NOT_CAPTURED",
            _("The card payment did not go through (%(status)s); the units are back in stock.")
            % {"status": intent.failure_code or intent.status},
            {"order": str(order.public_id)},
            status=402,
        )
    with transaction.atomic():
        # locked, so that a repeated form hands each device over once
        for sub in order.suborders.select_for_update(of=("self",)).select_related("order__location").order_by("pk"):
            if not Shipment.objects.filter(suborder=sub).exists():
                suborder_hand_over(suborder=sub, clerk_id=actor.user_id)
    return order
