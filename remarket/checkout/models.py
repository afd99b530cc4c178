from django.db import models
from django.db.models import Q


class StockHold(models.Model):
    """Units an unpaid order keeps out of availability until it is paid, fails, or the hold lapses. It also
    records who checked out (for the limits on holds, checkout/limits.py) and which cart version it was made
    from: one order per cart version, whatever the client repeats."""

    order = models.OneToOneField("orders.Order", on_delete=models.PROTECT, related_name="hold")
    expires_at = models.DateTimeField(db_index=True)
    released_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=12, blank=True)  # sold, released, expired
    units = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(null=True)
    # who holds it: the web session, the customer, the client's address ("" when not known or not limited)
    session_key = models.CharField(max_length=64, blank=True, default="")
    customer_id = models.BigIntegerField(null=True, blank=True)
    client_ip = models.CharField(max_length=45, blank=True, default="")
    # the cart version checked out, scoped to its owner ("web:<session>:<version>", "pos:...", "api-cart:...")
    checkout_key = models.CharField(max_length=120, blank=True, default="")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["checkout_key"], condition=~Q(checkout_key=""), name="one_order_per_cart_version"
            )
        ]
        indexes = [
            models.Index(fields=["session_key", "created_at"], condition=~Q(session_key=""), name="hold_by_session"),
            models.Index(
                fields=["customer_id", "created_at"], condition=Q(customer_id__isnull=False), name="hold_by_customer"
            ),
            models.Index(fields=["client_ip", "created_at"], condition=~Q(client_ip=""), name="hold_by_ip"),
        ]


class SavedCart(models.Model):
    """A logged-in customer's cart, the same mapping an anonymous cart keeps in the session."""

    user = models.OneToOneField("accounts.User", on_delete=models.CASCADE, related_name="cart")
    data = models.JSONField(default=dict)
    updated_at = models.DateTimeField()
