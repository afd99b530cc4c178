from django.db import transaction
from django.utils.text import slugify

from remarket.core import clock
from remarket.core.errors import DomainError

from .models import Merchant


@transaction.atomic
def merchant_create(*, name: str, country: str, status: str = Merchant.Status.ACTIVE,
                    is_first_party: bool = False, commission_bp: int = 1000) -> Merchant:
    name = name.strip()
    if not name:
        raise DomainError("MERCHANT_NAME_REQUIRED", "A merchant needs a name.")
    if Merchant.objects.filter(name__iexact=name).exists():
        raise DomainError("MERCHANT_NAME_TAKEN", f"A merchant named {name!r} exists already.")
    return Merchant.objects.create(name=name, slug=slugify(name), country=country, status=status,
                                   is_first_party=is_first_party, commission_bp=commission_bp,
                                   created_at=clock.now())


def merchant_first_party() -> Merchant:
    merchant = Merchant.objects.filter(is_first_party=True).first()
    if merchant is None:
        raise DomainError("MERCHANT_FIRST_PARTY_MISSING", "The operator's own merchant is not set up; run `remarket demo`.")
    return merchant
