from django.urls import include, path

from . import impact, invoices, order_links, pickup, product, search_views, views

urlpatterns = [
    path("", views.home_redirect),
    path("<str:market>/", views.home, name="store-home"),
    path("<str:market>/choose/", views.market_choose, name="store-market-choose"),
    path("<str:market>/p/<slug:slug>/", product.product, name="store-product"),
    path("<str:market>/p/<slug:slug>/offers/", product.product_offers, name="store-product-offers"),
    path("<str:market>/search/", search_views.search, name="store-search"),
    path("<str:market>/impact/", impact.impact, name="store-impact"),
    path("<str:market>/cart/", views.cart, name="store-cart"),
    path("<str:market>/cart/add/", views.cart_add_view, name="store-cart-add"),
    path("<str:market>/cart/remove/", views.cart_remove_view, name="store-cart-remove"),
    path("<str:market>/checkout/", views.checkout, name="store-checkout"),
    path("<str:market>/checkout/quote/", views.checkout_quote_view, name="store-checkout-quote"),
    path("<str:market>/checkout/pickup/", pickup.pickup_checkout, name="store-pickup-checkout"),
    path("<str:market>/pickup/locations/", pickup.pickup_locations, name="store-pickup-locations"),
    path("<str:market>/orders/link/", order_links.order_link, name="store-order-link"),
    path("<str:market>/orders/<uuid:order_id>/", views.order, name="store-order"),
    path("<str:market>/orders/<uuid:order_id>/confirm/", views.confirm, name="store-confirm"),
    path("<str:market>/orders/<uuid:order_id>/invoices/<int:invoice_id>/", invoices.invoice, name="store-invoice"),
    path(
        "<str:market>/orders/<uuid:order_id>/invoices/<int:invoice_id>.pdf",
        invoices.invoice_pdf_view,
        name="store-invoice-pdf",
    ),
    path(
        "<str:market>/orders/<uuid:order_id>/sellers-invoices/<int:suborder_id>.pdf",
        invoices.invoice_upload,
        name="store-invoice-upload",
    ),
    path("<str:market>/", include("remarket.web.storefront.returns")),
    path("<str:market>/", include("remarket.web.storefront.tradein")),
    path("<str:market>/", include("remarket.web.storefront.claims")),
]
