from django.urls import path

from . import views

urlpatterns = [
    path("", views.dashboard, name="ops-dashboard"),
    path("quality/", views.quality, name="ops-quality"),
]
