"""The Back Market-compatible seller API under /ws/: each path, its operations and their documented errors.

Paths answer with or without a trailing slash (the reference's examples use both). Any other /ws/ path is a
JSON 404."""

from django.urls import re_path
from django.views.decorators.csrf import csrf_exempt

from remarket.core.errors import NotFound

from . import backbox, buyback, catalog, deliveries, invoices, listings, orders, returns, sav, tasks
from .endpoint import Operation, resource
from .errors import Errors, Shape, error_response

V1, V2, V3, TEXT = Shape.V1, Shape.V2, Shape.V3, Shape.TEXT

# The contract's error table of each operation.
READ = Errors({400: V1, 401: V1, 403: V1, 404: V1})
LIST = Errors({401: V1, 403: V1})
WRITE = Errors({400: TEXT, 401: V1, 403: V1, 404: V1, 429: V1})
TREE = Errors({401: V2, 403: V2}, family=V2)
BRANCH = Errors({401: V1, 403: V1, 404: V1})
TASK = Errors({401: V1, 404: V1}, remap={403: 404})
COMPETITORS = Errors({401: V1, 404: V1, 422: V1}, remap={400: 422, 403: 404})
BI = Errors({403: V3, 404: V3, 429: V3}, family=V3, remap={401: 403})
# Orders document 400, 403 and 404 without bodies (V1 is used); no 401, so a missing token is their 403.
ORDERS = Errors({400: V1, 403: V1, 404: V1}, remap={401: 403})
ORDERLINE = Errors({400: V1, 403: V1, 404: V1, 422: V1}, remap={401: 403, 409: 422})
DELIVERIES = Errors({422: V1})  # its 422 body (OrderIdValidationError) is built by the handler
DELIVERY = Errors({404: V1}, remap={403: 404})


@csrf_exempt
def _not_found(request, path=""):
    return error_response(NotFound("WS_NOT_FOUND", f"There is no /ws/{path} here."), READ)


urlpatterns = [
    re_path(r"^category/tree/?$", resource(GET=Operation(catalog.category_tree, TREE, bucket="catalog"))),
    re_path(
        r"^category/tree/(?P<category_id>[^/]+)/?$",
        resource(GET=Operation(catalog.category_branch, BRANCH, bucket="catalog")),
    ),
    re_path(
        r"^listings/?$",
        resource(GET=Operation(listings.listings_list, LIST), POST=Operation(listings.listings_batch, WRITE)),
    ),
    re_path(r"^listings/detail/?$", resource(GET=Operation(listings.listing_by_reference, READ))),
    re_path(
        r"^listings/(?P<listing_ref>[^/]+)/?$",
        resource(GET=Operation(listings.listing_get, READ), POST=Operation(listings.listing_update, WRITE)),
    ),
    re_path(r"^tasks/(?P<task_id>[^/]+)/?$", resource(GET=Operation(tasks.task_get, TASK, market=False))),
    re_path(
        r"^backbox/v1/competitors/(?P<listing_ref>[^/]+)/?$",
        resource(GET=Operation(backbox.competitors, COMPETITORS, market=False)),
    ),
    re_path(r"^listings_bi/?$", resource(GET=Operation(backbox.listings_bi, BI))),
    re_path(r"^orders/?$", resource(GET=Operation(orders.orders_list, ORDERS, market=False))),
    re_path(
        r"^orders/(?P<order_id>[^/]+)/?$",
        resource(
            GET=Operation(orders.order_get, ORDERS, market=False),
            POST=Operation(orders.order_update, ORDERS, market=False),
        ),
    ),
    re_path(
        r"^orders/(?P<order_id>[^/]+)/invoice/?$", resource(POST=Operation(invoices.invoice_post, ORDERS, market=False))
    ),
    re_path(
        r"^orderlines/(?P<orderline_id>[^/]+)/?$",
        resource(PATCH=Operation(orders.orderline_update, ORDERLINE, market=False)),
    ),
    re_path(
        r"^shipping/v1/deliveries/?$", resource(GET=Operation(deliveries.deliveries_list, DELIVERIES, market=False))
    ),
    re_path(
        r"^shipping/v1/deliveries/(?P<delivery_id>[^/]+)/?$",
        resource(GET=Operation(deliveries.delivery_get, DELIVERY, market=False)),
    ),
    *returns.urlpatterns,
    *buyback.urlpatterns,
    *sav.urlpatterns,
    re_path(r"^(?P<path>.*)$", _not_found),
]
