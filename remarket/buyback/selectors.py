"""Reads of trade-in: the best quote, a merchant's listings and queue, a customer's trade-ins."""

from dataclasses import dataclass

from django.db.models import Case, F, Prefetch, QuerySet, When
from django.utils.translation import gettext as _

from remarket.accounts.permissions import Actor, require
from remarket.catalog.models import Variant
from remarket.core.errors import NotFound
from remarket.markets.models import Location, Market
from remarket.merchants.models import Merchant

from .calc import Candidate, best_quote, price_to_win, reference_lookup
from .models import BuybackListing, BuybackPrice, Status, TradeIn, TradeInFile, TradeInMessage
from .states import CONTRACT, PENDING_REPLY


@dataclass(frozen=True)
class Quote:
    variant: Variant
    grade: str
    market: Market
    listing_id: int
    merchant_id: int
    price_minor: int
    currency: str


def quote_candidates(*, market: Market, variant_id: int, grade: str) -> list[Candidate]:
    """The online buy-back prices of a variant in a grade in a market, of merchants who may trade."""
    rows = BuybackPrice.objects.filter(
        market=market,
        listing__variant_id=variant_id,
        listing__grade=grade,
        listing__merchant__status__in=Merchant.SELLING,
        price_minor__gt=0,
    ).values_list("listing_id", "listing__merchant_id", "price_minor", "modified_at")
    return [Candidate(*row) for row in rows]


def quote_best(*, market: Market, variant: Variant, grade: str) -> Quote | None:
    best = best_quote(quote_candidates(market=market, variant_id=variant.pk, grade=grade))
    if best is None:
        return None
    return Quote(variant, grade, market, best.listing_id, best.merchant_id, best.price_minor, market.currency)


def buyback_variants(*, market: Market) -> QuerySet[Variant]:
    """The variants someone buys back in the market (the questionnaire's first choice)."""
    return (
        Variant.objects.filter(
            buyback_listings__prices__market=market,
            buyback_listings__prices__price_minor__gt=0,
            buyback_listings__merchant__status__in=Merchant.SELLING,
        )
        .select_related("model")
        .distinct()
        .order_by("model__brand", "model__name", "storage_gb", "colour")
    )


def variant_of(*, variant_id) -> Variant | None:
    try:
        return Variant.objects.select_related("model").filter(pk=int(variant_id)).first()
    except (TypeError, ValueError):
        return None


def tradein_locations(market: Market) -> QuerySet[Location]:
    """Where a device can be handed in: the market's active locations offering the trade-in service."""
    return Location.objects.filter(channel__market=market, service_trade_in=True, is_active=True).order_by("name")


# --- the merchant -----------------------------------------------------------------------------------------


def buyback_listings_for_merchant(*, actor: Actor) -> QuerySet[BuybackListing]:
    require(actor, "buyback.manage")
    qs = (
        BuybackListing.objects.filter(merchant_id=actor.merchant_id)
        if actor.merchant_id
        else BuybackListing.objects.none()
    )
    return (
        qs.select_related("variant__model")
        .prefetch_related(
            Prefetch("prices", queryset=BuybackPrice.objects.select_related("market").order_by("market__code"))
        )
        .order_by("pk")
    )


def buyback_listing_for_merchant(*, actor: Actor, public_id) -> BuybackListing:
    listing = buyback_listings_for_merchant(actor=actor).filter(public_id=public_id).first()
    if listing is None:
        raise NotFound("BUYBACK_LISTING_NOT_FOUND", _("There is no such buy-back listing among yours."))
    return listing


def buyback_competitors(*, listing: BuybackListing) -> list[dict]:
    """Per market of the listing: its price, the price to win and whether it wins (the best quote's rule)."""
    out = []
    for price in listing.prices.all():
        if price.price_minor <= 0:
            continue
        candidates = quote_candidates(market=price.market, variant_id=listing.variant_id, grade=listing.grade)
        best = best_quote(candidates)
        others = [c.price_minor for c in candidates if c.listing_id != listing.pk]
        out.append(
            {
                "market": price.market.code,
                "currency": price.currency,
                "price_minor": price.price_minor,
                "price_to_win_minor": price_to_win(price.price_minor, others),
                "is_winning": best is not None and best.listing_id == listing.pk,
            }
        )
    return out


def _tradeins() -> QuerySet[TradeIn]:
    return TradeIn.objects.select_related("market", "listing__variant__model", "location", "merchant")


def tradeins_for_merchant(*, actor: Actor, status: str | None = None, contract_only: bool = False) -> QuerySet[TradeIn]:
    """The merchant's trade-ins, the earliest deadline first (the back office's queue)."""
    require(actor, "buyback.manage")
    qs = _tradeins().filter(merchant_id=actor.merchant_id) if actor.merchant_id else TradeIn.objects.none()
    if contract_only:
        qs = qs.filter(status__in=CONTRACT)
    if status:
        qs = qs.filter(status=status)
    return qs.prefetch_related("files")


