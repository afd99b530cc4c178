from django.urls import include, path

from . import views

urlpatterns = [
    path("", views.till, name="pos-till"),
    path("sell/", views.sell, name="pos-sell"),
    path("pickups/", include("remarket.web.pos.pickup_urls")),
    path("returns/", include("remarket.web.pos.returns")),
]
