from django.urls import path

from . import views

urlpatterns = [
    path("", views.till, name="pos-till"),
    path("sell/", views.sell, name="pos-sell"),
]
