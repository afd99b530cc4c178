import os

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from remarket.api.v1.api import api
from remarket.core.health import healthz, readyz
from remarket.web import account as accounts
from remarket.web import preferences
from remarket.web.metrics import metrics

urlpatterns = [
    path("healthz", healthz),
    path("readyz", readyz),
    path("metrics", metrics, name="metrics"),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("ws/", include("remarket.api.ws.urls")),  # the Back Market-compatible seller API
    path("login/", accounts.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("signup/", accounts.signup, name="signup"),
    path("password-reset/", accounts.password_reset, name="password-reset"),
    path("password-reset/<str:uidb64>/<str:token>/", accounts.password_reset_confirm, name="password-reset-confirm"),
    path("account/", accounts.account, name="account"),
    path("account/email/", accounts.email_change, name="email-change"),
    path("account/preferences/", preferences.preferences, name="account-preferences"),
    path("account/email/confirm/<str:token>/", accounts.email_change_confirm, name="email-change-confirm"),
    path("merchant/", include("remarket.web.merchant.urls")),
    path("pos/", include("remarket.web.pos.urls")),
    path("partner/", include("remarket.web.partner.urls")),
    path("ops/", include("remarket.web.ops.urls")),
    path("payments/", include("remarket.web.payments_urls")),
    path("", include("remarket.web.storefront.urls")),
]

if os.environ.get("REMARKET_BENCH_VIEWS") == "1":
    from remarket.web import benchviews

    urlpatterns[:0] = [path("bench/bare", benchviews.bare), path("bench/one-select", benchviews.one_select)]

handler404 = "remarket.web.errors.not_found"
handler500 = "remarket.web.errors.server_error"
