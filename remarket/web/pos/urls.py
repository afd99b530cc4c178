from django.urls import include, path

from . import views

urlpatterns = [
    path("", views.till, name="pos-till"),
    path("sell/", views.sell, name="pos-sell"),
    path("pickups/", include("remarket.web.pos.pickup_urls")),
    path("returns/", include("remarket.web.pos.returns")),
    path("trade-in/", include("remarket.web.pos.tradeins")),
    path("sales/<uuid:order_id>/", views.sale, name="pos-sale"),
    path("sales/<uuid:order_id>/return/", views.sale_return, name="pos-sale-return"),
    path("sw.js", views.service_worker, name="pos-sw"),
]
