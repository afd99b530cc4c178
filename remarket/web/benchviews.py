"""Reference views for the benchmarks (bench/): only routed when REMARKET_BENCH_VIEWS=1.

They measure what the machine and Django cost before any remarket logic, so the product page's
figures can be read as ratios measured in the same run."""

from django.http import HttpResponse, JsonResponse

from remarket.catalog.selectors import product_model_row


def bare(request):
    return HttpResponse(b"ok", content_type="text/plain")


def one_select(request):
    """One indexed primary-key select, serialised."""
    pk = int(request.GET.get("id", "1"))
    row = product_model_row(pk=pk)
    return JsonResponse(row or {})
