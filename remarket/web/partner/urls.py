from django.urls import path

from . import views

urlpatterns = [
    path("", views.report, name="partner-report"),
    path("report.csv", views.report_csv, name="partner-report-csv"),
    path("locations/<int:location_id>/", views.location, name="partner-location"),
    path("statement/", views.statement, name="partner-statement"),
    path("payouts.csv", views.payouts_csv, name="partner-payouts-csv"),
]
