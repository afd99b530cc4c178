from django.urls import include, path

from . import identity, invoices, listing_writes, statements, views

urlpatterns = [
    path("", views.orders, name="merchant-orders"),
    path("orders/<int:suborder_id>/", views.order, name="merchant-order"),
    path("orders/<int:suborder_id>/accept/", views.accept, name="merchant-accept"),
    path("orders/<int:suborder_id>/ship/", views.ship, name="merchant-ship"),
    path("orders/<int:suborder_id>/cancel/", views.cancel, name="merchant-cancel"),
    path("orders/<int:suborder_id>/invoice.pdf", invoices.invoice_upload, name="merchant-invoice-upload"),
    path("invoices/<int:invoice_id>/", invoices.invoice, name="merchant-invoice"),
    path("invoices/<int:invoice_id>.pdf", invoices.invoice_pdf, name="merchant-invoice-pdf"),
    path("listings/", views.listings, name="merchant-listings"),
    path("listings/terms/<int:terms_id>/", listing_writes.listing_terms, name="merchant-listing-terms"),
    path("listings/upload/", listing_writes.feed_upload, name="merchant-feed-upload"),
    path("listings/uploads/<int:task_id>/", listing_writes.feed, name="merchant-feed"),
    path("quality/", views.quality, name="merchant-quality"),
    path("identity/", identity.identity, name="merchant-identity"),
    path("statements/", statements.statements, name="merchant-statements"),
    path("returns/", include("remarket.web.merchant.returns")),
    path("webhooks/", include("remarket.web.merchant.webhooks")),
    path("trade-ins/", include("remarket.web.merchant.tradeins")),
    path("claims/", include("remarket.web.merchant.claims")),
    path("statements/statement.csv", statements.statement_csv, name="merchant-statement-csv"),
]
