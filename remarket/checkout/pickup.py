"""Checking out for collection at a location (orders/pickups.py has the pickup's life)."""

from remarket.markets.models import Location

from .validation import address_validate


def pickup_address(*, market, location: Location, contact: dict) -> dict:
    """The shipping address of a parcel sent to a location: the customer's name and phone (checked like any
    address), at the location's address. The merchant's label, `/ws/` and the tax read it like any other."""
    address = {
        "first_name": contact.get("first_name", ""),
        "last_name": contact.get("last_name", ""),
        "phone": contact.get("phone", ""),
        "company": location.name,
        "street": getattr(location, "street", "") or location.name,
        "postal_code": location.postcode,
        "city": location.town,
        "state": location.region,
        "country": market.code,
    }
    return address_validate(market=market, address=address)
