"""The seller's legal identity on its invoices: kept per merchant (SellerIdentity), copied into each document at
issue, so an invoice says who sold as it was on its day. A seller established in the EU gives its VAT number."""

import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from remarket.accounts.permissions import Actor, allowed, require
from remarket.core import clock
from remarket.core.errors import DomainError, NotFound
from remarket.markets.tax import EU
from remarket.merchants.models import Merchant

from .models import SellerIdentity

_VAT = re.compile(r"^[A-Z]{2}[0-9A-Z+*]{2,12}$")
FIELDS = ("legal_name", "street", "street2", "postal_code", "city", "region", "country", "vat_number", "company_id")
REQUIRED = ("legal_name", "street", "postal_code", "city", "country", "company_id")


def _merchant_of(actor: Actor, merchant_id: int | None) -> int:
    if merchant_id is None or merchant_id == actor.merchant_id:
        require(actor, "order.fulfil")
        if actor.merchant_id is None:
            raise NotFound("INVOICE_SELLER_NOT_FOUND", _("There is no such seller."))
        return actor.merchant_id
    require(actor, "merchant.manage")  # the operator, for any merchant
    if not Merchant.objects.filter(pk=merchant_id).exists():
        raise NotFound("INVOICE_SELLER_NOT_FOUND", _("There is no such seller."))
    return merchant_id


def _clean(values: dict) -> dict:
    data = {f: str(values.get(f) or "").strip() for f in FIELDS}
    data["country"] = data["country"].upper()
    data["vat_number"] = re.sub(r"[\s.-]", "", data["vat_number"]).upper()
    for name in REQUIRED:
        if not data[name]:
            raise DomainError("INVOICE_SELLER_INCOMPLETE", _("This field is required."), {"field": name})
    if not re.fullmatch(r"[A-Z]{2}", data["country"]):
        raise DomainError(
            "INVOICE_SELLER_COUNTRY_INVALID", _("Give the country as its two-letter code."), {"field": "country"}
        )
    prefix = "EL" if data["country"] == "GR" else data["country"]
    if data["country"] in EU and not data["vat_number"]:
        raise DomainError(
            "INVOICE_SELLER_VAT_REQUIRED",
            _("A seller established in the EU gives its VAT number."),
            {"field": "vat_number"},
        )
    if data["vat_number"] and (
        not _VAT.match(data["vat_number"]) or (data["country"] in EU and not data["vat_number"].startswith(prefix))
    ):
        raise DomainError(
            "INVOICE_SELLER_VAT_INVALID",
            _("A VAT number is the country's prefix then its digits, as %(example)s.")
            % {"example": f"{prefix}12345678901"},
            {"field": "vat_number"},
        )
    try:
        SellerIdentity(**data).clean_fields(exclude=["merchant", "updated_at"])  # the columns' lengths
    except ValidationError as err:
        name = next(iter(err.message_dict))
        raise DomainError("INVOICE_SELLER_TOO_LONG", _("This field is too long."), {"field": name}) from None
    return data


@transaction.atomic
def seller_identity_set(*, actor: Actor, values: dict, merchant_id: int | None = None) -> SellerIdentity:
    """Set the legal identity a merchant's next invoices print (its staff for their own, the operator for any)."""
    target = _merchant_of(actor, merchant_id)
    data = _clean(values)
    identity, _created = SellerIdentity.objects.update_or_create(
        merchant_id=target, defaults={**data, "updated_at": clock.now()}
    )
    return identity


def seller_identity_get(*, actor: Actor, merchant_id: int | None = None) -> SellerIdentity | None:
    target = merchant_id if merchant_id is not None and allowed(actor, "merchant.manage") else actor.merchant_id
    if target is None:
        return None
    return SellerIdentity.objects.filter(merchant_id=target).first()


def seller_snapshot(merchant: Merchant) -> dict:
    """What an invoice keeps of its seller: the trading name and country always, the legal identity when given."""
    seller = {"name": merchant.name, "country": str(merchant.country)}
    identity = SellerIdentity.objects.filter(merchant=merchant).first()
    if identity is not None:
        seller.update({f: getattr(identity, f) for f in FIELDS})
    return seller
