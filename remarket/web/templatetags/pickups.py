"""The pickup of a sub-order for its pages: state label, code and QR code (`{% pickup_of sub as p %}`)."""

from django import template
from django.utils.safestring import mark_safe

from remarket.orders.models import Pickup
from remarket.orders.pickups import pickup_code, pickup_label, pickup_qr_svg, pickup_status

register = template.Library()


@register.simple_tag
def pickup_of(sub, with_code: bool = True):
    try:
        pickup = sub.pickup
    except Pickup.DoesNotExist:
        return None
    status = pickup_status(pickup)
    shown = with_code and status in ("awaiting", "in_transit", "ready")
    return {
        "pickup": pickup,
        "status": status,
        "label": pickup_label(pickup),
        "until": pickup.expires_at,
        "code": pickup_code(pickup) if shown else "",
        # segno's SVG of our own code: no user text in it
        "qr": mark_safe(pickup_qr_svg(pickup)) if shown else "",
    }
