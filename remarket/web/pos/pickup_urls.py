from django.urls import path

from . import pickups

urlpatterns = [
    path("", pickups.pickups, name="pos-pickups"),
    path("<int:pickup_id>/receive/", pickups.receive, name="pos-pickup-receive"),
    path("collect/", pickups.collect, name="pos-pickup-collect"),
]
