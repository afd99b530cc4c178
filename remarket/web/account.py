"""The account pages: log in (by e-mail, or username for staff), sign up, reset a forgotten password, change the
e-mail address; and where a login lands: each role's own home, customers their orders. The rules are
accounts/identity.py's; these pages parse the form, call it, and show a refusal with its code."""

from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from remarket.accounts import identity
from remarket.accounts.models import Role
from remarket.accounts.permissions import Actor
from remarket.checkout.cart import cart_merge, saved_cart_get, saved_cart_put
from remarket.core.errors import DomainError, NotFound
from remarket.core.http import client_ip
from remarket.core.i18n import site_language
from remarket.markets.selectors import market_get
from remarket.orders.selectors import orders_of_customer
from remarket.web.common import render_error

HOMES: dict[str, str] = {
    Role.MERCHANT: "merchant-orders",
    Role.CLERK: "pos-till",
    Role.PARTNER: "partner-report",
    Role.OPERATOR: "ops-dashboard",
}


def visitor_language(request) -> str:
    """The language of the country site the visitor chose (the `market` cookie), else their browser's."""
    code = request.COOKIES.get("market", "")
    if code:
        try:
            language = site_language(market_get(code=code.upper()).language)
            translation.activate(language)
            request.LANGUAGE_CODE = language
        except NotFound:
            pass
    return translation.get_language()


def _cart_keep(request) -> None:
    """The anonymous cart joins the customer's saved cart."""
    anonymous_cart = request.session.get("cart", {})
    user_id = request.user.pk
    saved_cart_put(user_id=user_id, cart=cart_merge(saved_cart_get(user_id=user_id), anonymous_cart))
    request.session.pop("cart", None)


class LoginView(auth_views.LoginView):
    """Django's login (django-axes counts the failures), then the anonymous cart joins the customer's saved cart."""

    template_name = "login.html"

    def dispatch(self, request, *args, **kwargs):
        visitor_language(request)
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        response = super().form_valid(form)
        _cart_keep(self.request)
        return response


def _next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    return target if target.startswith("/") and not target.startswith("//") else reverse("account")


@require_http_methods(["GET", "POST"])
def signup(request):
    visitor_language(request)
    context = {"next": _next(request), "form": request.POST}
    if request.method != "POST":
        return render(request, "accounts/signup.html", context)
    if request.POST.get("password") != request.POST.get("password2"):
        err = DomainError("ACCOUNT_PASSWORDS_DIFFER", _("The two passwords differ."), {"field": "password2"})
        return render_error(request, err, "accounts/signup.html", context)
    try:
        user = identity.customer_signup(
            email=request.POST.get("email", ""),
            password=request.POST.get("password", ""),
            first_name=request.POST.get("first_name", ""),
            last_name=request.POST.get("last_name", ""),
            client_ip=client_ip(request),
        )
    except DomainError as err:
        return render_error(request, err, "accounts/signup.html", context)
    auth_login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    _cart_keep(request)
    messages.success(request, _("Welcome! Your account is ready."))
    return redirect(_next(request))


@require_http_methods(["GET", "POST"])
def password_reset(request):
    language = visitor_language(request)
    if request.method != "POST":
        return render(request, "accounts/password_reset.html", {})
    try:
        identity.password_reset_request(
            email=request.POST.get("email", ""), client_ip=client_ip(request), language=language
        )
    except DomainError as err:
        return render_error(request, err, "accounts/password_reset.html", {})
    return render(request, "accounts/password_reset.html", {"sent": True})


@require_http_methods(["GET", "POST"])
def password_reset_confirm(request, uidb64, token):
    visitor_language(request)
    try:
        if request.method != "POST":
            identity.password_reset_link_check(uidb64=uidb64, token=token)
            return render(request, "accounts/password_set.html", {})
        if request.POST.get("password") != request.POST.get("password2"):
            raise DomainError("ACCOUNT_PASSWORDS_DIFFER", _("The two passwords differ."), {"field": "password2"})
        identity.password_reset_complete(uidb64=uidb64, token=token, password=request.POST.get("password", ""))
    except DomainError as err:
        invalid = err.code == "ACCOUNT_RESET_LINK_INVALID"
        return render_error(request, err, "accounts/password_set.html", {"invalid": invalid})
    messages.success(request, _("Your password is changed: log in with it."))
    return redirect("login")


@login_required
@require_http_methods(["GET", "POST"])
def email_change(request):
    language = visitor_language(request)
    if request.method != "POST":
        return render(request, "accounts/email_change.html", {})
    try:
        new_email = identity.email_change_request(
            user_id=request.user.pk,
            new_email=request.POST.get("email", ""),
            password=request.POST.get("password", ""),
            language=language,
        )
    except DomainError as err:
        return render_error(request, err, "accounts/email_change.html", {})
    return render(request, "accounts/email_change.html", {"sent_to": new_email})


def email_change_confirm(request, token):
    visitor_language(request)
    try:
        user = identity.email_change_confirm(token=token)
    except DomainError as err:
        return render_error(request, err, "accounts/email_confirmed.html", {})
    return render(request, "accounts/email_confirmed.html", {"email": user.email})


@login_required
def account(request):
    home = HOMES.get(Actor.of(request.user).role)
    if home:
        return redirect(home)
    visitor_language(request)
    orders = orders_of_customer(customer_id=request.user.pk)
    return render(request, "account.html", {"orders": orders})
