from django.urls import include, path

from . import catalog, events, locations, reports, views

urlpatterns = [
    path("", views.dashboard, name="ops-dashboard"),
    path("quality/", views.quality, name="ops-quality"),
    path("finance/", views.finance, name="ops-finance"),
    path("finance/ledger.csv", views.journal_csv, name="ops-journal-csv"),
    path("finance/payouts.csv", views.payouts_csv, name="ops-payouts-csv"),
    path("reports/", reports.gmv, name="ops-reports"),
    path("reports/gmv.csv", reports.gmv_csv, name="ops-reports-csv"),
    path("locations/", locations.locations, name="ops-locations"),
    path("locations/<slug:code>/", locations.location_edit, name="ops-location-edit"),
    path("catalog/", catalog.models, name="ops-catalog"),
    path("catalog/<slug:slug>/images/", catalog.images, name="ops-catalog-images"),
    path("catalog/<slug:slug>/images/<int:image_id>/remove", catalog.image_remove, name="ops-catalog-image-remove"),
    path("events/", events.failed, name="ops-events"),
    path("events/<int:event_id>/replay", events.replay, name="ops-event-replay"),
    path("claims/", include("remarket.web.ops.claims")),
]
