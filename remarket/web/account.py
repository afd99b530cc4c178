"""Where a login lands: each role's own home; customers see their orders."""

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from remarket.accounts.models import Role
from remarket.accounts.permissions import Actor
from remarket.checkout.cart import cart_merge, saved_cart_get, saved_cart_put
from remarket.orders.selectors import orders_of_customer

HOMES: dict[str, str] = {Role.MERCHANT: "merchant-orders", Role.CLERK: "pos-till", Role.OPERATOR: "ops-dashboard"}


class LoginView(auth_views.LoginView):
    """Django's login, then the anonymous cart joins the customer's saved cart."""

    template_name = "login.html"

    def form_valid(self, form):
        anonymous_cart = self.request.session.get("cart", {})
        response = super().form_valid(form)
        user_id = self.request.user.pk
        saved_cart_put(user_id=user_id, cart=cart_merge(saved_cart_get(user_id=user_id), anonymous_cart))
        self.request.session.pop("cart", None)
        return response


@login_required
def account(request):
    home = HOMES.get(Actor.of(request.user).role)
    if home:
        return redirect(home)
    orders = orders_of_customer(customer_id=request.user.pk)
    return render(request, "account.html", {"orders": orders})