def tradeins_queue(*, actor: Actor, status: str | None = None) -> QuerySet[TradeIn]:
    """The back office's queue: each trade-in with the deadline of its current step (`deadline`: sending,
    the merchant's inspection, the customer's answer to a counter-offer), the earliest first, closed ones last."""
    deadline = Case(
        When(status__in=(Status.NEW, Status.PENDING, Status.TO_SEND), then=F("ship_by")),
        When(status=Status.RECEIVED, then=F("reply_by")),
        When(status=Status.COUNTER_PROPOSAL, then=F("answer_by")),
        default=None,
    )
    return (
        tradeins_for_merchant(actor=actor, status=status)
        .annotate(deadline=deadline)
        .order_by(F("deadline").asc(nulls_last=True), "-modified_at", "pk")
    )


def tradeins_pending_reply(*, actor: Actor) -> QuerySet[TradeIn]:
    return tradeins_for_merchant(actor=actor).filter(status__in=PENDING_REPLY).order_by("reply_by", "pk")


def tradein_for_merchant(*, actor: Actor, reference: str, contract_only: bool = False) -> TradeIn:
    tradein = (
        tradeins_for_merchant(actor=actor, contract_only=contract_only)
        .filter(reference=reference_lookup(reference))
        .first()
    )
    if tradein is None:
        raise NotFound("BUYBACK_ORDER_NOT_FOUND", _("There is no trade-in %(ref)s among yours.") % {"ref": reference})
    return tradein


def tradein_messages(*, tradein: TradeIn) -> QuerySet[TradeInMessage]:
    return tradein.messages.prefetch_related("files").order_by("created_at", "pk")


def tradein_file(*, actor: Actor, file_id: int) -> TradeInFile:
    """A file of one of the merchant's trade-ins, or of the customer's own."""
    qs = TradeInFile.objects.select_related("trade_in").filter(pk=file_id)
    if actor.merchant_id:
        qs = qs.filter(trade_in__merchant_id=actor.merchant_id)
    elif actor.user_id:
        qs = qs.filter(trade_in__customer_id=actor.user_id)
    else:
        qs = qs.none()
    found = qs.first()
    if found is None:
        raise NotFound("BUYBACK_FILE_NOT_FOUND", _("There is no such file."))
    return found


# --- the customer -----------------------------------------------------------------------------------------


def tradeins_for_customer(*, actor: Actor) -> QuerySet[TradeIn]:
    if not actor.user_id:
        return TradeIn.objects.none()
    return _tradeins().filter(customer_id=actor.user_id).order_by("-created_at", "-pk")


def tradein_for_customer(*, actor: Actor, reference: str) -> TradeIn:
    tradein = (
        tradeins_for_customer(actor=actor)
        .filter(reference=reference_lookup(reference))
        .prefetch_related("files")
        .first()
    )
    if tradein is None:
        raise NotFound("BUYBACK_ORDER_NOT_FOUND", _("There is no such trade-in."))
    return tradein


def tradeins_ws(
    *, actor: Actor, status: str | None = None, variant_id: int | None = None, since: dict[str, object] | None = None
) -> QuerySet[TradeIn]:
    """The merchant's trade-ins as the seller API lists them (contract statuses only), with its filters:
    `since` maps a date field (`created_at`, `modified_at`, `shipped_at`...) to its minimum; newest first."""
    qs = tradeins_for_merchant(actor=actor, status=status, contract_only=True)
    if variant_id is not None:
        qs = qs.filter(listing__variant_id=variant_id)
    for field, value in (since or {}).items():
        qs = qs.filter(**{f"{field}__gte": value})
    return qs.order_by("-created_at", "-pk")


def buyback_listings_page(
    *, actor: Actor, variant_public_id=None, cursor=None, size: int = 100
) -> tuple[list[BuybackListing], BuybackListing | None]:
    """A page of the merchant's buy-back listings from `cursor` (a listing's public id, included), and the
    first listing of the next page (its public id is the next cursor), in creation order."""
    qs = buyback_listings_for_merchant(actor=actor)
    if variant_public_id is not None:
        qs = qs.filter(variant__public_id=variant_public_id)
    if cursor is not None:
        start = qs.filter(public_id=cursor).values_list("pk", flat=True).first()
        if start is None:
            return [], None
        qs = qs.filter(pk__gte=start)
    rows = list(qs[: size + 1])
    return rows[:size], (rows[size] if len(rows) > size else None)


def tradein_last_check(*, tradein: TradeIn):
    """The latest identity check of a trade-in, or None."""
    return tradein.identity_checks.order_by("-pk").first()
