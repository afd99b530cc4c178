"""The per market × variant × grade summaries the product page reads (models.GradeSummary).

`summaries_refresh(variant_ids=...)` makes the summaries of these variants exactly what their offers say, in the
caller's transaction: rows are recomputed by one grouped statement, then only the rows that differ are written.
Every write that can change a summary calls it — listings_apply (price, publication, quantity, grade, shipping),
`best.scores_refresh` (a merchant's quality), `stock.py` when a listing's units reach or leave zero — and a
merchant's status change reaches it through the outbox (handlers below). `summaries_rebuild()` recomputes all
of them (after a bulk load: the demo, the benchmark's seed).

Two refreshes of one variant are serialised by a lock on the variant's row (FOR NO KEY UPDATE, variants in
primary-key order, as the search index takes them), so the later one recomputes from what the first wrote."""

from collections.abc import Iterable

from django.db import connection, transaction

from remarket.catalog.models import Variant
from remarket.events.outbox import handles

from .best import SELLABLE, winner_order_sql
from .models import GradeSummary

BATCH = 500
_SELLABLE_IN = "(" + ", ".join(["%s"] * len(SELLABLE)) + ")"

# per market × variant × grade: the sellable offers' count and lowest price, and the first in the backbox's order
_SUMMARY_SQL = f"""
SELECT market_id, variant_id, grade, model_id, n, low, listing_id FROM (
  SELECT t.market_id, l.variant_id, l.grade, v.model_id, l.id AS listing_id,
         COUNT(*) OVER (PARTITION BY t.market_id, l.variant_id, l.grade) AS n,
         MIN(t.price_minor) OVER (PARTITION BY t.market_id, l.variant_id, l.grade) AS low,
         ROW_NUMBER() OVER (PARTITION BY t.market_id, l.variant_id, l.grade
                            ORDER BY {winner_order_sql(terms="t", shipping_price="MIN(s.price_minor)")}) AS place
  FROM offers_listing l
  JOIN catalog_variant v ON v.id = l.variant_id
  JOIN offers_listingmarket t ON t.listing_id = l.id
  JOIN merchants_merchant mm ON mm.id = l.merchant_id
  LEFT JOIN offers_shippingoption s ON s.terms_id = t.id
  WHERE l.quantity > 0 AND t.published = %s AND mm.status IN {_SELLABLE_IN} {{scope}}
  GROUP BY t.id, l.id, v.model_id
) ranked WHERE place = 1
"""

Key = tuple[int, int, str]  # market, variant, grade
Row = tuple[int, int, int, int]  # model, offers, low price, best listing


def summaries_computed(*, variant_ids: list[int] | None) -> dict[Key, Row]:
    """What the summaries of these variants (None: of every variant) should be, from the offers."""
    params: list = [True, *SELLABLE]
    scope = ""
    if variant_ids is not None:
        if not variant_ids:
            return {}
        scope = "AND l.variant_id IN (" + ", ".join(["%s"] * len(variant_ids)) + ")"
        params += variant_ids
    with connection.cursor() as cursor:
        cursor.execute(_SUMMARY_SQL.format(scope=scope), params)
        rows = cursor.fetchall()
    return {(m, v, g): (model, n, low, best) for m, v, g, model, n, low, best in rows}


def summaries_stored(*, variant_ids: list[int] | None) -> dict[Key, Row]:
    rows = (
        GradeSummary.objects.all() if variant_ids is None else GradeSummary.objects.filter(variant_id__in=variant_ids)
    )
    return {
        (m, v, g): (model, n, low, best)
        for m, v, g, model, n, low, best in rows.values_list(
            "market_id", "variant_id", "grade", "model_id", "offers", "low_price_minor", "best_id"
        )
    }


def _sync(variant_ids: list[int] | None) -> int:
    want = summaries_computed(variant_ids=variant_ids)
    have = summaries_stored(variant_ids=variant_ids)
    gone = [k for k in have if k not in want]
    changed = [k for k, row in want.items() if have.get(k) != row]
    for start in range(0, len(gone), BATCH):
        for market, variant, grade in gone[start : start + BATCH]:
            GradeSummary.objects.filter(market_id=market, variant_id=variant, grade=grade).delete()
    stale = [k for k in changed if k in have]
    for market, variant, grade in stale:
        GradeSummary.objects.filter(market_id=market, variant_id=variant, grade=grade).delete()
    GradeSummary.objects.bulk_create(
        [
            GradeSummary(
                market_id=market,
                variant_id=variant,
                grade=grade,
                model_id=want[(market, variant, grade)][0],
                offers=want[(market, variant, grade)][1],
                low_price_minor=want[(market, variant, grade)][2],
                best_id=want[(market, variant, grade)][3],
            )
            for market, variant, grade in changed
        ],
        batch_size=BATCH,
    )
    return len(gone) + len(changed)


def summaries_refresh(*, variant_ids: Iterable[int]) -> int:
    """Recompute the summaries of these variants; returns how many rows were written or removed."""
    ids = sorted(set(variant_ids))
    written = 0
    with transaction.atomic():
        for start in range(0, len(ids), BATCH):
            batch = ids[start : start + BATCH]
            list(
                Variant.objects.filter(pk__in=batch)
                .order_by("pk")
                .select_for_update(no_key=True)
                .values_list("pk", flat=True)
            )
            written += _sync(batch)
    return written


def summaries_rebuild() -> int:
    """Every summary recomputed from the offers (after a bulk load)."""
    with transaction.atomic():
        return _sync(None)


@handles("merchant.status_changed")
def summaries_follow_merchant(payload: dict) -> None:
    """A suspended merchant's offers leave the summaries, a reinstated one's come back (the page also skips a
    winner whose merchant cannot sell until then)."""
    from .models import Listing

    summaries_refresh(
        variant_ids=Listing.objects.filter(merchant_id=payload["merchant_id"]).values_list("variant_id", flat=True)
    )
