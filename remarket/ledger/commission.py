"""The operator's commission rate on a line: the merchant's negotiated rate, else its category's (the nearest
one up the tree that has one: catalog `category_commission_bp`), else the marketplace's
(settings.REMARKET["COMMISSION_BP"]). The rate is fixed on the order line at checkout, so a later change of rate
never rewrites a past sale. The caller looks the merchant's and the category's rates up: the ledger reads no
catalog or merchant table."""

from django.conf import settings


def commission_bp(*, merchant_bp: int | None, category_bp: int | None) -> int:
    if merchant_bp is not None:
        return merchant_bp
    if category_bp is not None:
        return category_bp
    return settings.REMARKET["COMMISSION_BP"]
