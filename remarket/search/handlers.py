"""The index follows the marketplace after commit, through the outbox, so that no write waits for it:

- `search.changed` {"variant_ids": [...], "model_ids": [...]}: what a listing or catalog write touched
  (listings_apply emits it with the variants of its rows; catalog and merchant-status writes likewise);
- `order.created` / `order.unpaid`: a checkout reserving units, or an unpaid order giving them back, can take
  an offer out of stock or bring it back;
- `merchant.status_changed`: a suspended merchant's offers leave the index, a reinstated one's come back."""

from remarket.events.outbox import handles

TOPIC = "search.changed"


def _order_variants(order_id: int) -> list[int]:
    from remarket.orders.models import OrderLine

    return list(
        OrderLine.objects.filter(suborder__order_id=order_id).values_list("listing__variant_id", flat=True).distinct()
    )


@handles(TOPIC)
def search_follow_changes(payload: dict) -> None:
    from .services import search_index_refresh

    search_index_refresh(variant_ids=payload.get("variant_ids", []), model_ids=payload.get("model_ids", []))


@handles("order.created")
@handles("order.unpaid")
def search_follow_order_stock(payload: dict) -> None:
    from .services import search_index_refresh

    search_index_refresh(variant_ids=_order_variants(payload["order_id"]))


@handles("merchant.status_changed")
def search_follow_merchant(payload: dict) -> None:
    from .services import search_merchant_refresh

    search_merchant_refresh(merchant_id=payload["merchant_id"])
