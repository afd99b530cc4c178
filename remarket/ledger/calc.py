"""Pure money arithmetic of the ledger: how a sale splits."""
from dataclasses import dataclass

from remarket.core.money import share


@dataclass(frozen=True)
class SaleSplit:
    gross_minor: int
    commission_minor: int
    merchant_minor: int


def sale_split(*, gross_minor: int, commission_bp: int) -> SaleSplit:
    commission = share(gross_minor, commission_bp)
    return SaleSplit(gross_minor, commission, gross_minor - commission)
