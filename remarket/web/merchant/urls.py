from django.urls import path

from . import views

urlpatterns = [
    path("", views.orders, name="merchant-orders"),
    path("orders/<int:suborder_id>/", views.order, name="merchant-order"),
    path("orders/<int:suborder_id>/accept/", views.accept, name="merchant-accept"),
    path("orders/<int:suborder_id>/ship/", views.ship, name="merchant-ship"),
    path("orders/<int:suborder_id>/cancel/", views.cancel, name="merchant-cancel"),
    path("listings/", views.listings, name="merchant-listings"),
    path("quality/", views.quality, name="merchant-quality"),
]
