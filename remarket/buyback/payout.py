"""Trade-in money in the ledger: the merchant pays the customer (its payable is debited, the marketplace owes
the customer), then the money leaves — a bank transfer, or a credit used against a purchase at a till (the
credit pays part of the sale the gateway clearing account was debited with)."""

from remarket.ledger.models import Account, LedgerTransaction, Line
from remarket.ledger.services import Entry, ledger_post


def ledger_record_tradein_payout(
    *, merchant_id: int, amount_minor: int, currency: str, reference: str
) -> LedgerTransaction:
    return ledger_post(
        kind="tradein_payout",
        merchant_id=merchant_id,
        memo=f"trade-in {reference} bought back",
        entries=[
            Entry(Account.MERCHANT_PAYABLE, amount_minor, currency, merchant_id=merchant_id, line=Line.TRADE_IN),
            Entry(Account.TRADEIN_PAYABLE, -amount_minor, currency, line=Line.TRADE_IN),
        ],
    )


def ledger_record_tradein_transfer(*, amount_minor: int, currency: str, reference: str) -> LedgerTransaction:
    return ledger_post(
        kind="tradein_transfer",
        memo=f"trade-in {reference} transferred to the seller",
        entries=[
            Entry(Account.TRADEIN_PAYABLE, amount_minor, currency, line=Line.TRADE_IN),
            Entry(Account.BANK, -amount_minor, currency, line=Line.TRADE_IN),
        ],
    )


def ledger_record_tradein_credit(
    *, order_id: int, amount_minor: int, currency: str, reference: str
) -> LedgerTransaction:
    return ledger_post(
        kind="tradein_credit",
        order_id=order_id,
        memo=f"trade-in {reference} credited at the till",
        entries=[
            Entry(Account.TRADEIN_PAYABLE, amount_minor, currency, line=Line.TRADE_IN),
            Entry(Account.GATEWAY_CLEARING, -amount_minor, currency, line=Line.TRADE_IN),
        ],
    )
