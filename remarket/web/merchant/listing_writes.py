"""The back office's listing writes: one offer's terms from its row, or a whole CSV file as a feed task. Both
go through `listings_apply` like every other interface (the file through the worker, as `/ws/listings` does)."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from remarket.core.errors import DomainError
from remarket.markets.selectors import market_get
from remarket.merchants.selectors import merchant_get
from remarket.offers.feeds import feed_decode, feed_task_create
from remarket.offers.selectors import feed_task_of_merchant_get, terms_of_merchant_get
from remarket.offers.services import ListingRow, listings_apply
from remarket.web.common import requires

MAX_UPLOAD = 20 * 1024 * 1024


@require_POST
@requires("listing.write", merchant=True)
def listing_terms(request, terms_id: int):
    """Price, min price, quantity, online, VAT scheme and purchase price of one of the merchant's offers."""
    terms = terms_of_merchant_get(merchant_id=request.actor.merchant_id, terms_id=terms_id)
    if terms is None:
        raise Http404
    form = request.POST
    row = ListingRow(
        sku=terms.listing.sku,
        market=terms.market.code,
        price=form.get("price") or None,
        min_price=form.get("min_price", ""),
        quantity=form.get("quantity") or None,
        published=form.get("published") == "on",
        vat_scheme=form.get("vat_scheme") or None,
        purchase_price=form.get("purchase_price") or None,
        battery_health=form.get("battery_health") if "battery_health" in form else None,
    )
    merchant = merchant_get(merchant_id=request.actor.merchant_id)
    try:
        result = listings_apply(merchant=merchant, rows=[row])
    except DomainError as err:
        messages.error(request, _("%(message)s (%(code)s)") % {"message": err.message, "code": err.code})
    else:
        names = {"sku": terms.listing.sku, "market": terms.market.code}
        if result.errors:
            first = result.errors[0]
            messages.error(
                request,
                _("%(sku)s: %(message)s (%(code)s)") % {**names, "message": first.message, "code": first.code},
            )
        elif result.updated:
            messages.success(request, _("%(sku)s in %(market)s: saved.") % names)
        else:
            messages.success(request, _("%(sku)s in %(market)s: nothing to change.") % names)
    back = request.POST.get("next", "")
    return redirect(back if back.startswith("/merchant/listings/") else "merchant-listings")


@require_POST
@requires("listing.write", merchant=True)
def feed_upload(request):
    """A listings file in the `/ws/` CSV format (any delimiter or encoding the feeds accept), for one market."""
    upload = request.FILES.get("file")
    merchant = merchant_get(merchant_id=request.actor.merchant_id)
    try:
        if upload is None or upload.size == 0:
            raise DomainError("FEED_FILE_REQUIRED", _("Choose a CSV file to upload."))
        if upload.size > MAX_UPLOAD:
            raise DomainError(
                "FEED_FILE_TOO_LARGE",
                _("The file is over 20 MB: split it, or use the command line import for large catalogues."),
            )
        market = market_get(code=request.POST.get("market", "FR"))
        task = feed_task_create(
            merchant=merchant, market_code=market.code, text=feed_decode(upload.read()), source="upload"
        )
    except DomainError as err:
        messages.error(request, _("%(message)s (%(code)s)") % {"message": err.message, "code": err.code})
        return redirect("merchant-listings")
    return redirect("merchant-feed", task_id=task.pk)


@requires("listing.view", merchant=True)
def feed(request, task_id: int):
    """An uploaded file's progress and its per-row results (the page refreshes itself until the worker is done)."""
    task = feed_task_of_merchant_get(merchant_id=request.actor.merchant_id, task_id=task_id)
    if task is None:
        raise Http404
    results = sorted(task.results, key=lambda r: (r.get("status") not in ("error", "failed"), r.get("line") or 0))
    return render(
        request,
        "merchant/feed.html",
        {"task": task, "results": results[:500], "merchant": merchant_get(merchant_id=request.actor.merchant_id)},
    )
