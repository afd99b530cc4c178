"""Reference views for the benchmarks (bench/): only routed when REMARKET_BENCH_VIEWS=1.

They measure what the machine and Django cost before any remarket logic, so the product page's
figures can be read as ratios measured in the same run."""

from django.http import HttpResponse, JsonResponse

from remarket.catalog.models import ProductModel


def bare(request):
    return HttpResponse(b"ok", content_type="text/plain")


def one_select(request):
    """One indexed primary-key select, serialised."""
    pk = int(request.GET.get("id", "1"))
    row = ProductModel.objects.filter(pk=pk).values("id", "slug", "name").first()
    return JsonResponse(row or {})
