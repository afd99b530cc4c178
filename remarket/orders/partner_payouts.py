"""Retail partners' monthly payouts, beside the merchants' (merchants/billing.py): once a month has ended in a
partner's market's time zone, the partner is paid what its statement closes at (ledger/partners.py posts
`partner_payable +x / bank −x`), or a payout of 0 is recorded and the balance carried over. Once per partner,
currency and month, however often and however concurrently it runs (a unique row per period; a second run's
posting rolls back with its row). The worker runs it after each month; `remarket partner_payouts_run` by hand."""

import datetime as dt
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _

from remarket.accounts.permissions import Actor, require
from remarket.core import clock
from remarket.core.errors import DomainError
from remarket.ledger.models import PartnerPayout
from remarket.ledger.partners import partner_payout_run
from remarket.ledger.payouts import period_bounds
from remarket.markets.models import Channel, Market

from .partner_reports import _partner_id

EARLIEST_ZONE = ZoneInfo("Pacific/Kiritimati")  # UTC+14: the first place where a month ends


def _partner_markets() -> dict[int, Market]:
    """Each partner with a network, and the market of its first channel (its statement's currency and zone)."""
    markets: dict[int, Market] = {}
    for channel in Channel.objects.filter(partner__isnull=False).select_related("market").order_by("pk"):
        if channel.partner_id is not None:
            markets.setdefault(channel.partner_id, channel.market)
    return markets


def partner_payouts_run(*, period: dt.date, progress=None) -> list[PartnerPayout]:
    """Pay every partner for the month starting `period`, where it has ended (elsewhere the next run does);
    partners already settled for it are skipped. Returns the payouts made while it ran (one made by a run racing
    this one in the same instant may be listed by both; the ledger and the payout rows hold it once)."""
    now = clock.now()
    if period_bounds(period, EARLIEST_ZONE)[1] > now:
        raise DomainError("PAYOUT_PERIOD_OPEN", _("This month is not over yet; it is paid once it has ended."))
    made = []
    for partner_id, market in _partner_markets().items():
        start, end = period_bounds(period, market.zone)
        settled = PartnerPayout.objects.filter(partner_id=partner_id, currency=market.currency, period=period)
        if end <= now and not settled.exists():
            payout = partner_payout_run(
                partner_id=partner_id, currency=market.currency, period=period, start=start, end=end
            )
            if payout.created_at >= now:  # not one a concurrent run had made before this one began
                made.append(payout)
        if progress is not None:
            progress(1)
    return made


def partner_payouts_for(*, actor: Actor) -> list[PartnerPayout]:
    """The actor's partner's payouts, newest month first."""
    require(actor, "statement.view_partner")
    return list(PartnerPayout.objects.filter(partner_id=_partner_id(actor)).order_by("-period", "currency"))
