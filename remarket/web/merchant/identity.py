"""The legal identity a merchant's invoices print: its staff read and change it here (invoices/seller.py's rules)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from remarket.core.errors import DomainError
from remarket.invoices.seller import FIELDS, seller_identity_get, seller_identity_set
from remarket.web.common import render_error, requires


@requires("order.fulfil", merchant=True)
def identity(request):
    current = seller_identity_get(actor=request.actor)
    values = {f: getattr(current, f) for f in FIELDS} if current else {}
    if request.method != "POST":
        return render(request, "merchant/identity.html", {"values": values})
    posted = {f: request.POST.get(f, "") for f in FIELDS}
    try:
        seller_identity_set(actor=request.actor, values=posted)
    except DomainError as err:
        return render_error(request, err, "merchant/identity.html", {"values": posted})
    messages.success(request, _("Saved: your next invoices carry this identity."))
    return redirect("merchant-identity")
