from django.urls import include, path

from . import locations, views

urlpatterns = [
    path("", views.dashboard, name="ops-dashboard"),
    path("quality/", views.quality, name="ops-quality"),
    path("finance/", views.finance, name="ops-finance"),
    path("finance/ledger.csv", views.journal_csv, name="ops-journal-csv"),
    path("finance/payouts.csv", views.payouts_csv, name="ops-payouts-csv"),
    path("locations/", locations.locations, name="ops-locations"),
    path("locations/<slug:code>/", locations.location_edit, name="ops-location-edit"),
    path("claims/", include("remarket.web.ops.claims")),
]
