"""Where a login lands: each role's own home; customers see their orders."""
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from remarket.accounts.models import Role
from remarket.accounts.permissions import Actor
from remarket.orders.models import Order

HOMES = {Role.MERCHANT: "merchant-orders", Role.CLERK: "pos-till", Role.OPERATOR: "ops-dashboard"}


@login_required
def account(request):
    home = HOMES.get(Actor.of(request.user).role)
    if home:
        return redirect(home)
    orders = (Order.objects.filter(customer=request.user).select_related("market", "payment")
              .order_by("-created_at")[:50])
    return render(request, "account.html", {"orders": orders})
