"""Input checks for addresses and contact details, per market."""

import re

import phonenumbers
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from remarket.core.errors import DomainError
from remarket.core.text import text_check

POSTCODE = {
    "FR": r"\d{5}",
    "DE": r"\d{5}",
    "ES": r"\d{5}",
    "IT": r"\d{5}",
    "US": r"\d{5}(-\d{4})?",
    "GB": r"[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}",
}
US_STATES = frozenset(
    """AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM
NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY""".split()
)
REQUIRED = ("first_name", "last_name", "street", "postal_code", "city", "country", "phone")
FIELDS = REQUIRED + ("street2", "company", "state")
MAX_FIELD_LENGTH = 200  # longer than any real line of an address; printed on labels and invoices


def email_validate(email: str) -> str:
    email = (email or "").strip()
    try:
        validate_email(email)
    except ValidationError:
        raise DomainError("CHECKOUT_EMAIL_INVALID", _("Enter a valid e-mail address.")) from None
    return email.lower()


def address_validate(*, market, address: dict) -> dict:
    """A shipping address in the market's country, with a postcode of its pattern and a real phone number."""
    clean = {k: str(address.get(k, "")).strip() for k in FIELDS}
    for field, value in clean.items():
        text_check(value, code="CHECKOUT_ADDRESS_INVALID", field=field)
        if len(value) > MAX_FIELD_LENGTH:
            raise DomainError(
                "CHECKOUT_ADDRESS_INVALID",
                _("The %(field)s is longer than %(max)s characters.")
                % {"field": field.replace("_", " "), "max": MAX_FIELD_LENGTH},
                {"field": field},
            )
    missing = [k for k in REQUIRED if not clean[k]]
    if missing:
        raise DomainError(
            "CHECKOUT_ADDRESS_INCOMPLETE",
            _("Fill in: %(fields)s.") % {"fields": ", ".join(missing)},
            {"fields": missing},
        )
    clean["country"] = clean["country"].upper()
    if clean["country"] != market.code:
        raise DomainError("CHECKOUT_SHIP_TO_COUNTRY", _("This site ships to %(code)s only.") % {"code": market.code})
    clean["postal_code"] = clean["postal_code"].upper()
    if market.code == "US":  # the sales tax depends on the state
        clean["state"] = clean["state"].upper()
        if clean["state"] not in US_STATES:
            raise DomainError("CHECKOUT_STATE_INVALID", _("Choose the US state of the address (two letters, e.g. NY)."))
    pattern = POSTCODE.get(market.code)
    if pattern and not re.fullmatch(pattern, clean["postal_code"]):
        raise DomainError(
            "CHECKOUT_POSTCODE_INVALID",
            _("%(postcode)s is not a postcode of %(code)s.") % {"postcode": clean["postal_code"], "code": market.code},
        )
    try:
        number = phonenumbers.parse(clean["phone"], market.code)
        valid = phonenumbers.is_valid_number(number)
    except phonenumbers.NumberParseException:
        valid = False
    if not valid:
        raise DomainError(
            "CHECKOUT_PHONE_INVALID", _("Enter a phone number that can be reached in %(code)s.") % {"code": market.code}
        )
    clean["phone"] = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return clean
