"""The reasons a merchant suspends a trade-in or counter-offers, as the seller contract lists them
(`/ws/buyback/v1/orders/suspend-reasons`, `/counter-offers/reasons`): a stable identifier, a message for
people, a category."""

from django.utils.translation import gettext_lazy as _

SUSPEND_REASONS = {
    "parcel_empty": (_("Empty parcel"), _("Transport issue")),
    "parcel_damaged": (_("Damaged parcel"), _("Transport issue")),
    "wrong_device": (_("Not the device announced"), _("Device")),
    "icloud_locked": (_("Locked to an iCloud account"), _("Account lock")),
    "google_locked": (_("Locked to a Google account"), _("Account lock")),
    "blacklisted": (_("Reported lost or stolen (IMEI blacklisted)"), _("Device")),
    "missing_identity": (_("Identity documents missing"), _("Identity")),
}

COUNTER_OFFER_CATEGORIES = {
    "functional": _("Functional"),
    "esthetics": _("Aesthetics"),
    "other": _("Other"),
}

COUNTER_OFFER_REASONS = {
    "broken_screen": (_("Broken screen"), "functional"),
    "touch_not_working": (_("Touch screen does not work"), "functional"),
    "battery_worn": (_("Battery below 80 % of its capacity"), "functional"),
    "camera_broken": (_("A camera does not work"), "functional"),
    "does_not_turn_on": (_("Does not turn on"), "functional"),
    "scratched_screen": (_("Scratched screen"), "esthetics"),
    "body_scratched": (_("Scratched body"), "esthetics"),
    "body_dented": (_("Dented body"), "esthetics"),
    "other_model": (_("Another model or storage than announced"), "other"),
    "missing_parts": (_("Parts missing"), "other"),
}


def suspend_reasons_public() -> list[dict]:
    return [
        {"identifier": key, "message": str(message), "category": str(category)}
        for key, (message, category) in SUSPEND_REASONS.items()
    ]


def counter_reasons_public() -> list[dict]:
    return [
        {
            "id": category,
            "label": str(label),
            "reasons": [
                {"id": key, "label": str(text)} for key, (text, cat) in COUNTER_OFFER_REASONS.items() if cat == category
            ],
        }
        for category, label in COUNTER_OFFER_CATEGORIES.items()
    ]


def reasons_of(identifiers: list[str], table: dict) -> list[dict]:
    """The stored reasons in the contract's `buyback-reason` shape."""
    out = []
    for key in identifiers:
        message, category = table[key]
        category = COUNTER_OFFER_CATEGORIES.get(category, category)
        out.append({"identifier": key, "message": str(message), "category": str(category)})
    return out
