from django.db import models


class StockHold(models.Model):
    """Units an unpaid order keeps out of availability until it is paid, fails, or the hold lapses."""

    order = models.OneToOneField("orders.Order", on_delete=models.PROTECT, related_name="hold")
    expires_at = models.DateTimeField(db_index=True)
    released_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=12, blank=True)  # sold, released, expired


class SavedCart(models.Model):
    """A logged-in customer's cart, the same mapping an anonymous cart keeps in the session."""

    user = models.OneToOneField("accounts.User", on_delete=models.CASCADE, related_name="cart")
    data = models.JSONField(default=dict)
    updated_at = models.DateTimeField()
